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
// its figures to figures:
//
//	replay_cli_1m_peak_rss_mb    peak RSS of replaying 1M records (goal <= 64)
//	replay_cli_events_per_s      records per second of that run, parsing included (goal >= 100,000)
//	replay_cli_vs_bare_fsm       that rate over a bare looplab/fsm loop's events per second
//	replay_cli_linearity         time per record at 1M over time per record at 100k (1 = linear)
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
	runs := map[int]cliRun{}
	sizes := []int{100_000, 1_000_000}
	var n1m int
	for _, n := range sizes {
		path := filepath.Join(dir, fmt.Sprintf("cycles-%d.jsonl", n))
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		got, err := replay.WriteCycles(f, replay.CycleTemplate, n)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write a log of %d records: %w", n, err)
		}
		fmt.Fprintf(progress, "kratos-tui replay on %d records...\n", got)
		r, out, err := runCLI(bin, "replay", path)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(out, "PASS") {
			return fmt.Errorf("kratos-tui replay of %d records did not pass: %s", got, out)
		}
		runs[n] = r
		if n == 1_000_000 {
			n1m = got
			fmt.Fprintf(progress, "kratos-tui trace --format text on %d records...\n", got)
			tr, _, err := runCLI(bin, "trace", "--format", "text", path)
			if err != nil {
				return err
			}
			fmt.Fprintf(tw, "CLI trace --format text, %d records (own process)\t%.1f MiB peak RSS\tgoal 64 MiB\t%.2f s\n", got, tr.peakMB, tr.wall.Seconds())
			figures["trace_text_cli_1m_peak_rss_mb"] = round(tr.peakMB)
		}
	}
	bare := replay.MeasureBareFSM(1_000_000)
	r1m, r100k := runs[1_000_000], runs[100_000]
	eps := float64(n1m) / r1m.wall.Seconds()
	linearity := (r1m.wall.Seconds() / 1e6) / (r100k.wall.Seconds() / 1e5)
	fmt.Fprintf(tw, "CLI replay, %d records on the recorded wire (own process)\t%.1f MiB peak RSS\tgoal 64 MiB\t%.2f s\n", n1m, r1m.peakMB, r1m.wall.Seconds())
	fmt.Fprintf(tw, "CLI replay events/s, parsing included\t%.0f events/s\tbare looplab/fsm %.0f events/s (goal >= 100,000)\t%.4f\n", eps, bare, eps/bare)
	fmt.Fprintf(tw, "CLI replay time per record, 1M / 100k\t%.2f\tlinear = 1\t\n", linearity)
	figures["replay_cli_1m_peak_rss_mb"] = round(r1m.peakMB)
	figures["replay_cli_events_per_s"] = round(eps)
	figures["replay_cli_vs_bare_fsm"] = round(eps / bare)
	figures["replay_cli_linearity"] = round(linearity)
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
