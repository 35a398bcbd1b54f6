// Package flowdiff compares two flow logs of the same user flow — before
// and after a Kratos upgrade, under two configurations, or from two
// clients — and lists every difference that matters, grouped by step.
//
// A step is an intent and every record the machine published once it took
// that intent, up to the next intent it took (by causation, or by the
// transition named after the intent), not up to the next intent in the
// log: a UI that pipes its intents faster than the machine takes them
// writes them together, at other seqs than an interactive run does.
// Steps are aligned by their intents' types, and the records of two aligned
// steps by kind and operation (a longest common subsequence, so a record
// one log has and the other lacks is one difference, not a shift of every
// record after it). Volatile values are ignored: seqs, event ids, times,
// correlation and causation ids, flow ids, latencies, any UUID, any
// RFC 3339 time, keys that name an id or an instant (`id`, `*_id`, `*_at`,
// `expires_in`), the URL of the server (two recordings rarely talk to the
// same port), and the numbering of redaction placeholders («secret:N»).
// How two UIs drove the flow (an intent naming its flow, a FieldChanged
// that only cleared messages, steps after both ended in the same state)
// is a Note, not a difference, unless Options.Strict (see uidriving.go).
package flowdiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// Log is one side of a comparison: a flow log's header and records.
type Log struct {
	// Name is how reports call the side ("A", or the file's path).
	Name    string
	Header  flowlog.Header
	Records []flowlog.Record
	// Ended says whether the log ends with its end mark (closed normally);
	// a log without it is whole up to where it stops, but may stop short
	// of what the run did (flowlog.ErrNoEndMark).
	Ended bool
}

// Load reads the flow log at path (it refuses a truncated or corrupt log:
// a diff of half a run would report differences that are not there).
func Load(name, path string) (*Log, error) {
	r, err := flowlog.Open(path)
	if err != nil {
		// The reader's errors name the path already.
		return nil, fmt.Errorf("log %s: %w", name, err)
	}
	defer r.Close()
	var recs []flowlog.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return &Log{Name: name, Header: r.Header(), Records: recs, Ended: r.Ended()}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("log %s: %s: %w", name, path, err)
		}
		recs = append(recs, rec)
	}
}

// Difference is one difference between the two logs.
type Difference struct {
	// Step is the step's number in the alignment, from 1.
	Step int `json:"step"`
	// Intent is the type of the intent that began the step.
	Intent string `json:"intent"`
	// SeqA and SeqB are the records' seqs; 0 on the side that lacks it.
	SeqA uint64 `json:"seq_a,omitempty"`
	SeqB uint64 `json:"seq_b,omitempty"`
	// Record names the record: its kind and type, and the operation of an
	// adapter call or result.
	Record string `json:"record"`
	// Path is the dotted path of the differing value in the record
	// ("data.http[0].status"); empty when a whole record or step is only
	// on one side.
	Path string `json:"path,omitempty"`
	// A and B are the two values, as JSON; absent on the side that lacks
	// them.
	A json.RawMessage `json:"a,omitempty"`
	B json.RawMessage `json:"b,omitempty"`
	// Reason says what differs, in words.
	Reason string `json:"reason"`
}

// Step is one aligned step with its differences.
type Step struct {
	N      int    `json:"step"`
	Intent string `json:"intent"`
	// SeqA and SeqB are the seqs of the intents; 0 on a side that lacks
	// the step.
	SeqA        uint64       `json:"seq_a,omitempty"`
	SeqB        uint64       `json:"seq_b,omitempty"`
	Differences []Difference `json:"differences"`
	// Note says why a step that is not the same on both sides is not a
	// difference (see Note); empty otherwise.
	Note string `json:"note,omitempty"`
}

// Result is the outcome of a comparison.
type Result struct {
	A string `json:"a"`
	B string `json:"b"`
	// Same is true when no difference was found.
	Same bool `json:"same"`
	// First is the first difference in the order of the flow, with its
	// reason; nil when the logs are the same.
	First *Difference `json:"first,omitempty"`
	// Steps lists every step, with or without differences.
	Steps []Step `json:"steps"`
	// Count is the number of differences.
	Count int `json:"differences"`
	// Notes are the ways the logs differ that are how their UIs drove
	// the flow, not counted as differences (none with Options.Strict).
	Notes []Note `json:"notes,omitempty"`
}

