package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// openRecorder creates the flow log at path (--record) and returns the
// observer that records a run into it, and a function that closes the log
// and reports a failure of the recording on stderr.
// The log redacts with the run's registry of secrets; redactPII adds
// pseudonyms for personal data (--redact-pii).
func openRecorder(path string, stderr io.Writer, secrets *events.Secrets, redactPII bool) (func(context.Context, *bus.Bus) error, func(), error) {
	red := flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: secrets, RedactPII: redactPII})
	w, err := flowlog.Create(path, flowlog.NewHeader(Version, time.Now()), flowlog.WithRedactor(red))
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
