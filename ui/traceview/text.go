package traceview

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// WriteText writes a readable timeline of the log: one line per record
// with its seq, its time since the first record, its kind and type, the
// machine's state after it, and a summary. Every value from the log is
// escaped (termtext.Escape): control, C1 and bidi characters show as
// \u escapes, never reach the terminal.
func WriteText(w io.Writer, h flowlog.Header, recs []flowlog.Record) error {
	bw := bufio.NewWriter(w)
	WriteTextHeader(bw, h, fmt.Sprintf(", %d records", len(recs)))
	var t0 time.Time
	if len(recs) > 0 {
		t0 = recs[0].Time
	}
	for _, e := range Entries(recs) {
		WriteTextLine(bw, e.Record, t0, e.State)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write timeline: %w", err)
	}
	return nil
}

// WriteTextHeader writes the timeline's first line, the header's
// versions and start, then more.
func WriteTextHeader(w io.Writer, h flowlog.Header, more string) error {
	_, err := fmt.Fprintf(w, "flow log v%s, written by kratos-tui %s, started %s%s\n",
		termtext.Escape(h.SchemaVersion), termtext.Escape(h.AppVersion), h.StartedAt.Format(time.RFC3339), more)
	return err
}

// WriteTextLine writes the timeline's line of rec, t0 being the first
// record's time and state the machine's state after rec.
func WriteTextLine(w io.Writer, rec flowlog.Record, t0 time.Time, state string) error {
	_, err := fmt.Fprintf(w, "%5d %+9.3fs %-14s %-22s [%s] %s\n",
		rec.Seq, rec.Time.Sub(t0).Seconds(), termtext.Escape(string(rec.Kind)), termtext.Escape(rec.Type),
		termtext.Escape(state), Summary(rec))
	return err
}