// Options tunes a comparison.
type Options struct {
	// Same lists values that are equal for this comparison: a value of A
	// (the key) and the value B has in its place (e.g. the e-mail
	// addresses of two sign-ups). Each is replaced wherever it occurs in
	// a string of B.
	Same map[string]string
	// Strict compares how the UIs drove the flow too: no step is skipped
	// and nothing is a note (see Note).
	Strict bool
}

// Compare aligns a and b and returns every difference, and (unless
// opts.Strict) the notes on how their UIs drove the flow (see Note).
func Compare(a, b *Log, opts Options) *Result {
	na, nb := newNormalizer(a.Header), newNormalizer(b.Header)
	for av, bv := range opts.Same {
		nb.rewrite = append(nb.rewrite, bv, av)
	}
	sa, sb := &side{log: a, steps: steps(a.Records)}, &side{log: b, steps: steps(b.Records)}
	res := &Result{A: a.Name, B: b.Name}
	pairs := align(len(sa.steps), len(sb.steps), func(i, j int) bool { return sa.steps[i].key() == sb.steps[j].key() })
	alignedB := map[int]int{}
	for _, p := range pairs {
		if p.i >= 0 && p.j >= 0 {
			alignedB[p.i] = p.j
		}
	}
	trail, trailReason := len(pairs), ""
	if !opts.Strict {
		trail, trailReason = trailing(pairs, sa, sb, na, nb)
	}
	for n, p := range pairs {
		st := Step{N: n + 1}
		note := func(kind, sideName, reason string) {
			st.Note = reason
			res.Notes = append(res.Notes, Note{Kind: kind, Step: st.N, Intent: st.Intent, Side: sideName,
				SeqA: st.SeqA, SeqB: st.SeqB, Reason: reason})
		}
		switch {
		case p.i >= 0 && p.j >= 0:
			st.Intent = sa.steps[p.i].key()
			st.SeqA, st.SeqB = sa.steps[p.i].seq(), sb.steps[p.j].seq()
			flowOK := func() bool { return !opts.Strict && sameFlow(sa, sb, p.i, p.j, alignedB) }
			var named string
			st.Differences, named = compareSteps(st, a.Name, b.Name, sa.steps[p.i], sb.steps[p.j], na, nb, flowOK)
			if named != "" {
				note(NoteFlowNamed, named, fmt.Sprintf("the %s intent names its flow in %s only; the machine used the same (aligned) flow on both sides", st.Intent, named))
			}
		case p.i >= 0:
			st.Intent, st.SeqA = sa.steps[p.i].key(), sa.steps[p.i].seq()
			switch {
			case !opts.Strict && uiInputOnly(sa, p.i, na):
				note(NoteUIInput, a.Name, fmt.Sprintf("%s step only in %s (UI input): no adapter call, the screen only cleared its messages", st.Intent, a.Name))
			case n >= trail:
				note(NoteTrailing, a.Name, trailReason)
			default:
				st.Differences = []Difference{{Step: st.N, Intent: st.Intent, SeqA: st.SeqA, Record: "step",
					Reason: fmt.Sprintf("%s has no %s step where %s has one (%d records)", b.Name, st.Intent, a.Name, len(sa.steps[p.i]))}}
			}
		default:
			st.Intent, st.SeqB = sb.steps[p.j].key(), sb.steps[p.j].seq()
			switch {
			case !opts.Strict && uiInputOnly(sb, p.j, nb):
				note(NoteUIInput, b.Name, fmt.Sprintf("%s step only in %s (UI input): no adapter call, the screen only cleared its messages", st.Intent, b.Name))
			case n >= trail:
				note(NoteTrailing, b.Name, trailReason)
			default:
				st.Differences = []Difference{{Step: st.N, Intent: st.Intent, SeqB: st.SeqB, Record: "step",
					Reason: fmt.Sprintf("%s has a %s step that %s lacks (%d records)", b.Name, st.Intent, a.Name, len(sb.steps[p.j]))}}
			}
		}
		if st.Differences == nil {
			st.Differences = []Difference{}
		}
		res.Count += len(st.Differences)
		if res.First == nil && len(st.Differences) > 0 {
			d := st.Differences[0]
			res.First = &d
		}
		res.Steps = append(res.Steps, st)
	}
	res.Same = res.Count == 0
	return res
}

