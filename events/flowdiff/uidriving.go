package flowdiff

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// How two UIs drive one flow differs in ways that say nothing about what
// Kratos and the machine did; Compare tells these apart (unless
// Options.Strict) by three rules, each as narrow as the UIs' ways are:
//
//   - An intent that names its flow (the TUI submits the form it shows)
//     against one that does not (a script; the machine uses its current
//     flow) is not a difference when, on both sides, the step's adapter
//     calls used one flow, the side that named a flow used the flow it
//     named, and the two flows were made by aligned steps. A flow id one
//     side names that the machine did not use, or flows made by steps
//     that do not align, are still differences.
//   - A FieldChanged step only one side has (the TUI reports the first
//     edit of a field that shows an error; a script sends no edits) is
//     skipped when the machine took it (a transition), stayed in its
//     state, made no adapter call, and every screen it published is the
//     screen before it with messages cleared (general_error,
//     email_error, password_error, notice, entries of field_errors) and
//     nothing else changed: not a value typed into the form, not the
//     flow's own messages from Kratos.
//   - Steps only one side has after the last step both have (the TUI
//     asks for the sign-in form again after signing out; a script stops)
//     are a note when the other side's log ended with its end mark (a log
//     without it may have stopped short of those steps), both sides were
//     then in the same machine state with the same last screen (after
//     normalization), and each of those steps only asked for a new
//     form: a *FlowRequested intent whose adapter calls only created or
//     read a flow, none failing. They are not compared: the other side
//     has nothing to compare them with. A trailing sign-out, submit, or
//     any call that changed a session stays a difference.
//
// Each is reported as a Note, never silently.

// Note kinds.
const (
	// NoteUIInput: a FieldChanged step only one side has was skipped.
	NoteUIInput = "ui_input"
	// NoteFlowNamed: an intent names its flow on one side only, and the
	// machine used the same (aligned) flow on both.
	NoteFlowNamed = "flow_named"
	// NoteTrailing: a step only one side has after both reached the same
	// final state; not compared.
	NoteTrailing = "trailing"
)

// Note is a way the two logs differ that is how their UIs drove the flow,
// not what Kratos or the machine did: not counted as a difference.
type Note struct {
	Kind   string `json:"kind"`
	Step   int    `json:"step"`
	Intent string `json:"intent"`
	// Side is the log that has what the other lacks ("A" or "B").
	Side   string `json:"side"`
	SeqA   uint64 `json:"seq_a,omitempty"`
	SeqB   uint64 `json:"seq_b,omitempty"`
	Reason string `json:"reason"`
}

// side is one log with its steps, for the rules.
type side struct {
	log   *Log
	steps []step
	// flowOrigin maps a flow id to the index of the first step whose
	// records hold it (built when first needed).
	flowOrigin map[string]int
}

