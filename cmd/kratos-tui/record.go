package main

import (
	"context"
	"fmt"
	"io"
	"time"

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
	w, err := flowlog.Create(path, h, flowlog.WithRedactor(red))
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