// step is the records of one intent; the records before the first intent
// (none in a log the client wrote) form a step of their own.
type step []flowlog.Record

func (s step) key() string {
	if len(s) > 0 && s[0].Kind == events.KindIntent {
		return s[0].Type
	}
	return "(before the first intent)"
}

func (s step) seq() uint64 {
	if len(s) == 0 {
		return 0
	}
	return s[0].Seq
}

// steps cuts a log into steps by what the machine did, not by where the
// intents landed: a UI may publish intents faster than the machine takes
// them (a script piping its intents into the json UI), so an intent's
// records can follow other intents. An intent's step starts when the
// machine takes it (a record caused by it, or the transition named after
// it); the records after belong to that step, or to the step of the event
// that caused them. Intents the machine never took are steps of their own.
func steps(recs []flowlog.Record) []step {
	var out []step
	var pending []flowlog.Record // intents not taken yet
	stepOf := map[string]int{}   // event id -> step
	cur := -1
	start := func(k int) {
		// Intents queued before the one taken were never taken.
		for _, p := range pending[:k] {
			out = append(out, step{p})
			stepOf[p.ID] = len(out) - 1
		}
		out = append(out, step{pending[k]})
		cur = len(out) - 1
		stepOf[pending[k].ID] = cur
		pending = pending[k+1:]
	}
	for _, r := range recs {
		if r.Kind == events.KindIntent {
			pending = append(pending, r)
			continue
		}
		taken := -1
		for k, p := range pending {
			if r.CausationID != "" && r.CausationID == p.ID {
				taken = k
				break
			}
		}
		if t, ok := r.Event.(events.TransitionMade); ok && taken < 0 {
			for k, p := range pending {
				if p.Type == t.Event {
					taken = k
					break
				}
			}
		}
		switch i, ok := stepOf[r.CausationID]; {
		case taken >= 0:
			start(taken)
		case ok && r.CausationID != "":
			out[i] = append(out[i], r)
			stepOf[r.ID] = i
			continue
		case cur < 0:
			out = append(out, step{})
			cur = 0
		}
		out[cur] = append(out[cur], r)
		stepOf[r.ID] = cur
	}
	for _, p := range pending {
		out = append(out, step{p})
	}
	return out
}

// recordKey is what aligns records within a step: kind, type and the
// operation of an adapter call or result.
func recordKey(r flowlog.Record) string {
	switch ev := r.Event.(type) {
	case events.AdapterCalled:
		return string(r.Kind) + " " + ev.Operation
	case events.AdapterReturned:
		return string(r.Kind) + " " + ev.Operation
	case events.TransitionMade:
		return string(r.Kind) + " " + ev.Event
	}
	return string(r.Kind) + " " + r.Type
}

