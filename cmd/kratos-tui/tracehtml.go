package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui/tracehtml"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// replayFor replays the log offline for a trace that shows the replay's
// result (--replay).
func replayFor(ctx context.Context, path string) (*tracehtml.Replay, error) {
	res, err := replay.RunFile(ctx, path, replay.Options{})
	if err != nil {
		return nil, fmt.Errorf("--replay: %w", err)
	}
	out := &tracehtml.Replay{Records: res.Records}
	if d := res.Divergence; d != nil {
		out.Divergence = &tracehtml.Divergence{Seq: d.Seq, Field: d.Field, Reason: d.Reason, Expected: d.Expected, Actual: d.Actual}
	}
	return out, nil
}

// traceHTML writes the HTML report of the log at path; with withReplay, the
// log is replayed first and the report opens on its first divergence.
func traceHTML(ctx context.Context, stdout, stderr io.Writer, path string, withReplay bool) error {
	opts := tracehtml.Options{Name: path}
	if withReplay {
		rp, err := replayFor(ctx, path)
		if err != nil {
			return err
		}
		opts.Replay = rp
	}
	err := tracehtml.WriteFile(stdout, path, opts)
	if errors.Is(err, flowlog.ErrNoEndMark) {
		warnNoEndMark(stderr, path)
		return nil
	}
	if errors.Is(err, flowlog.ErrTruncated) {
		fmt.Fprintf(stderr, "kratos-tui: warning: %v; the report shows the whole records before it\n", err)
		return nil
	}
	return err
}

// runViewer opens the interactive viewer on the log at path, which it
// indexes in the background (the first records show at once); with
// withReplay, the log is replayed first and the viewer starts at the first
// divergence, recorded and replayed side by side.
func runViewer(ctx context.Context, path string, withReplay bool) error {
	var div *traceview.Divergence
	if withReplay {
		rp, err := replayFor(ctx, path)
		if err != nil {
			return err
		}
		div = rp.Divergence
	}
	v, err := traceview.Open(path)
	if err != nil {
		return err
	}
	v.SetDivergence(div)
	return v.Run()
}

// viewDivergence opens the viewer at a replay's divergence (replay
// --trace); it needs a terminal.
func viewDivergence(stdin, stdout *os.File, path string, d *traceview.Divergence) error {
	if !isatty.IsTerminal(stdin.Fd()) || !isatty.IsTerminal(stdout.Fd()) {
		return fmt.Errorf("--trace opens the viewer and needs a terminal; for a file, run: kratos-tui trace --format html --replay %s > trace.html", path)
	}
	v, err := traceview.Open(path)
	if err != nil {
		return err
	}
	v.SetDivergence(d)
	return v.Run()
}
