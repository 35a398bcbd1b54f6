package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// Divergence is the first record where a replay departs from its
// recording.
type Divergence struct {
	// Index is the record's position in the log, from 0.
	Index int
	// Seq is the recorded (or, for an extra event, the replayed) seq.
	Seq uint64
	// Field is the dotted path of the first differing field, e.g.
	// "data.to"; empty when a whole record is missing or extra.
	Field string
	// Reason says what differs, in words.
	Reason string
	// Expected is the recorded record; nil when the replay has an extra
	// event.
	Expected json.RawMessage
	// Actual is what the replay published, redacted; nil when the replay
	// stopped short.
	Actual json.RawMessage
}

func newDivergence(i int, exp, act *events.Envelope, reason string) *Divergence {
	d := &Divergence{Index: i, Reason: reason}
	if exp != nil {
		d.Seq = exp.Seq
		d.Expected, _ = events.Marshal(*exp)
	}
	if act != nil {
		if exp == nil {
			d.Seq = act.Seq
		}
		d.Actual, _ = events.Marshal(*act)
	}
	return d
}

// compareEnvelopes returns nil when the two records are equal as JSON.
// Fields the replay has but the record lacks are accepted unless strict:
// a newer client may add fields (a minor version), and an old log must
// still test new code.
func compareEnvelopes(i int, exp, act events.Envelope, strict bool) *Divergence {
	var s compareScratch
	return s.compare(i, exp, act, strict)
}

// compareScratch holds the encodings of the two records being compared,
// reused from one comparison to the next.
type compareScratch struct{ eb, ab []byte }

func (s *compareScratch) compare(i int, exp, act events.Envelope, strict bool) *Divergence {
	exp, act = withoutLatency(exp), withoutLatency(act)
	if sameEnvelope(exp, act) {
		return nil // they encode to the same bytes
	}
	var err error
	if s.eb, err = events.AppendMarshal(s.eb[:0], exp); err != nil {
		return newDivergence(i, &exp, &act, fmt.Sprintf("the recorded record cannot be encoded: %v", err))
	}
	if s.ab, err = events.AppendMarshal(s.ab[:0], act); err != nil {
		return newDivergence(i, &exp, &act, fmt.Sprintf("the replayed event cannot be encoded: %v", err))
	}
	if bytes.Equal(s.eb, s.ab) {
		return nil
	}
	// A divergence keeps its records: they leave the scratch space.
	eb, ab := bytes.Clone(s.eb), bytes.Clone(s.ab)
	ev, av := decodeAny(eb), decodeAny(ab)
	path, e, a, same := firstDiff("", ev, av, !strict)
	if same {
		return nil
	}
	d := &Divergence{Index: i, Seq: exp.Seq, Field: path, Expected: eb, Actual: ab}
	d.Reason = fmt.Sprintf("%s differs: recorded %s, replayed %s", describePath(path), show(e), show(a))
	if path == "type" || path == "kind" {
		d.Reason = fmt.Sprintf("the replay published %s where the recording has %s", describeEvent(act), describeEvent(exp))
	}
	return d
}

// sameEnvelope reports whether two envelopes hold the same values, field
// by field (times with the same location, raw JSON byte for byte): they
// then encode to the same bytes, and encoding them to compare is skipped.
// When it says no, the records are compared as JSON.
func sameEnvelope(a, b events.Envelope) bool {
	return a.Seq == b.Seq && a.ID == b.ID && a.CorrelationID == b.CorrelationID &&
		a.CausationID == b.CausationID && a.FlowID == b.FlowID && a.Time == b.Time &&
		a.Event != nil && reflect.DeepEqual(a.Event, b.Event)
}

func describePath(p string) string {
	if p == "" {
		return "the record"
	}
	return "field " + p
}

func decodeAny(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&v)
	return v
}

// missing stands for an absent field in a diff.
type missing struct{}

