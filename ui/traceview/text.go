package traceview

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// WriteText writes a readable timeline of the log: one line per record
// with its seq, its time since the first record, its kind and type, the
// machine's state after it, and a summary.
func WriteText(w io.Writer, h flowlog.Header, recs []flowlog.Record) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "flow log v%s, written by kratos-tui %s, started %s, %d records\n",
		h.SchemaVersion, h.AppVersion, h.StartedAt.Format(time.RFC3339), len(recs))
	var t0 time.Time
	if len(recs) > 0 {
		t0 = recs[0].Time
	}
	for _, e := range Entries(recs) {
		fmt.Fprintf(bw, "%5d %+9.3fs %-14s %-22s [%s] %s\n",
			e.Seq, e.Time.Sub(t0).Seconds(), e.Kind, e.Type, e.State, Summary(e.Record))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write timeline: %w", err)
	}
	return nil
}
