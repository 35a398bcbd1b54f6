package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// traceFormats are the values of trace --format (the README's synopsis
// lists them; TestREADMETraceFormats holds it to this).
var traceFormats = []string{"tui", "text", "html", "mermaid", "mermaid-sequence"}

func traceCommand(stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	var format string
	var withReplay bool
	cmd := &cobra.Command{
		Use:   "trace FILE",
		Short: "Show a flow log: an interactive timeline, a text timeline, or the state machine in Mermaid",
		Long: `trace opens a flow log recorded with --record.

--format tui (the default on a terminal): a scrollable timeline; f filters
by kind, g jumps to a seq, the right pane shows the record, the state
machine's state at that point and an adapter step's redacted HTTP exchanges.
It streams: the first records show at once while the rest is indexed in
the background, and only what is drawn is decoded (any size).
--format text: the timeline as text. --format mermaid: the state machine as
a Mermaid stateDiagram-v2 with the path this log took highlighted;
--format mermaid-sequence: the run as a Mermaid sequenceDiagram.
--format html: one self-contained HTML page (no network) with the
timeline, each record expandable with its HTTP exchanges, the state
machine with the run's path and the sequence; with --replay, the log is
replayed first and the page opens on the first divergence, recorded and
replayed side by side.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format == "html" {
				return traceHTML(cmd.Context(), stdout, stderr, args[0], withReplay)
			}
			if format == "" && !(isatty.IsTerminal(stdin.Fd()) && isatty.IsTerminal(stdout.Fd())) || format == "text" {
				return streamText(stdout, stderr, args[0])
			}
			if format == "tui" || format == "" && isatty.IsTerminal(stdin.Fd()) && isatty.IsTerminal(stdout.Fd()) {
				return runViewer(cmd.Context(), args[0], withReplay)
			}
			_, recs, err := readLogWithProgress(args[0], stderr)
			if err != nil {
				if !errors.Is(err, flowlog.ErrTruncated) || len(recs) == 0 {
					return err
				}
				fmt.Fprintf(stderr, "kratos-tui: warning: %v; showing the %d whole records before it\n", err, len(recs))
			}
			switch format {
			case "mermaid":
				return traceview.WriteMermaid(stdout, recs)
			case "mermaid-sequence":
				return traceview.WriteMermaidSequence(stdout, recs)
			}
			return fmt.Errorf("--format %q: want one of %s", format, strings.Join(traceFormats, ", "))
		},
	}
	cmd.Flags().BoolVar(&withReplay, "replay", false, "replay the log first and show the first divergence (html, tui)")
	cmd.Flags().StringVar(&format, "format", "", "tui, text, html, mermaid or mermaid-sequence (default: tui on a terminal, else text)")
	return cmd
}

// streamText writes the timeline of the log at path as traceview.WriteText
// does, one record at a time: it holds one record, not the log, so a log
// of any size prints in constant memory. The record count comes last. A
// log cut short (a crash while writing) prints its whole records and a
// warning.
func streamText(stdout, stderr io.Writer, path string) error {
	r, err := flowlog.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	h := r.Header()
	bw := bufio.NewWriterSize(stdout, 64<<10)
	traceview.WriteTextHeader(bw, h, "")
	state := fsm.StateUninitialized
	var t0 time.Time
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			if !r.Ended() {
				defer warnNoEndMark(stderr, path) // after the timeline
			}
			break
		}
		if err != nil {
			if ferr := bw.Flush(); ferr != nil {
				return fmt.Errorf("write timeline: %w", ferr)
			}
			if errors.Is(err, flowlog.ErrTruncated) && n > 0 {
				fmt.Fprintf(stderr, "kratos-tui: warning: %v; showed the %d whole records before it\n", err, n)
				return nil
			}
			return err
		}
		if n == 0 {
			t0 = rec.Time
		}
		n++
		if t, ok := rec.Event.(events.TransitionMade); ok {
			state = t.To
		}
		traceview.WriteTextLine(bw, rec, t0, state)
	}
	fmt.Fprintf(bw, "%d records\n", n)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write timeline: %w", err)
	}
	return nil
}
