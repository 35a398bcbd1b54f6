// Package tracehtml writes a flow log as one self-contained HTML report:
// the run's summary, the first divergence of a replay (recorded and
// replayed side by side), the state machine with the run's path, the run
// as a sequence of messages, and the timeline, each record expandable with
// its HTTP exchanges as request and response and its data pretty-printed.
//
// The page needs no network and makes no request: its only style and
// script are inline and allowed by their hashes in a Content-Security-Policy
// of default-src 'none'; it links to nothing but its own anchors. Its
// content is the log's, already redacted; every value is HTML-escaped.
package tracehtml

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// MaxRecords is the most records a report holds: a page of more is too
// large for a browser to open usefully. Larger logs are read with
// `trace --format text` or the viewer.
const MaxRecords = 20000

// Divergence is a replay's first divergence (the viewer's type).
type Divergence = traceview.Divergence

// Replay is the outcome of replaying the log, when the report shows one.
type Replay struct {
	// Divergence is nil when the replay passed.
	Divergence *Divergence
	// Records is how many records the replay went through.
	Records int
}

// Options tunes a report.
type Options struct {
	// Name is the log's name in the title (its path).
	Name string
	// Replay, when set, is shown at the top, and the divergent record is
	// highlighted and open.
	Replay *Replay
}

// ErrTooLarge is returned for a log of more than MaxRecords records.
var ErrTooLarge = errors.New("too many records for an HTML report")

// WriteFile writes the report of the log at path. A log cut short (a
// crash while writing) is reported up to its last whole record, with a
// warning in the page and the error returned (flowlog.ErrTruncated); a log
// without its end mark is reported whole, with a warning in the page and
// flowlog.ErrNoEndMark returned.
func WriteFile(w io.Writer, path string, opts Options) error {
	r, err := flowlog.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	var recs []flowlog.Record
	var readErr error
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !errors.Is(err, flowlog.ErrTruncated) || len(recs) == 0 {
				return err
			}
			readErr = err
			break
		}
		if len(recs) == MaxRecords {
			return fmt.Errorf("%s: %w (at most %d): use `kratos-tui trace --format text` or the viewer (--format tui)", path, ErrTooLarge, MaxRecords)
		}
		recs = append(recs, rec)
	}
	if opts.Name == "" {
		opts.Name = path
	}
	if readErr == nil && !r.Ended() {
		// A whole log that was not closed normally: shown whole, with
		// the warning in the page and returned.
		readErr = fmt.Errorf("%s: %w", path, flowlog.ErrNoEndMark)
	}
	if err := Write(w, r.Header(), recs, opts, readErr); err != nil {
		return err
	}
	return readErr
}

