// Command kratos-tui-bench measures kratos-tui and prints a table, then, as
// its last line, one JSON object with every figure. `make bench` runs it.
//
// Each figure measures the path users run and is compared with the bare
// alternative measured in the same run, interleaved, with its median,
// minimum and maximum over the repetitions. See the README's benchmark
// table for what each figure means.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// section measures some figures into the report.
type section struct {
	name string
	run  func(context.Context, *report) error
}

func main() {
	cycles := flag.Int("cycles", 3000, "sign-in/sign-out cycles through the pipeline per repetition")
	rounds := flag.Int("rounds", 200, "interleaved sign-ins against the local Kratos")
	reps := flag.Int("reps", 5, "repetitions (at least 3) of each interleaved measurement")
	only := flag.String("only", "", "run only the sections whose names start with one of these, comma-separated (e.g. pipeline,recorder); the local Kratos starts when a section needs it")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "kratos-tui-bench: -cpuprofile: %v\n", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*cycles, *rounds, *reps, *only); err != nil {
		fmt.Fprintf(os.Stderr, "kratos-tui-bench: %v\n", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(cycles, rounds, reps int, only string) error {
	if reps < 3 {
		return fmt.Errorf("-reps %d: at least 3 repetitions are needed for a spread", reps)
	}
	ctx := context.Background()
	if _, err := kratostest.BinaryPath(); err != nil {
		return fmt.Errorf("%w (the sign-in and start-up benchmarks need a local Kratos)", err)
	}
	var srv *kratostest.Server // started by the "local Kratos" section
	defer func() {
		if srv != nil {
			srv.Stop()
		}
	}()
	sections := []section{
		{"pipeline", benchPipeline(cycles, reps)},
		{"recorder, in-memory worst case", benchRecordInMemory(cycles/6, reps)},
		{"local Kratos", func(ctx context.Context, _ *report) (err error) {
			srv, err = kratostest.Start(ctx, kratostest.Options{})
			return err
		}},
		{"sign-in", benchLogin(&srv, rounds, reps)},
		{"keypress", benchKeypress(500)},
		{"start-up in a pseudo-terminal", benchStartup(&srv, max(reps, 10))},
		{"replay", benchReplay},
		{"trace viewer in a pseudo-terminal", benchTraceViewer(3)},
		{"replay farm and NATS recording", func(_ context.Context, r *report) error {
			return measureFarm(r.tw, os.Stderr, r.figures, 24, 1500)
		}},
	}
	r := newReport(os.Stdout)
	for _, s := range selected(sections, only) {
		fmt.Fprintf(os.Stderr, "measuring %s...\n", s.name)
		if err := s.run(ctx, r); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if err := r.tw.Flush(); err != nil {
		return err
	}
	out, err := json.Marshal(r.figures)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// selected returns the sections named in only (prefixes, comma-separated),
// with the local Kratos when a chosen section needs it; all when only is
// empty.
func selected(sections []section, only string) []section {
	if only == "" {
		return sections
	}
	var out []section
	needKratos := false
	for _, s := range sections {
		for _, p := range strings.Split(only, ",") {
			if p = strings.TrimSpace(p); p != "" && strings.HasPrefix(s.name, p) {
				out = append(out, s)
				needKratos = needKratos || s.name == "sign-in" || strings.HasPrefix(s.name, "start-up")
				break
			}
		}
	}
	if needKratos {
		for _, s := range sections {
			if s.name == "local Kratos" {
				out = append([]section{s}, out...)
			}
		}
	}
	return out
}

// benchReplay measures offline and streaming replay.
func benchReplay(_ context.Context, r *report) error {
	tw, figures := r.tw, r.figures
	rr, err := measureReplay(os.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "offline replay in process, the corpus's sign-in round repeated to 100,000 records\t%.0f records/s\tbare looplab/fsm making the same transitions %.0f records/s\t%.3f\t\n", rr.eventsPerSec, rr.bareFSMPerSec, rr.eventsPerSec/rr.bareFSMPerSec)
	figures["replay_events_per_s"] = round(rr.eventsPerSec)
	figures["bare_fsm_records_per_s"] = round(rr.bareFSMPerSec)
	for i, n := range rr.streamSizes {
		fmt.Fprintf(tw, "streaming read of %d records (decoding only: no machine, no comparison)\t%.2f s\tpeak RSS %.1f MiB\t\t\n", n, rr.streamTimes[i].Seconds(), rr.streamPeakMB[i])
		figures[fmt.Sprintf("replay_stream_%d_s", n)] = round(rr.streamTimes[i].Seconds())
		figures[fmt.Sprintf("replay_stream_%d_peak_rss_mb", n)] = round(rr.streamPeakMB[i])
	}
	// The CLI binary in its own process: replay_cli_1m_peak_rss_mb,
	// replay_cli_events_per_s (parsing included) and the trace timeline.
	if err := measureReplayCLI(tw, os.Stderr, figures); err != nil {
		return fmt.Errorf("CLI replay: %w", err)
	}
	return nil
}