// compareSteps lists the differences of two aligned steps. flowOK says
// whether both used the same (aligned) flow: then an intent's flow_id
// only one side has is not a difference, and named is the side that has
// it.
func compareSteps(st Step, nameA, nameB string, a, b step, na, nb *normalizer, flowOK func() bool) (out []Difference, named string) {
	pairs := align(len(a), len(b), func(i, j int) bool { return recordKey(a[i]) == recordKey(b[j]) })
	// Records the alignment could not pair but that sit at the same place
	// (a transition to another state, a state event of another type) are
	// compared as one changed record, which reads better than one gone and
	// one added.
	pairs = pairUp(pairs, func(i, j int) bool { return a[i].Kind == b[j].Kind })
	for _, p := range pairs {
		d := Difference{Step: st.N, Intent: st.Intent}
		switch {
		case p.i >= 0 && p.j >= 0:
			ra, rb := a[p.i], b[p.j]
			d.SeqA, d.SeqB, d.Record = ra.Seq, rb.Seq, describe(ra)
			va, vb := na.record(ra), nb.record(rb)
			var leaves []leaf
			diffValues("", va, vb, collapsed(ra, rb), &leaves)
			if ra.Kind == events.KindIntent && ra.Type == rb.Type {
				kept := leaves[:0]
				for _, l := range leaves {
					if l.path == "data.flow_id" && oneSided(l) && flowOK() {
						named = nameA
						if _, ok := l.a.(absent); ok {
							named = nameB
						}
						continue
					}
					kept = append(kept, l)
				}
				leaves = kept
			}
			if len(leaves) == 0 {
				continue
			}
			// What the record's change means comes first (a status, an
			// error class, a transition, another event), then every value.
			if r := recordReason(nameA, nameB, ra, rb); r != "" {
				rd := d
				rd.Reason = r
				out = append(out, rd)
			}
			for _, l := range leaves {
				if l.path == "type" && ra.Type != rb.Type {
					continue // said by the record's reason
				}
				ld := d
				ld.Path, ld.A, ld.B = l.path, raw(l.a), raw(l.b)
				ld.Reason = leafReason(nameA, nameB, ra, rb, l)
				out = append(out, ld)
			}
		case p.i >= 0:
			d.SeqA, d.Record = a[p.i].Seq, describe(a[p.i])
			d.A = raw(na.record(a[p.i]))
			d.Reason = fmt.Sprintf("%s has no %s where %s has one", nameB, describe(a[p.i]), nameA)
			out = append(out, d)
		default:
			d.SeqB, d.Record = b[p.j].Seq, describe(b[p.j])
			d.B = raw(nb.record(b[p.j]))
			d.Reason = fmt.Sprintf("%s has a %s that %s lacks", nameB, describe(b[p.j]), nameA)
			out = append(out, d)
		}
	}
	return out, named
}

func describe(r flowlog.Record) string {
	switch ev := r.Event.(type) {
	case events.AdapterCalled:
		return "call " + ev.Operation
	case events.AdapterReturned:
		return "result of " + ev.Operation
	case events.TransitionMade:
		return "transition " + ev.From + " --" + ev.Event + "--> " + ev.To
	}
	return string(r.Kind) + " " + r.Type
}

// service names who answered an operation.
func service(op string) string {
	switch {
	case strings.HasPrefix(op, "kratos."):
		return "Kratos"
	case strings.HasPrefix(op, "backend."):
		return "the backend"
	case strings.HasPrefix(op, "tokens."):
		return "the token store"
	}
	return op
}

// recordReason is the reason of a record's first difference when the
// record says more than its first leaf: an HTTP status or an error class
// that changed, a transition to another state, another state event.
func recordReason(nameA, nameB string, a, b flowlog.Record) string {
	switch ea := a.Event.(type) {
	case events.AdapterReturned:
		eb, ok := b.Event.(events.AdapterReturned)
		if !ok {
			return ""
		}
		for i := 0; i < len(ea.HTTP) && i < len(eb.HTTP); i++ {
			ha, hb := ea.HTTP[i], eb.HTTP[i]
			if ha.Status != hb.Status || ha.Error != hb.Error {
				return fmt.Sprintf("%s answered %s where %s had %s (%s %s, exchange %d of %s)",
					service(ea.Operation), answer(hb), nameA, answer(ha), hb.Method, pathOf(hb.URL), i+1, ea.Operation)
			}
		}
		if len(ea.HTTP) != len(eb.HTTP) {
			return fmt.Sprintf("%s made %d HTTP requests for %s where %s made %d", nameB, len(eb.HTTP), ea.Operation, nameA, len(ea.HTTP))
		}
		ca, cb := errClass(ea), errClass(eb)
		if ca != cb {
			return fmt.Sprintf("%s failed with %s where %s had %s", ea.Operation, cb, nameA, ca)
		}
		ia, ib := messageIDs(ea), messageIDs(eb)
		if !reflect.DeepEqual(ia, ib) {
			return fmt.Sprintf("%s answered with messages %s where %s had %s", service(ea.Operation), list(ib), nameA, list(ia))
		}
	case events.TransitionMade:
		eb, ok := b.Event.(events.TransitionMade)
		if ok && (ea.To != eb.To || ea.Event != eb.Event) {
			return fmt.Sprintf("the machine went %s --%s--> %s where %s went --%s--> %s", eb.From, eb.Event, eb.To, nameA, ea.Event, ea.To)
		}
	}
	if a.Type != b.Type {
		return fmt.Sprintf("%s published %s %s where %s published %s", nameB, b.Kind, b.Type, nameA, a.Type)
	}
	return ""
}