// Write writes the report of a log's records; cut, when not nil, is why
// the log ends early.
func Write(w io.Writer, h flowlog.Header, recs []flowlog.Record, opts Options, cut error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	p := &page{w: bw, h: h, entries: traceview.Entries(recs), opts: opts}
	p.write(cut)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

// CSP is the page's Content-Security-Policy: nothing may load, only the
// page's own style and script (by hash) run.
func CSP() string {
	return fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src 'none'; base-uri 'none'; form-action 'none'",
		hash(css), hash(script))
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

type page struct {
	w       *bufio.Writer
	h       flowlog.Header
	entries []traceview.Entry
	opts    Options
}

func (p *page) f(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

// esc escapes s for HTML, after writing the characters that could
// disguise a value as visible escapes (termtext.EscapeText): bidi
// overrides and isolates, zero-width and other format characters, control
// characters and bytes that are not UTF-8, as the text outputs do. A
// browser would otherwise reorder or hide text from a log made by others.
func esc(s string) string { return html.EscapeString(termtext.EscapeText(s)) }

func (p *page) write(cut error) {
	title := "kratos-tui trace: " + p.opts.Name
	p.f("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	p.f("<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", esc(CSP()))
	p.f("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	p.f("<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", esc(title), css)
	p.f("<header><h1>%s</h1>\n", esc(title))
	p.f("<p class=\"meta\">flow log v%s, written by kratos-tui %s, started %s, %d records",
		esc(p.h.SchemaVersion), esc(p.h.AppVersion), esc(p.h.StartedAt.Format(time.RFC3339)), len(p.entries))
	if p.h.KratosAPI != "" {
		p.f(", Kratos %s", esc(p.h.KratosAPI))
	}
	if p.h.Backend != "" {
		p.f(", backend %s", esc(p.h.Backend))
	}
	p.f(". Secrets were replaced by placeholders («secret:N») when the log was written.</p>\n")
	switch {
	case errors.Is(cut, flowlog.ErrNoEndMark):
		p.f("<p class=\"warning\">Warning: %s. Its %d records are shown.</p>\n", esc(flowlog.ErrNoEndMark.Error()), len(p.entries))
	case cut != nil:
		p.f("<p class=\"warning\">The log is cut short: %s. The %d whole records before it are shown.</p>\n", esc(cut.Error()), len(p.entries))
	}
	p.f("<nav><a href=\"#timeline\">Timeline</a> <a href=\"#states\">State machine</a> <a href=\"#sequence\">Sequence</a>")
	if p.opts.Replay != nil && p.opts.Replay.Divergence != nil {
		p.f(" <a href=\"#divergence\">First divergence</a>")
	}
	p.f(" <button type=\"button\" id=\"expand\">Expand all</button> <button type=\"button\" id=\"collapse\">Collapse all</button></nav>\n</header>\n<main>\n")
	p.replay()
	p.timeline()
	p.states()
	p.sequence()
	p.f("</main>\n<script>%s</script>\n</body>\n</html>\n", script)
}

func (p *page) replay() {
	rp := p.opts.Replay
	if rp == nil {
		return
	}
	d := rp.Divergence
	if d == nil {
		p.f("<section id=\"replay\" class=\"passed\"><h2>Replay: PASS</h2><p>%d records replayed through the state machine and the real adapters on the recorded wire; every event matches.</p></section>\n", rp.Records)
		return
	}
	p.f("<section id=\"divergence\" class=\"diverged\"><h2>Replay: DIVERGED at seq %d</h2>\n", d.Seq)
	p.f("<p class=\"reason\">%s</p>\n", esc(d.Reason))
	if e := p.entry(d.Seq); e != nil {
		p.f("<p>Record <a href=\"#rec-%d\">%d</a>: %s %s, the machine in state <b>%s</b>. %s</p>\n",
			d.Seq, d.Seq, esc(string(e.Kind)), esc(e.Type), esc(e.State), esc(traceview.Summary(e.Record)))
	}
	if d.Field != "" {
		p.f("<p>First differing field: <code>%s</code></p>\n", esc(d.Field))
	}
	exp, act := marked(d.Expected, d.Actual)
	if exp == "" {
		exp = "<p class=\"none\">nothing: the replay published an event the recording lacks</p>"
	}
	if act == "" {
		act = "<p class=\"none\">nothing: the replay stopped before this record</p>"
	}
	p.f("<p class=\"hint\">Lines that differ are marked.</p><div class=\"sides\"><div><h3>Recorded (expected)</h3>%s</div><div><h3>Replayed (actual)</h3>%s</div></div>\n", exp, act)
	p.f("</section>\n")
}

func (p *page) entry(seq uint64) *traceview.Entry {
	for i := range p.entries {
		if p.entries[i].Seq == seq {
			return &p.entries[i]
		}
	}
	return nil
}

// pretty is a JSON value indented in a <pre>, or the text of a body that
// is not JSON.
func pretty(raw json.RawMessage, empty string) string {
	if len(raw) == 0 {
		return "<p class=\"none\">" + esc(empty) + "</p>"
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return "<pre class=\"json\">" + esc(string(raw)) + "</pre>"
	}
	return "<pre class=\"json\">" + esc(out.String()) + "</pre>"
}

// marked is the two values indented, each in a <pre>, with the lines
// that are not in the other side's (a longest common subsequence of
// lines) marked; "" for an empty side.
func marked(a, b json.RawMessage) (string, string) {
	la, lb := lines(a), lines(b)
	inA, inB := traceview.CommonLines(la, lb)
	render := func(ls []string, common []bool) string {
		if len(ls) == 0 {
			return ""
		}
		var sb strings.Builder
		sb.WriteString("<pre class=\"json\">")
		for i, l := range ls {
			if common[i] {
				sb.WriteString(esc(l))
			} else {
				sb.WriteString("<mark>" + esc(l) + "</mark>")
			}
			sb.WriteString("\n")
		}
		sb.WriteString("</pre>")
		return sb.String()
	}
	return render(la, inA), render(lb, inB)
}

func lines(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return strings.Split(string(raw), "\n")
	}
	return strings.Split(out.String(), "\n")
}

// text is a body kept as a JSON string (not JSON on the wire): its text.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	return s
}

func (p *page) timeline() {
	var diverged uint64
	if p.opts.Replay != nil && p.opts.Replay.Divergence != nil {
		diverged = p.opts.Replay.Divergence.Seq
	}
	p.f("<section id=\"timeline\"><h2>Timeline</h2>\n")
	p.f("<p class=\"hint\">Each line is one record: seq, time since the first record, kind, type, the machine's state after it, a summary. Open a line for the record in full: an adapter result shows every HTTP exchange as request and response.</p>\n")
	var t0 time.Time
	if len(p.entries) > 0 {
		t0 = p.entries[0].Time
	}
	screen := "none yet"
	for _, e := range p.entries {
		if e.Kind == events.KindState {
			screen = fmt.Sprintf("%s (seq %d)", e.Type, e.Seq)
		}
		class := "rec k-" + string(e.Kind)
		open := ""
		if e.Seq == diverged && diverged != 0 {
			class += " diverged"
			open = " open"
		}
		if ret, ok := e.Event.(events.AdapterReturned); ok && failed(ret) {
			class += " failed"
		}
		p.f("<details id=\"rec-%d\" class=\"%s\"%s><summary><span class=\"seq\">%d</span> <span class=\"t\">%+.3fs</span> <span class=\"kind\">%s</span> <span class=\"type\">%s</span> <span class=\"state\">[%s]</span> <span class=\"sum\">%s</span></summary>\n",
			e.Seq, class, open, e.Seq, e.Time.Sub(t0).Seconds(), esc(string(e.Kind)), esc(e.Type), esc(e.State), esc(traceview.Summary(e.Record)))
		p.record(e, screen)
		p.f("</details>\n")
	}
	p.f("<p class=\"count\">%d records</p></section>\n", len(p.entries))
}

func failed(ret events.AdapterReturned) bool {
	if ret.Error != nil {
		return true
	}
	for _, h := range ret.HTTP {
		if h.Error != "" || h.Status >= 400 {
			return true
		}
	}
	return false
}

func (p *page) record(e traceview.Entry, screen string) {
	p.f("<div class=\"body\"><dl>")
	p.f("<dt>time</dt><dd>%s</dd><dt>state after</dt><dd>%s</dd><dt>screen shown</dt><dd>%s</dd>",
		esc(e.Time.Format("2006-01-02T15:04:05.000Z07:00")), esc(e.State), esc(screen))
	if e.FlowID != "" {
		p.f("<dt>Kratos flow</dt><dd>%s</dd>", esc(e.FlowID))
	}
	p.f("<dt>event id</dt><dd>%s</dd><dt>correlation</dt><dd>%s</dd>", esc(e.ID), esc(e.CorrelationID))
	if e.CausationID != "" {
		p.f("<dt>caused by</dt><dd>%s</dd>", esc(e.CausationID))
	}
	p.f("</dl>\n")
	ev := e.Event
	if ret, ok := ev.(events.AdapterReturned); ok {
		for i, h := range ret.HTTP {
			p.exchange(i+1, len(ret.HTTP), h)
		}
		ret.HTTP = nil
		ev = ret
	}
	data, err := json.Marshal(ev)
	if err == nil && string(data) != "{}" {
		p.f("<h4>Event data</h4>%s", pretty(data, ""))
	}
	p.f("</div>\n")
}

func (p *page) exchange(n, of int, h events.HTTPExchange) {
	p.f("<div class=\"exchange\"><h4>HTTP exchange %d of %d (%.1f ms)</h4><div class=\"sides\">", n, of, h.LatencyMS)
	p.f("<div class=\"req\"><h5>Request</h5><p class=\"line\">%s %s</p>", esc(h.Method), esc(h.URL))
	headers(p, h.Headers)
	if h.RequestText {
		p.f("<pre class=\"text\">%s</pre>", esc(text(h.Request)))
	} else if len(h.Request) > 0 {
		p.f("%s", pretty(h.Request, ""))
	}
	p.f("</div><div class=\"resp\"><h5>Response</h5>")
	if h.Error != "" {
		cause := ""
		if h.ErrorCause != "" {
			cause = " (" + h.ErrorCause + ")"
		}
		p.f("<p class=\"line bad\">no answer%s: %s</p>", esc(cause), esc(h.Error))
	} else {
		class := "line"
		if h.Status >= 400 {
			class += " bad"
		}
		p.f("<p class=\"%s\">%d %s", class, h.Status, esc(http.StatusText(h.Status)))
		if ids := events.KratosMessageIDs(h.Response); len(ids) > 0 {
			p.f(" <span class=\"ids\">Kratos messages %s</span>", esc(strings.Join(ids, ", ")))
		}
		p.f("</p>")
	}
	headers(p, h.ResponseHeaders)
	if h.ResponseText {
		p.f("<pre class=\"text\">%s</pre>", esc(text(h.Response)))
	} else if len(h.Response) > 0 {
		p.f("%s", pretty(h.Response, ""))
	}
	p.f("</div></div></div>\n")
}

func headers(p *page, hs map[string][]string) {
	if len(hs) == 0 {
		return
	}
	names := make([]string, 0, len(hs))
	for k := range hs {
		names = append(names, k)
	}
	sort.Strings(names)
	p.f("<table class=\"headers\">")
	for _, k := range names {
		p.f("<tr><th>%s</th><td>%s</td></tr>", esc(k), esc(strings.Join(hs[k], ", ")))
	}
	p.f("</table>")
}

func (p *page) sequence() {
	recs := make([]flowlog.Record, len(p.entries))
	for i, e := range p.entries {
		recs[i] = e.Record
	}
	lines := traceview.SequenceLines(recs)
	p.f("<section id=\"sequence\"><h2>Sequence</h2>\n")
	p.f("<p class=\"hint\">The run as messages between the user, kratos-tui, Kratos, the backend and the token store (the number is the record's seq). The Mermaid source of this diagram and of the state diagram is below, for a Markdown page or mermaid.live.</p>\n")
	p.f("<table class=\"seq\"><thead><tr><th>seq</th><th>from</th><th></th><th>to</th><th>message</th></tr></thead><tbody>\n")
	for _, m := range sequenceRows(recs) {
		p.f("<tr class=\"%s\"><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", m.class, m.seq, esc(m.from), m.arrow, esc(m.to), esc(m.text))
	}
	p.f("</tbody></table>\n")
	p.f("<details><summary>Mermaid sequence diagram</summary><pre class=\"mermaid-src\">%s</pre></details>\n", esc(strings.Join(lines, "\n")))
	var st bytes.Buffer
	_ = traceview.WriteMermaid(&st, recs)
	p.f("<details><summary>Mermaid state diagram</summary><pre class=\"mermaid-src\">%s</pre></details>\n", esc(st.String()))
	p.f("</section>\n")
}

type seqRow struct {
	seq            uint64
	from, to, text string
	arrow, class   string
}

func sequenceRows(recs []flowlog.Record) []seqRow {
	var out []seqRow
	for _, r := range recs {
		switch ev := r.Event.(type) {
		case events.TransitionMade:
			out = append(out, seqRow{r.Seq, "kratos-tui", "kratos-tui", ev.From + " → " + ev.To + " (" + ev.Event + ")", "⟲", "transition"})
		case events.AdapterReturned:
			peer := traceview.Peer(ev.Operation)
			if peer == "" {
				continue
			}
			if len(ev.HTTP) == 0 {
				res := "ok"
				if ev.Error != nil {
					res = "error " + string(ev.Error.Class)
				}
				out = append(out, seqRow{r.Seq, "kratos-tui", peer, ev.Operation + " → " + res, "→", "call"})
				continue
			}
			for _, h := range ev.HTTP {
				class := "call"
				if h.Error != "" || h.Status >= 400 {
					class += " bad"
				}
				out = append(out, seqRow{r.Seq, "kratos-tui", peer, h.Method + " " + pathOnly(h.URL) + " → " + traceview.HTTPAnswer(h), "→", class})
			}
		default:
			switch r.Kind {
			case events.KindIntent:
				out = append(out, seqRow{r.Seq, "user", "kratos-tui", r.Type, "→", "intent"})
			case events.KindState:
				out = append(out, seqRow{r.Seq, "kratos-tui", "user", r.Type, "→", "state"})
			}
		}
	}
	return out
}

func pathOnly(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// states draws the state machine as an SVG: every state on an ellipse,
// every transition of the table as a faint line, the transitions this run
// took as numbered arrows and the states it visited filled.
func (p *page) states() {
	p.f("<section id=\"states\"><h2>State machine</h2>\n")
	p.f("<p class=\"hint\">Every state of the kratos-tui machine; the states this run visited are filled, the transitions it took are drawn with their step numbers (listed below the diagram), the other transitions faintly.</p>\n")
	var path []step
	visited := map[string]bool{fsm.StateUninitialized: true}
	for _, e := range p.entries {
		if t, ok := e.Event.(events.TransitionMade); ok {
			path = append(path, step{seq: e.Seq, from: t.From, event: t.Event, to: t.To})
			visited[t.From], visited[t.To] = true, true
		}
	}
	p.f("%s", stateSVG(path, visited))
	p.f("<ol class=\"path\">")
	for _, s := range path {
		p.f("<li><a href=\"#rec-%d\">seq %d</a>: %s --%s--&gt; %s</li>", s.seq, s.seq, esc(s.from), esc(s.event), esc(s.to))
	}
	p.f("</ol></section>\n")
}
