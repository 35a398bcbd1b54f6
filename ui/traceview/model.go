// Package traceview shows a flow log: a readable text timeline, the state
// machine as a Mermaid diagram with the path the log took, and an
// interactive tview UI to scroll, filter and inspect each record.
package traceview

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// Entry is one record with the state machine's state once it was written.
type Entry struct {
	flowlog.Record
	// State is the machine's state after this record.
	State string
}

// Entries pairs every record with the machine's state at that point,
// following the TransitionMade records from fsm.StateUninitialized.
func Entries(recs []flowlog.Record) []Entry {
	out := make([]Entry, len(recs))
	state := fsm.StateUninitialized
	for i, r := range recs {
		if t, ok := r.Event.(events.TransitionMade); ok {
			state = t.To
		}
		out[i] = Entry{Record: r, State: state}
	}
	return out
}

// Summary is a one-line description of a record's event, every value
// from the log escaped (termtext.Escape): no line break, control, C1 or
// bidi character.
func Summary(r flowlog.Record) string { return termtext.Escape(summary(r)) }

func summary(r flowlog.Record) string {
	switch ev := r.Event.(type) {
	case events.TransitionMade:
		return fmt.Sprintf("%s --%s--> %s", ev.From, ev.Event, ev.To)
	case events.AdapterCalled:
		if len(ev.Request) == 0 {
			return ev.Operation + "()"
		}
		return fmt.Sprintf("%s(%s)", ev.Operation, clip(string(ev.Request), 90))
	case events.AdapterReturned:
		return resultSummary(ev)
	}
	data, err := json.Marshal(r.Event)
	if err != nil || string(data) == "{}" {
		return ""
	}
	return stateSummary(data)
}

func resultSummary(ev events.AdapterReturned) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %.1fms", ev.Operation, ev.LatencyMS)
	if ev.Error != nil {
		fmt.Fprintf(&sb, " error %s: %s", ev.Error.Class, clip(ev.Error.Message, 80))
	} else {
		sb.WriteString(" ok")
	}
	for _, h := range ev.HTTP {
		status := fmt.Sprint(h.Status)
		if h.Error != "" {
			status = "error"
		}
		fmt.Fprintf(&sb, "; %s %s -> %s", h.Method, pathOnly(h.URL), status)
	}
	return sb.String()
}

// pathOnly drops the query (flow ids) from a traced URL.
func pathOnly(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}

// stateSummary shows the short scalar fields of an event, sorted by name;
// the form's UI and nested values are left to the detail view.
func stateSummary(data []byte) string {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return clip(string(data), 100)
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		switch v.(type) {
		case string, bool, float64:
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		b, _ := json.Marshal(m[k])
		parts = append(parts, k+"="+clip(string(b), 60))
	}
	return strings.Join(parts, " ")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