// answer is an exchange's outcome in words: "400 with 4000032", "200",
// "no answer (connection_refused)".
func answer(h events.HTTPExchange) string {
	if h.Error != "" {
		if h.ErrorCause != "" {
			return "no answer (" + h.ErrorCause + ")"
		}
		return "no answer (" + h.Error + ")"
	}
	s := fmt.Sprint(h.Status)
	if ids := events.KratosMessageIDs(h.Response); len(ids) > 0 {
		s += " with " + strings.Join(ids, ", ")
	}
	return s
}

func errClass(ev events.AdapterReturned) string {
	if ev.Error == nil {
		return "success"
	}
	return "error " + string(ev.Error.Class)
}

// messageIDs are the Kratos message and error ids in a result's HTTP
// answers.
func messageIDs(ev events.AdapterReturned) []string {
	var ids []string
	for _, h := range ev.HTTP {
		ids = append(ids, events.KratosMessageIDs(h.Response)...)
	}
	return ids
}

func list(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

func pathOf(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

func leafReason(nameA, nameB string, a, b flowlog.Record, l leaf) string {
	return fmt.Sprintf("%s differs: %s has %s, %s has %s", l.path, nameA, show(l.a), nameB, show(l.b))
}

// collapsed are the paths of two paired records that are reported as one
// difference each: a record of another type or a transition elsewhere is
// one change, and so is the body of an answer whose status changed (and
// the result decoded from it), rather than every field of the two bodies.
func collapsed(a, b flowlog.Record) map[string]bool {
	whole := map[string]bool{}
	if a.Type != b.Type {
		whole["data"] = true
		return whole
	}
	switch ea := a.Event.(type) {
	case events.TransitionMade:
		whole["data"] = true
	case events.AdapterReturned:
		eb := b.Event.(events.AdapterReturned)
		for i := 0; i < len(ea.HTTP) && i < len(eb.HTTP); i++ {
			if ea.HTTP[i].Status != eb.HTTP[i].Status || ea.HTTP[i].Error != eb.HTTP[i].Error {
				whole[fmt.Sprintf("data.http[%d].response_body", i)] = true
				whole[fmt.Sprintf("data.http[%d].response_headers", i)] = true
				whole["data.result"] = true
				whole["data.error"] = true
			}
		}
	}
	return whole
}

// oneSided reports whether the leaf is a value only one side has.
func oneSided(l leaf) bool {
	_, na := l.a.(absent)
	_, nb := l.b.(absent)
	return na != nb
}

// leaf is one differing value.
type leaf struct {
	path string
	a, b any
}

// absent stands for a value one side lacks.
type absent struct{}

func show(v any) string {
	if _, ok := v.(absent); ok {
		return "nothing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}

func raw(v any) json.RawMessage {
	if _, ok := v.(absent); ok || v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// diffValues appends every differing leaf of a and b: a subtree only one
// side has is one difference.
// A path in whole is compared as one value: one difference however much
// of it differs.
func diffValues(path string, a, b any, whole map[string]bool, out *[]leaf) {
	if whole[path] {
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, leaf{path, a, b})
		}
		return
	}
	switch at := a.(type) {
	case map[string]any:
		bt, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, leaf{path, a, b})
			return
		}
		keys := make([]string, 0, len(at)+len(bt))
		for k := range at {
			keys = append(keys, k)
		}
		for k := range bt {
			if _, ok := at[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool {
			ri, rj := keyRank(keys[i]), keyRank(keys[j])
			return ri < rj || ri == rj && keys[i] < keys[j]
		})
		for _, k := range keys {
			av, aok := at[k]
			bv, bok := bt[k]
			p := join(path, k)
			switch {
			case !aok:
				*out = append(*out, leaf{p, absent{}, bv})
			case !bok:
				*out = append(*out, leaf{p, av, absent{}})
			default:
				diffValues(p, av, bv, whole, out)
			}
		}
	case []any:
		bt, ok := b.([]any)
		if !ok {
			*out = append(*out, leaf{path, a, b})
			return
		}
		for i := 0; i < len(at) && i < len(bt); i++ {
			diffValues(fmt.Sprintf("%s[%d]", path, i), at[i], bt[i], whole, out)
		}
		for i := len(bt); i < len(at); i++ {
			*out = append(*out, leaf{fmt.Sprintf("%s[%d]", path, i), at[i], absent{}})
		}
		for i := len(at); i < len(bt); i++ {
			*out = append(*out, leaf{fmt.Sprintf("%s[%d]", path, i), absent{}, bt[i]})
		}
	default:
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, leaf{path, a, b})
		}
	}
}

