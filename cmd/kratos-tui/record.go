package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/loopback"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// exitRecordingIncomplete is the exit status of a run whose --record log
// misses records (a write failed, or the last ones could not be written in
// time), when the run did not fail otherwise.
const exitRecordingIncomplete = 3

// recordFlushTimeout bounds how long the exit waits for the last records
// to be written.
var recordFlushTimeout = 10 * time.Second

// openRecorder creates the flow log at path (--record) and returns the
// observer that records a run into it, and a function that writes what is
// still queued, closes the log and, when records are missing, says so on
// stderr and returns an exitError. The log redacts with the run's registry
// of secrets (cfg.Secrets); redactPII adds pseudonyms for personal data
// (--redact-pii).
func openRecorder(path string, cfg app.Config, stderr io.Writer, redactPII bool) (func(context.Context, *bus.Bus) error, func() error, error) {
	red := flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: cfg.Secrets, RedactPII: redactPII})
	h := flowlog.NewHeader(Version, time.Now())
	h.KratosAPI, h.Backend = cfg.KratosAPI, cfg.Backend
	h.CallbackURL = loopback.ReturnTo(cfg.CallbackPort)
	h.TimeoutMS = cfg.Timeout.Milliseconds()
	sink, err := openSink(path, stderr)
	if err != nil {
		return nil, nil, err
	}
	w, err := flowlog.NewSinkWriter(sink, h, flowlog.WithRedactor(red))
	if err != nil {
		return nil, nil, fmt.Errorf("--record: %w", err)
	}
	rec := flowlog.NewRecorder(w)
	closeRec := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), recordFlushTimeout)
		defer cancel()
		if err := rec.CloseContext(ctx); err != nil {
			fmt.Fprintf(stderr, "kratos-tui: the recording %s is incomplete: %v\n", path, err)
			return exitError{code: exitRecordingIncomplete}
		}
		return nil
	}
	return rec.Attach, closeRec, nil
}

// openSink opens where --record goes: a file, or a run on a NATS JetStream
// stream (nats://HOST:PORT/STREAM), which it names on stderr.
func openSink(path string, stderr io.Writer) (flowlog.Sink, error) {
	if !natsrec.IsURL(path) {
		// Said before the file is truncated: an earlier recording under
		// the same name is gone once the run starts.
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			fmt.Fprintf(stderr, "kratos-tui: --record: replacing %s (%d bytes)\n", path, fi.Size())
		}
		s, err := flowlog.CreateFileSink(path)
		if err != nil {
			return nil, fmt.Errorf("--record: %w", err)
		}
		return s, nil
	}
	t, err := natsrec.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	if t.Run != "" {
		return nil, fmt.Errorf("--record %s: give the stream only (nats://HOST:PORT/STREAM); each run gets its own id", t)
	}
	s, err := natsrec.OpenSink(context.Background(), t, natsrec.SinkOptions{Run: os.Getenv("KRATOS_TUI_RUN_ID")})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "kratos-tui: recording to %s (follow it with kratos-tui trace --follow %s)\n", s.Where(), s.Where())
	return s, nil
}
