package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// cliRun is one run of the kratos-tui binary in its own process.
type cliRun struct {
	wall   time.Duration
	peakMB float64
}

// measureReplayCLI measures `kratos-tui replay FILE` and `kratos-tui trace
// --format text FILE` on logs of 100,000 and 1,000,000 records, each run
// the CLI binary in a process of its own (the path users run: process
// start, parsing, the real adapters on the recorded wire, the state
// machine, the bus, the comparison): its wall time and its peak resident
// memory (the child's rusage maxrss). The logs repeat the corpus's real
// sign-in/sign-out round (replay.WriteCycles). It writes its rows to tw and
// its figures to figures. The 1M replay runs three times, each followed by
// its bare alternative; a figure is the median, with its min, max and n:
//
//	replay_cli_1m_peak_rss_mb     peak RSS of replaying 1M records, the largest of the runs (goal <= 64)
//	replay_cli_events_per_s       records per second of a run, process start and parsing included (goal >= 100,000)
//	replay_bare_fsm_records_per_s a bare looplab/fsm machine firing the same log's transitions
//	                              (its TransitionMade records), counted in records of the log per second
//	replay_cli_vs_bare_fsm_records the first over the second, run by run: like over like
//	replay_cli_linearity          time per record at 1M (median) over time per record at 100k (1 = linear)
//	trace_text_cli_1m_peak_rss_mb peak RSS of trace --format text on 1M records
func measureReplayCLI(tw, progress io.Writer, figures map[string]any) error {
	bin, err := kratosTUIBinary()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kratos-tui-bench-replay-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	write := func(n int) (string, int, error) {
		path := filepath.Join(dir, fmt.Sprintf("cycles-%d.jsonl", n))
		f, err := os.Create(path)
		if err != nil {
			return "", 0, err
		}
		got, err := replay.WriteCycles(f, replay.CycleTemplate, n)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", 0, fmt.Errorf("write a log of %d records: %w", n, err)
		}
		return path, got, nil
	}
	replayOnce := func(path string, n int) (cliRun, error) {
		r, out, err := runCLI(bin, "replay", path)
		if err != nil {
			return r, err
		}
		if !strings.HasPrefix(out, "PASS") {
			return r, fmt.Errorf("kratos-tui replay of %d records did not pass: %s", n, out)
		}
		return r, nil
	}
	cycle, err := replay.CycleRecords(replay.CycleTemplate)
	if err != nil {
		return err
	}
	path100k, n100k, err := write(100_000)
	if err != nil {
		return err
	}
	fmt.Fprintf(progress, "kratos-tui replay on %d records...\n", n100k)
	r100k, err := replayOnce(path100k, n100k)
	if err != nil {
		return err
	}
	path1m, n1m, err := write(1_000_000)
	if err != nil {
		return err
	}
	// The 1M replay and the bare loop, interleaved, three times.
	const reps = 3
	var eps, bare, ratio, walls []float64
	var peak float64
	for i := range reps {
		fmt.Fprintf(progress, "kratos-tui replay on %d records (%d of %d)...\n", n1m, i+1, reps)
		r, err := replayOnce(path1m, n1m)
		if err != nil {
			return err
		}
		b, err := replay.MeasureBareFSMRecords(cycle, n1m)
		if err != nil {
			return err
		}
		e := float64(n1m) / r.wall.Seconds()
		eps, bare, ratio = append(eps, e), append(bare, b), append(ratio, e/b)
		walls = append(walls, r.wall.Seconds())
		peak = max(peak, r.peakMB)
	}
	fmt.Fprintf(progress, "kratos-tui trace --format text on %d records...\n", n1m)
	tr, _, err := runCLI(bin, "trace", "--format", "text", path1m)
	if err != nil {
		return err
	}
	e, b, q, w := spreadOf(eps), spreadOf(bare), spreadOf(ratio), spreadOf(walls)
	linearity := (w.med / float64(n1m)) / (r100k.wall.Seconds() / float64(n100k))
	fmt.Fprintf(tw, "CLI replay, %d records on the recorded wire (own process)\t%.1f MiB peak RSS (largest of %d)\tgoal 64 MiB\t%s s\n", n1m, peak, reps, w.format("%.2f"))
	fmt.Fprintf(tw, "CLI replay events/s, process start and parsing included\t%s events/s\tbare looplab/fsm making the same transitions %s records/s\t%s\tgoal >= 100,000 events/s %s\n",
		e.format("%.0f"), b.format("%.0f"), q.format("%.4f"), metOrNot(e.med >= 100_000))
	fmt.Fprintf(tw, "CLI replay time per record, 1M / 100k\t%.2f\tlinear = 1\t\n", linearity)
	fmt.Fprintf(tw, "CLI trace --format text, %d records (own process)\t%.1f MiB peak RSS\tgoal 64 MiB\t%.2f s\n", n1m, tr.peakMB, tr.wall.Seconds())
	figures["replay_cli_1m_peak_rss_mb"] = round(peak)
	putSpread(figures, "replay_cli_events_per_s", e)
	putSpread(figures, "replay_bare_fsm_records_per_s", b)
	putSpread(figures, "replay_cli_vs_bare_fsm_records", q)
	figures["replay_cli_linearity"] = round(linearity)
	figures["trace_text_cli_1m_peak_rss_mb"] = round(tr.peakMB)
	return nil
}

// runCLI runs the binary and returns its wall time, peak RSS and stdout.
func runCLI(bin string, args ...string) (cliRun, string, error) {
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return cliRun{}, "", fmt.Errorf("%s: %w", bin, err)
	}
	// The child's own high-water mark: /proc/PID/status VmHWM belongs to
	// the memory of the program it runs. The rusage that wait returns does
	// not: Linux carries the forking process's high-water mark across the
	// exec, so a bench grown large would be measured instead.
	hwm := make(chan float64, 1)
	done := make(chan struct{})
	go func() {
		var peak float64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if mb, ok := vmHWM(cmd.Process.Pid); ok && mb > peak {
				peak = mb
			}
			select {
			case <-done:
				hwm <- peak
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	peak := <-hwm
	if err != nil {
		return cliRun{}, "", fmt.Errorf("%s %s: %w: %s%s", bin, strings.Join(args, " "), err, firstLines(stdout.String()), stderr.String())
	}
	r := cliRun{wall: wall, peakMB: peak}
	if peak == 0 {
		// No /proc (not Linux): the rusage, an upper bound.
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.peakMB = float64(ru.Maxrss) / 1024
		}
	}
	return r, stdout.String(), nil
}

// vmHWM reads the peak resident set of a running process, in MiB.
func vmHWM(pid int) (float64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kb); err == nil {
				return kb / 1024, true
			}
		}
	}
	return 0, false
}

func firstLines(s string) string {
	if len(s) > 2000 {
		return s[:2000]
	}
	return s
}

// kratosTUIBinary is $KRATOS_TUI_BIN, else the module's .bin/kratos-tui
// (make bench builds it).
func kratosTUIBinary() (string, error) {
	if bin := os.Getenv("KRATOS_TUI_BIN"); bin != "" {
		return bin, nil
	}
	root, ok := replay.ModuleRoot()
	if !ok {
		return "", fmt.Errorf("no module root: run from the repository or set KRATOS_TUI_BIN")
	}
	bin := filepath.Join(root, ".bin", "kratos-tui")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("%s: %w (run make build, or set KRATOS_TUI_BIN)", bin, err)
	}
	return bin, nil
}
