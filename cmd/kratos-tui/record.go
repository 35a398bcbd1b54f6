package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// openRecorder creates the flow log at path (--record) and returns the
// observer that records a run into it, and a function that closes the log
// and reports a failure of the recording on stderr.
func openRecorder(path string, stderr io.Writer) (func(context.Context, *bus.Bus) error, func(), error) {
	w, err := flowlog.Create(path, flowlog.NewHeader(Version, time.Now()))
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