// keyRank puts what a reader checks first first: the HTTP status before
// the bodies, the type before the data.
func keyRank(k string) int {
	switch k {
	case "type", "operation", "from", "event", "to":
		return 0
	case "status", "error", "method", "url":
		return 1
	case "http":
		return 2
	case "result":
		return 3
	}
	return 4
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// normalizer replaces a log's volatile values with stable marks.
type normalizer struct {
	origins []string
	// rewrite holds pairs (old, new) replaced in every string.
	rewrite []string
}

func newNormalizer(h flowlog.Header) *normalizer {
	n := &normalizer{}
	if h.KratosAPI != "" {
		n.origins = append(n.origins, strings.TrimRight(h.KratosAPI, "/"))
	}
	if h.Backend != "" {
		n.origins = append(n.origins, strings.TrimRight(h.Backend, "/"))
	}
	return n
}

var (
	uuidRE        = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	timeRE        = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)
	placeholderRE = regexp.MustCompile(`«secret:\d+»`)
	loopbackRE    = regexp.MustCompile(`https?://(127\.0\.0\.1|localhost|\[::1\]):\d+`)
	// A token Kratos made (ory_st_…, ory_ac_…): its value changes every
	// run when a log was recorded without redaction.
	oryTokenRE = regexp.MustCompile(`ory_[a-z]{2}_[A-Za-z0-9]{20,}`)
)

// record returns the record as a JSON value with the envelope's volatile
// fields dropped and the data normalized.
func (n *normalizer) record(r flowlog.Record) any {
	data, err := json.Marshal(r.Event)
	if err != nil {
		return map[string]any{"type": r.Type, "unencodable": err.Error()}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	_ = dec.Decode(&v)
	return map[string]any{"type": r.Type, "data": n.value("", v)}
}

func (n *normalizer) value(key string, v any) any {
	if volatileKey(key, v) {
		return "«" + key + "»"
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if k == "latency_ms" {
				continue
			}
			out[k] = n.value(k, x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = n.value(key, x)
		}
		return out
	case string:
		return n.text(t)
	}
	return v
}

func (n *normalizer) text(s string) string {
	for i := 0; i+1 < len(n.rewrite); i += 2 {
		s = strings.ReplaceAll(s, n.rewrite[i], n.rewrite[i+1])
	}
	for _, o := range n.origins {
		s = strings.ReplaceAll(s, o, "«server»")
	}
	s = loopbackRE.ReplaceAllString(s, "«server»")
	s = uuidRE.ReplaceAllString(s, "«id»")
	s = timeRE.ReplaceAllString(s, "«time»")
	s = placeholderRE.ReplaceAllString(s, "«secret»")
	s = oryTokenRE.ReplaceAllString(s, "«token»")
	return s
}

// volatileKey reports whether a JSON key names a value that differs from
// run to run by nature: an instant, or an id made by the run (a string
// under a key ending in _id). Kratos's message ids (numbers under "id")
// and error ids ("session_refresh_required") are not volatile: any UUID
// is replaced wherever it appears instead.
func volatileKey(k string, v any) bool {
	if v == nil {
		return false
	}
	switch k {
	case "privileged_until", "expires_in", "nonce",
		// A session device's address holds the client's port, new each run.
		"ip_address":
		return true
	}
	if _, ok := v.(string); ok && strings.HasSuffix(k, "_id") {
		return true
	}
	return strings.HasSuffix(k, "_at") || strings.HasSuffix(k, "_at_unix")
}
