package traceview

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// A state name or event from the log that is no plain id of the machine's
// is drawn as a declared state with a quoted, escaped label; no value
// ends its line or statement, in either diagram.
func TestMermaidLabelsAndIDsFromTheLog(t *testing.T) {
	evil := "login\"; click login href \"javascript:alert(1)\"\n    style login fill:#f00\u202e"
	recs := []flowlog.Record{
		{Envelope: events.Envelope{Seq: 1, Kind: events.KindTransition, Type: "TransitionMade",
			Event: events.TransitionMade{From: "uninitialized", Event: "AppStarted;x", To: evil}}},
		{Envelope: events.Envelope{Seq: 2, Kind: events.KindTransition, Type: "TransitionMade",
			Event: events.TransitionMade{From: evil, Event: "E", To: "9 bad id"}}},
	}
	var state, seq bytes.Buffer
	if err := WriteMermaid(&state, recs); err != nil {
		t.Fatal(err)
	}
	if err := WriteMermaidSequence(&seq, recs); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"state": state.String(), "sequence": seq.String()} {
		for i, l := range strings.Split(out, "\n") {
			trim := strings.TrimSpace(l)
			if strings.HasPrefix(trim, "click") || strings.HasPrefix(trim, "style") || strings.ContainsAny(l, ";#\u202e") && !strings.HasPrefix(trim, "classDef") && !strings.HasPrefix(trim, "%% The ") {
				t.Errorf("%s line %d: %q", name, i+1, l)
			}
		}
	}
	for _, want := range []string{
		`    state "login', click login href 'javascript:alert(1)'\u000a    style login fill:f00\u202e" as log_state_1`,
		`    state "9 bad id" as log_state_2`,
		`    uninitialized --> log_state_1 : AppStarted,x (step 1, not in this table)`,
		`    log_state_1 --> log_state_2 : E (step 2, not in this table)`,
	} {
		if !strings.Contains(state.String(), want+"\n") {
			t.Errorf("state diagram lacks %q:\n%s", want, state.String())
		}
	}
}
