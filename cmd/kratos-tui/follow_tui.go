package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/mattn/go-isatty"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// followViewer opens the trace viewer on a run recorded to NATS
// (nats://HOST:PORT/STREAM/RUN) as it is recorded: start feeds it the
// run's records as they arrive, until the run's end mark, ctx's end or an
// error, which the viewer's header shows. stop ends the feed.
func followViewer(ctx context.Context, addr string) (v *traceview.Viewer, start func(), stop func(), err error) {
	t, err := natsrec.Parse(addr)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--follow: %w", err)
	}
	if t.Run == "" {
		return nil, nil, nil, fmt.Errorf("--follow %s names no run: write nats://HOST:PORT/STREAM/RUN (kratos-tui prints it when it starts recording)", addr)
	}
	nc, js, err := natsrec.Connect(ctx, t, 0)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--follow: %w", err)
	}
	v = traceview.NewLive(flowlog.Header{}, t.String())
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	start = func() {
		go func() {
			defer close(done)
			v.End(feed(ctx, v, func(w io.Writer) error {
				_, err := natsrec.Copy(ctx, js, t, t.Run, w, natsrec.CopyOptions{Follow: true})
				return err
			}))
		}()
	}
	stop = func() {
		cancel()
		<-done
		nc.Close()
	}
	return v, start, stop, nil
}

// feed reads the flow log that copy writes and appends its records to the
// viewer; it returns nil at the run's end.
func feed(ctx context.Context, v *traceview.Viewer, copy func(io.Writer) error) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(copy(pw)) }()
	defer pr.Close()
	r, err := flowlog.NewReader(pr)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		v.Append(rec)
	}
}

// followTUI shows a run live in the viewer until the user quits.
func followTUI(ctx context.Context, addr string) error {
	v, start, stop, err := followViewer(ctx, addr)
	if err != nil {
		return err
	}
	start()
	defer stop()
	return v.Run()
}

// isTerminal reports whether f is a file on a terminal.
func isTerminal(f any) bool {
	fd, ok := f.(interface{ Fd() uintptr })
	return ok && isatty.IsTerminal(fd.Fd())
}
