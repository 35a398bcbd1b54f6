package main

import (
	"fmt"
	"io"
	"time"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// replayResult holds the record/replay figures.
type replayResult struct {
	eventsPerSec, bareFSMPerSec float64
	streamSizes                 []int
	streamTimes                 []time.Duration
	streamPeakMB                []float64
}

// measureReplay measures offline replay throughput on a generated log of
// 100,000 events beside a bare looplab/fsm loop, and streaming replay of 10k, 100k
// and 1M records, each in a process of its own for its peak memory.
func measureReplay(progress io.Writer) (replayResult, error) {
	var res replayResult
	var err error
	if res.eventsPerSec, err = replay.MeasureThroughput(100_000); err != nil {
		return res, fmt.Errorf("replay throughput: %w", err)
	}
	recs, err := replay.CycleRecords(replay.CycleTemplate)
	if err != nil {
		return res, err
	}
	if res.bareFSMPerSec, err = replay.MeasureBareFSMRecords(recs, 1_000_000); err != nil {
		return res, err
	}
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		fmt.Fprintf(progress, "streaming %d records...\n", n)
		d, peak, err := replay.MeasureStreaming(n)
		if err != nil {
			return res, fmt.Errorf("streaming %d: %w", n, err)
		}
		res.streamSizes = append(res.streamSizes, n)
		res.streamTimes = append(res.streamTimes, d)
		res.streamPeakMB = append(res.streamPeakMB, peak)
	}
	return res, nil
}
