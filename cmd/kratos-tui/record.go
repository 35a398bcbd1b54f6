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

// openRecorder creates the flow log at path (--record) and returns the
// observer that records a run into it, and a function that closes the log
// and reports a failure of the recording on stderr.
// The log redacts with the run's registry of secrets (cfg.Secrets);
// redactPII adds pseudonyms for personal data (--redact-pii).
func openRecorder(path string, cfg app.Config, stderr io.Writer, redactPII bool) (func(context.Context, *bus.Bus) error, func(), error) {
	red := flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: cfg.Secrets, RedactPII: redactPII})
	h := flowlog.NewHeader(Version, time.Now())
	h.KratosAPI, h.Backend = cfg.KratosAPI, cfg.Backend
	w, err := flowlog.Create(path, h, flowlog.WithRedactor(red))
	if err != nil {
		return nil, nil, fmt.Errorf("--record: %w", err)
	}
	rec := flowlog.NewRecorder(w)
	closeRec := func() {
		if err := rec.Close(); err != nil {
			fmt.Fprintf(stderr, "kratos-tui: the recording %s is incomplete: %v\n", path, err)
		}
	}
	return rec.Attach, closeRec, nil
}
