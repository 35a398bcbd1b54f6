package main

import (
	"context"
	"fmt"
	"time"
)

// benchRecordInMemory measures the recorder's worst case: sign-in/sign-out
// cycles with in-memory adapters (no network to hide behind), each intent
// published once the previous one was handled, with a file recorder until
// the last record is written to the operating system, over the same
// without; interleaved, reps times.
func benchRecordInMemory(cycles, reps int) func(context.Context, *report) error {
	return func(_ context.Context, r *report) error {
		var with, without []time.Duration
		for i := range reps + 1 { // the first round warms up
			var a, b pipelineResult
			var err error
			for k := range 2 {
				if (i+k)%2 == 0 {
					a, err = measurePipeline(cycles, true, true)
				} else {
					b, err = measurePipeline(cycles, false, true)
				}
				if err != nil {
					return err
				}
			}
			if i > 0 {
				with, without = append(with, a.elapsed), append(without, b.elapsed)
			}
		}
		ratio := spreadOf(ratios(msAll(with), msAll(without)))
		r.row(fmt.Sprintf("%d sign-in/out cycles with a file recorder, in-memory adapters, until written", cycles),
			spreadMS(with).unit("ms"), "without "+spreadMS(without).unit("ms"), ratio.String(), goalMet(ratio.med, 1.5))
		r.spreadFigure("record_flushed_overhead_inmemory_ratio", ratio)
		return nil
	}
}

func msAll(ds []time.Duration) []float64 {
	f := make([]float64, len(ds))
	for i, d := range ds {
		f[i] = ms(d)
	}
	return f
}