func show(v any) string {
	if _, ok := v.(missing); ok {
		return "(absent)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return termtext.Escape(fmt.Sprint(v))
	}
	s := termtext.Escape(string(b))
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// firstDiff walks two JSON values and returns the path of the first
// difference, with the two values there.
// With additive, a field present only in a is not a difference.
func firstDiff(path string, e, a any, additive bool) (string, any, any, bool) {
	switch et := e.(type) {
	case map[string]any:
		at, ok := a.(map[string]any)
		if !ok {
			return path, e, a, false
		}
		keys := map[string]bool{}
		for k := range et {
			keys[k] = true
		}
		for k := range at {
			keys[k] = true
		}
		ordered := make([]string, 0, len(keys))
		for k := range keys {
			ordered = append(ordered, k)
		}
		sort.Slice(ordered, func(i, j int) bool {
			return keyRank(ordered[i]) < keyRank(ordered[j]) || keyRank(ordered[i]) == keyRank(ordered[j]) && ordered[i] < ordered[j]
		})
		for _, k := range ordered {
			ev, eok := et[k]
			av, aok := at[k]
			if !eok {
				ev = missing{}
			}
			if !aok {
				av = missing{}
			}
			if !eok && additive {
				continue
			}
			if !eok || !aok {
				return join(path, k), ev, av, false
			}
			if p, x, y, same := firstDiff(join(path, k), ev, av, additive); !same {
				return p, x, y, false
			}
		}
		return path, nil, nil, true
	case []any:
		at, ok := a.([]any)
		if !ok {
			return path, e, a, false
		}
		for i := 0; i < len(et) && i < len(at); i++ {
			if p, x, y, same := firstDiff(fmt.Sprintf("%s[%d]", path, i), et[i], at[i], additive); !same {
				return p, x, y, false
			}
		}
		if len(et) != len(at) {
			return path + ".length", len(et), len(at), false
		}
		return path, nil, nil, true
	default:
		if reflect.DeepEqual(e, a) {
			return path, nil, nil, true
		}
		return path, e, a, false
	}
}

// keyRank orders the envelope's fields as a reader would check them: what
// happened before the details.
func keyRank(k string) int {
	switch k {
	case "kind":
		return 0
	case "type":
		return 1
	case "data":
		return 2
	case "flow_id":
		return 3
	case "correlation_id", "causation_id":
		return 4
	}
	return 5
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// Report describes the divergence for a person: the reason, then the
// recorded and replayed records side by side, one row per field of the
// envelope and of its data, differing rows marked with "!". Values from
// the log are escaped (termtext), as in every text output of a log.
func (d *Divergence) Report() string { return d.ReportWidth(0) }

// ReportWidth is Report for a terminal of cols columns: each side's column
// narrows so that a row fits (values are clipped; the first differing
// field is written below the table, at more length); cols <= 0 is no limit (each
// side 56 columns).
func (d *Divergence) ReportWidth(cols int) string {
	w := 56
	if cols > 0 {
		// mark, space, field (22), space, left, " | ", right
		w = max(min((cols-2-22-1-3)/2, 56), 12)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "DIVERGED at record %d (seq %d): %s\n", d.Index+1, d.Seq, d.Reason)
	left, right := rows(d.Expected), rows(d.Actual)
	names := make([]string, 0, len(left)+len(right))
	seen := map[string]bool{}
	for _, m := range []map[string]string{left, right} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rowRank(names[i]), rowRank(names[j])
		return ri < rj || ri == rj && names[i] < names[j]
	})
	fmt.Fprintf(&sb, "  %-22s %-*s | %s\n", "field", w, "recorded", "replayed")
	for _, k := range names {
		l, lok := left[k]
		r, rok := right[k]
		if !lok {
			l = "(absent)"
		}
		if !rok {
			r = "(absent)"
		}
		mark := " "
		if l != r {
			mark = "!"
		}
		fmt.Fprintf(&sb, "%s %-22s %-*s | %s\n", mark, clip(termtext.Escape(k), 22), w, clip(termtext.Escape(l), w), clip(termtext.Escape(r), w))
	}
	if d.Field != "" {
		fmt.Fprintf(&sb, "at %s:\n  recorded: %s\n  replayed: %s\n", termtext.Escape(d.Field), valueAt(d.Expected, d.Field), valueAt(d.Actual, d.Field))
	}
	return termtext.EscapeText(sb.String())
}

// rows flattens a record to its envelope fields and its data's fields,
// each as compact JSON.
func rows(b json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(b) == 0 {
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		out["record"] = string(b)
		return out
	}
	for k, v := range m {
		if k == "data" {
			var data map[string]json.RawMessage
			if json.Unmarshal(v, &data) == nil {
				for dk, dv := range data {
					out["data."+dk] = string(dv)
				}
				continue
			}
		}
		out[k] = string(v)
	}
	return out
}

func rowRank(k string) int {
	if strings.HasPrefix(k, "data.") {
		return 10
	}
	for i, n := range []string{"seq", "id", "kind", "type", "time", "correlation_id", "causation_id", "flow_id"} {
		if k == n {
			return i
		}
	}
	return 9
}

// valueAt returns the compact JSON at a dotted path of a record.
func valueAt(b json.RawMessage, path string) string {
	if len(b) == 0 {
		return "(no record)"
	}
	v := decodeAny(b)
	for _, part := range splitPath(path) {
		switch t := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = t[part]; !ok {
				return "(absent)"
			}
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i >= len(t) {
				return "(absent)"
			}
			v = t[i]
		default:
			return "(absent)"
		}
	}
	return show(v)
}

func splitPath(p string) []string {
	p = strings.ReplaceAll(strings.ReplaceAll(p, "[", "."), "]", "")
	return strings.Split(strings.TrimSuffix(p, ".length"), ".")
}

func clip(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	return string(r[:w-1]) + "…"
}

// withoutLatency zeroes the latencies of an adapter result: they measure
// the run, not the client's behaviour, and a replay on the recorded wire
// has its own.
func withoutLatency(env events.Envelope) events.Envelope {
	// The identity schema's trait types are read once a run, outside the
	// recorded calls (fsm/traittypes.go): a replay's forms go without.
	switch ev := env.Event.(type) {
	case events.RegistrationFormShown:
		ev.TraitTypes = nil
		env.Event = ev
		return env
	case events.SettingsFormShown:
		ev.TraitTypes = nil
		env.Event = ev
		return env
	}
	ret, ok := env.Event.(events.AdapterReturned)
	if !ok {
		return env
	}
	ret.LatencyMS = 0
	if len(ret.HTTP) > 0 {
		ex := make([]events.HTTPExchange, len(ret.HTTP))
		for i, h := range ret.HTTP {
			h.LatencyMS = 0
			ex[i] = h
		}
		ret.HTTP = ex
	}
	env.Event = ret
	return env
}

// describeEvent names an event in a reason: kind and type, and the
// operation of an adapter step.
func describeEvent(env events.Envelope) string {
	esc := termtext.Escape
	s := show(env.Kind) + " " + show(env.Type)
	switch ev := env.Event.(type) {
	case events.AdapterCalled:
		s += " of " + esc(ev.Operation)
	case events.AdapterReturned:
		s += " of " + esc(ev.Operation)
	case events.TransitionMade:
		s += fmt.Sprintf(" (%s -%s-> %s)", esc(ev.From), esc(ev.Event), esc(ev.To))
	}
	return s
}