// dataOf is a record's data as a JSON object (nil if it is not one).
func dataOf(r flowlog.Record) map[string]any {
	b, err := json.Marshal(r.Event)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// usedFlow is the flow id the step's adapter calls used: "" when none
// named one, or when they named two.
func usedFlow(s step) string {
	used := ""
	for _, r := range s {
		c, ok := r.Event.(events.AdapterCalled)
		if !ok || len(c.Request) == 0 {
			continue
		}
		var req struct {
			FlowID string `json:"flow_id"`
		}
		if json.Unmarshal(c.Request, &req) != nil || req.FlowID == "" {
			continue
		}
		if used != "" && used != req.FlowID {
			return ""
		}
		used = req.FlowID
	}
	return used
}

// origin is the index of the first step whose records hold the flow id;
// -1 if none.
func (s *side) origin(flow string) int {
	if s.flowOrigin == nil {
		s.flowOrigin = map[string]int{}
		for i, st := range s.steps {
			for _, r := range st {
				b, err := json.Marshal(r.Event)
				if err != nil {
					continue
				}
				for _, id := range uuidRE.FindAllString(string(b), -1) {
					if _, ok := s.flowOrigin[id]; !ok {
						s.flowOrigin[id] = i
					}
				}
			}
		}
	}
	if i, ok := s.flowOrigin[flow]; ok {
		return i
	}
	return -1
}

// sameFlow reports whether steps i of a and j of b used the same flow:
// their calls each used one flow, the intent that names a flow (either
// side, or both) names the flow its machine used, and the two flows were
// first seen in aligned steps, before these.
func sameFlow(a, b *side, i, j int, alignedB map[int]int) bool {
	fa, fb := usedFlow(a.steps[i]), usedFlow(b.steps[j])
	if fa == "" || fb == "" {
		return false
	}
	for _, x := range []struct {
		s    step
		used string
	}{{a.steps[i], fa}, {b.steps[j], fb}} {
		if named, _ := dataOf(x.s[0])["flow_id"].(string); named != "" && named != x.used {
			return false
		}
	}
	oa, ob := a.origin(fa), b.origin(fb)
	if oa < 0 || ob < 0 || oa >= i || ob >= j {
		return false
	}
	pb, ok := alignedB[oa]
	return ok && pb == ob
}

// uiInputOnly reports whether step k of s is a FieldChanged the machine
// answered by clearing messages only (see the rules above).
func uiInputOnly(s *side, k int, n *normalizer) bool {
	st := s.steps[k]
	if st.key() != "FieldChanged" || len(st) < 2 {
		return false
	}
	prev := lastState(s.steps[:k], n)
	took := false
	for _, r := range st[1:] {
		switch r.Kind {
		case events.KindTransition:
			t, ok := r.Event.(events.TransitionMade)
			if !ok || t.From != t.To || t.Event != "FieldChanged" {
				return false
			}
			took = true
		case events.KindState:
			cur := n.record(r)
			if prev == nil || !clearedOnly(prev, cur) {
				return false
			}
			prev = cur
		default:
			return false
		}
	}
	return took
}

// clearable are the keys of a screen a FieldChanged may clear.
var clearable = []string{"general_error", "email_error", "password_error", "notice"}

// clearedOnly reports whether the normalized state record cur is prev
// with messages cleared and nothing else changed.
func clearedOnly(prev, cur any) bool {
	pm, ok1 := prev.(map[string]any)
	cm, ok2 := cur.(map[string]any)
	if !ok1 || !ok2 || pm["type"] != cm["type"] {
		return false
	}
	pd, ok1 := pm["data"].(map[string]any)
	cd, ok2 := cm["data"].(map[string]any)
	if !ok1 || !ok2 {
		return false
	}
	want := make(map[string]any, len(pd))
	for k, v := range pd {
		want[k] = v
	}
	for _, k := range clearable {
		if _, ok := cd[k]; !ok {
			delete(want, k)
		}
	}
	if cf, ok := cd["field_errors"].(map[string]any); ok {
		pf, _ := pd["field_errors"].(map[string]any)
		for name, msgs := range cf {
			if !reflect.DeepEqual(pf[name], msgs) {
				return false
			}
		}
		want["field_errors"] = cf
	} else if _, ok := cd["field_errors"]; !ok {
		delete(want, "field_errors")
	}
	return reflect.DeepEqual(want, cd)
}

// lastState is the last state record of the steps, normalized; nil if
// none.
func lastState(steps []step, n *normalizer) any {
	for i := len(steps) - 1; i >= 0; i-- {
		for k := len(steps[i]) - 1; k >= 0; k-- {
			if steps[i][k].Kind == events.KindState {
				return n.record(steps[i][k])
			}
		}
	}
	return nil
}

// machineState is the state the last transition of the steps went to.
func machineState(steps []step) string {
	for i := len(steps) - 1; i >= 0; i-- {
		for k := len(steps[i]) - 1; k >= 0; k-- {
			if t, ok := steps[i][k].Event.(events.TransitionMade); ok {
				return t.To
			}
		}
	}
	return ""
}

// trailing finds the steps only one side has after the last step both
// have, when they are a note: it returns the index in pairs where they
// start (len(pairs) if none) and the note's reason.
func trailing(pairs []pair, a, b *side, na, nb *normalizer) (int, string) {
	last := -1
	for n, p := range pairs {
		if p.i >= 0 && p.j >= 0 {
			last = n
		}
	}
	if last < 0 || last == len(pairs)-1 {
		return len(pairs), ""
	}
	onA := pairs[last+1].i >= 0
	for _, p := range pairs[last+1:] {
		if (p.i >= 0) != onA {
			return len(pairs), ""
		}
	}
	x, y, nx, ny := a, b, na, nb
	xi, yi := pairs[last].i, pairs[last].j
	if !onA {
		x, y, nx, ny = b, a, nb, na
		xi, yi = yi, xi
	}
	if !y.log.Ended {
		return len(pairs), ""
	}
	state := machineState(x.steps[:xi+1])
	if state == "" || state != machineState(y.steps[:yi+1]) {
		return len(pairs), ""
	}
	sx, sy := lastState(x.steps[:xi+1], nx), lastState(y.steps[:yi+1], ny)
	if sx == nil || !reflect.DeepEqual(sx, sy) {
		return len(pairs), ""
	}
	for _, st := range x.steps[xi+1:] {
		if !formRequest(st) {
			return len(pairs), ""
		}
	}
	screen, _ := sx.(map[string]any)["type"].(string)
	return last + 1, fmt.Sprintf("%s goes on after both reached %s (%s), where %s ended: not compared",
		x.log.Name, state, screen, y.log.Name)
}

// formRequest reports whether a step only asked for a new form: its intent
// is a *FlowRequested, its adapter calls only created or read a flow (or
// the identity schema), and none failed. A step that submitted, signed
// out, or saved or deleted a token changed a session: not a form request.
func formRequest(st step) bool {
	if !strings.HasSuffix(st.key(), "FlowRequested") {
		return false
	}
	for _, r := range st {
		switch ev := r.Event.(type) {
		case events.AdapterCalled:
			if !readOnlyFlowCall(ev.Operation) {
				return false
			}
		case events.AdapterReturned:
			if ev.Error != nil || !readOnlyFlowCall(ev.Operation) {
				return false
			}
		case events.TransitionMade:
			// Asking for a form only goes to loading and on to a form:
			// a step that ends signed in (or anywhere else) did more.
			if ev.To != "loading" && !formState[ev.To] {
				return false
			}
		default:
			if r.Kind == events.KindState && !formScreen(r.Type) {
				return false
			}
		}
	}
	return true
}

// formState are the machine's states that show a form asked for.
var formState = map[string]bool{"login": true, "registration": true, "recovery": true, "verification": true, "settings": true}

// formScreen says a state event only shows a form on its way or shown.
func formScreen(typ string) bool {
	return typ == "RequestStarted" || strings.HasSuffix(typ, "FormShown")
}

func readOnlyFlowCall(op string) bool {
	return strings.HasPrefix(op, "kratos.create_") || strings.HasPrefix(op, "kratos.get_") || op == "kratos.identity_schema"
}
