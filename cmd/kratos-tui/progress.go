package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// progressMinBytes is the size from which reading a flow log shows a
// progress bar (smaller ones read in a blink).
var progressMinBytes int64 = 4 << 20

// progressReader wraps r (of size bytes) with a progress bar on w when w
// is a terminal and size is at least progressMinBytes; otherwise it
// returns r and draws nothing, so that a pipe gets nothing extra. finish
// clears the bar.
func progressReader(r io.Reader, size int64, label string, w io.Writer, terminal bool) (io.Reader, func()) {
	if !terminal || size < progressMinBytes {
		return r, func() {}
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
	)
	pr := progressbar.NewReader(r, bar)
	return &pr, func() { _ = bar.Finish() }
}

// openLog opens a flow log for reading with a progress bar on stderr when
// stderr is a terminal and the log is large.
func openLog(path string, stderr *os.File) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	r, finish := progressReader(f, size, "reading "+filepath.Base(path), stderr, isatty.IsTerminal(stderr.Fd()))
	return r, func() { finish(); _ = f.Close() }, nil
}

// replayFileWithProgress is replay.RunFile with a progress bar while the
// log is read (replay.go calls it); it streams as RunFile does.
func replayFileWithProgress(ctx context.Context, path string, opts replay.Options, stderr *os.File) (*replay.Result, error) {
	r, done, err := openLog(path, stderr)
	if err != nil {
		return nil, fmt.Errorf("%w: replay: %w", replay.ErrUnreadable, err)
	}
	defer done()
	return replay.RunReader(ctx, r, path, opts)
}

// readLogWithProgress is flowlog.ReadAll (what the trace viewer loads)
// with a progress bar while the log is read (trace.go calls it). At the
// end of a log without its end mark it warns on stderr.
func readLogWithProgress(path string, stderr *os.File) (flowlog.Header, []flowlog.Record, error) {
	r, done, err := openLog(path, stderr)
	if err != nil {
		return flowlog.Header{}, nil, fmt.Errorf("flow log: %w", err)
	}
	defer done()
	fr, err := flowlog.NewReader(r)
	if err != nil {
		return flowlog.Header{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []flowlog.Record
	for {
		rec, err := fr.Next()
		if errors.Is(err, io.EOF) {
			if !fr.Ended() {
				warnNoEndMark(stderr, path)
			}
			return fr.Header(), out, nil
		}
		if err != nil {
			return fr.Header(), out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, rec)
	}
}

// warnNoEndMark warns that the log at path ends without its end mark.
func warnNoEndMark(stderr io.Writer, path string) {
	fmt.Fprintf(stderr, "kratos-tui: warning: %s: %v\n", termtext.Escape(path), flowlog.ErrNoEndMark)
}
