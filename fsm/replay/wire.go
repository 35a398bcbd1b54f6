package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/internal/fastjson"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// wireResponder answers the machine's adapter calls for an offline
// replay. The token store is answered from the recording; every other call
// runs the real adapter, whose transport (wireTransport) is served the
// call's recorded HTTP exchanges in order.
type wireResponder struct {
	w   *window
	red *replayRedactor

	mu    sync.Mutex
	calls int
	last  flowlog.Record // the record of the call being served
	cur   *served        // the exchanges of the call being served
	err   error
	// errSeq is the seq of the record err is about.
	errSeq uint64
}

var _ interface {
	Respond(string) (events.AdapterReturned, error)
	Serve(context.Context, events.AdapterReturned) (context.Context, bool)
} = (*wireResponder)(nil)

// Respond implements fsm.Responder: the recorded answer of the next call,
// which must be op.
func (r *wireResponder) Respond(op string) (events.AdapterReturned, error) {
	rec, ok := take(r.w, &r.w.results)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checkDone()
	r.calls++
	var err error
	ret, _ := rec.Event.(events.AdapterReturned)
	switch {
	case !ok:
		err = fmt.Errorf("adapter call %d (%s) was not recorded: the recording has %d adapter calls", r.calls, op, r.calls-1)
	case ret.Operation != op:
		err = fmt.Errorf("adapter call %d is %s, but %s has %s", r.calls, op, describeRecord(rec), ret.Operation)
	}
	if err != nil {
		r.fail(err, rec.Seq)
		return events.AdapterReturned{}, err
	}
	r.last = rec
	return ret, nil
}

// Serve implements fsm.WireResponder.
func (r *wireResponder) Serve(ctx context.Context, ret events.AdapterReturned) (context.Context, bool) {
	// The token store and the loopback callback listener are answered
	// from the recording as they are: they make no HTTP requests to Kratos.
	if strings.HasPrefix(ret.Operation, "tokens.") || strings.HasPrefix(ret.Operation, "callback.") {
		return ctx, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &served{resp: r, op: ret.Operation + " at " + describeRecord(r.last), seq: r.last.Seq, http: ret.HTTP}
	r.cur = s
	return context.WithValue(ctx, servedKey{}, s), true
}

// checkDone notes a call that made fewer requests than recorded (an
// adapter that stopped early, such as one that does not continue an
// expired flow); r.mu must be held.
func (r *wireResponder) checkDone() {
	s := r.cur
	r.cur = nil
	if s == nil {
		return
	}
	s.mu.Lock()
	made := s.next
	s.mu.Unlock()
	if made < len(s.http) {
		var rest []string
		for _, ex := range s.http[made:] {
			rest = append(rest, showRequest(ex))
		}
		r.fail(fmt.Errorf("%s made %d of the %d recorded requests; not made: %s",
			s.op, made, len(s.http), strings.Join(rest, "; ")), s.seq)
	}
}

// fail keeps the first wire mismatch and the seq of its record; r.mu
// must be held.
func (r *wireResponder) fail(err error, seq uint64) {
	if r.err == nil {
		r.err, r.errSeq = err, seq
	}
}

// explain returns the first wire mismatch when it concerns the divergent
// record or one before it (the AdapterCalled before a call's result
// counts): a mismatch after it is a consequence, not the reason.
func (r *wireResponder) explain(d *Divergence) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checkDone()
	if r.err == nil || r.errSeq > d.Seq+1 {
		return nil
	}
	return r.err
}

type servedKey struct{}

// served is the recorded exchanges of one adapter call.
type served struct {
	resp *wireResponder
	op   string
	seq  uint64

	mu   sync.Mutex
	http []events.HTTPExchange
	next int
}

// wireTransport serves recorded HTTP exchanges to the adapters in place of
// the network. Each request must match the next recorded one of its call
// (method, path, query, the headers that matter, the body, compared after
// redaction so that placeholders match); a request that differs is a
// divergence, reported with both sides and the reason, and the adapter
// gets an error.
type wireTransport struct{}

// RoundTrip implements http.RoundTripper.
func (wireTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s, _ := req.Context().Value(servedKey{}).(*served)
	if req.Body != nil {
		defer req.Body.Close()
	}
	if s == nil {
		return nil, fmt.Errorf("replay: %s %s outside any recorded adapter call", req.Method, req.URL.RequestURI())
	}
	s.mu.Lock()
	i := s.next
	s.next++
	s.mu.Unlock()
	got := replayedExchange(req, s.resp.red)
	if i >= len(s.http) {
		err := fmt.Errorf("%s made request %d, %s, but the recording has %d request(s) for this call",
			s.op, i+1, showRequest(got), len(s.http))
		return nil, s.mismatch(err)
	}
	want := s.http[i]
	if why := requestDiff(want, got); why != "" {
		err := fmt.Errorf("%s request %d differs from the recording: %s\n  recorded: %s\n  replayed: %s",
			s.op, i+1, why, showRequest(want), showRequest(got))
		return nil, s.mismatch(err)
	}
	if want.Error != "" {
		if want.ErrorCause == httplog.CauseTimeoutAfterRequest {
			// The request reached Kratos, which did not answer in time:
			// the adapter (and the recorder) hear it was written, as
			// they did live.
			if trace := httptrace.ContextClientTrace(req.Context()); trace != nil && trace.WroteRequest != nil {
				trace.WroteRequest(httptrace.WroteRequestInfo{})
			}
		}
		return nil, httplog.ErrorFor(want.ErrorCause, want.Error)
	}
	body := []byte(want.Response)
	if want.ResponseText {
		var text string
		if json.Unmarshal(want.Response, &text) == nil {
			body = []byte(text)
		}
	}
	h := http.Header{}
	for k, vs := range want.ResponseHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	var rd io.Reader = bytes.NewReader(body)
	length := int64(len(body))
	if want.ResponseCut {
		// The connection closed mid-body: the same bytes, then the error.
		rd, length = io.MultiReader(rd, errReader{io.ErrUnexpectedEOF}), -1
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", want.Status, http.StatusText(want.Status)), StatusCode: want.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(rd), ContentLength: length, Request: req,
	}, nil
}

func (s *served) mismatch(err error) error {
	s.resp.mu.Lock()
	s.resp.fail(err, s.seq)
	s.resp.mu.Unlock()
	return fmt.Errorf("replay: %w", err)
}

// replayedExchange is the request as the recording would hold it:
// recorded the way httplog records, then redacted through the single
// redaction entry point (events.Redact) with the replay's redactor.
func replayedExchange(req *http.Request, red *replayRedactor) events.HTTPExchange {
	ex := events.HTTPExchange{Method: req.Method, URL: req.URL.RequestURI()}
	ex.Headers = map[string][]string{}
	for _, k := range []string{"Accept", "Content-Type", "X-Session-Token", "Session_token", "Cookie", "Authorization"} {
		if v := req.Header.Values(k); len(v) > 0 {
			ex.Headers[k] = append([]string(nil), v...)
		}
	}
	if len(ex.Headers) == 0 {
		ex.Headers = nil
	}
	if req.Body != nil {
		data, _ := io.ReadAll(req.Body)
		if len(bytes.TrimSpace(data)) > 0 {
			if fastjson.Valid(data) {
				ex.Request = data
			} else {
				ex.Request, _ = json.Marshal(string(data))
				ex.RequestText = true
			}
		}
	}
	redacted := events.Redact(events.AdapterReturned{HTTP: []events.HTTPExchange{ex}}, red.redact).(events.AdapterReturned)
	return redacted.HTTP[0]
}

// requestDiff says how a replayed request differs from the recorded one,
// or "" when it matches.
func requestDiff(want, got events.HTTPExchange) string {
	if sameRequest(want, got) {
		return ""
	}
	if want.Method != got.Method {
		return fmt.Sprintf("method %s, recorded %s", got.Method, want.Method)
	}
	wu, err1 := url.Parse(want.URL)
	gu, err2 := url.Parse(got.URL)
	if err1 != nil || err2 != nil {
		if want.URL != got.URL {
			return fmt.Sprintf("URL %s, recorded %s", got.URL, want.URL)
		}
	} else {
		if wu.Path != gu.Path {
			return fmt.Sprintf("path %s, recorded %s", gu.Path, wu.Path)
		}
		wq, gq := wu.Query(), gu.Query()
		for _, k := range unionKeys(wq, gq) {
			if !reflect.DeepEqual(wq[k], gq[k]) {
				return fmt.Sprintf("query parameter %q is %s, recorded %s", k, showValues(gq[k]), showValues(wq[k]))
			}
		}
	}
	for _, k := range unionKeys(want.Headers, got.Headers) {
		if !reflect.DeepEqual(want.Headers[k], got.Headers[k]) {
			return fmt.Sprintf("header %s is %s, recorded %s", k, showValues(got.Headers[k]), showValues(want.Headers[k]))
		}
	}
	if want.RequestText != got.RequestText {
		return "the body is text where the recording has JSON, or the reverse"
	}
	path, e, a, same := firstDiff("body", decodeAny(want.Request), decodeAny(got.Request), false)
	if !same {
		return fmt.Sprintf("%s is %s, recorded %s", path, show(a), show(e))
	}
	return ""
}

// sameRequest reports whether two requests are the same byte for byte
// (method, URL, headers, body): the common case, decided without parsing.
func sameRequest(want, got events.HTTPExchange) bool {
	if want.Method != got.Method || want.URL != got.URL || want.RequestText != got.RequestText ||
		!bytes.Equal(want.Request, got.Request) || len(want.Headers) != len(got.Headers) {
		return false
	}
	for k, wv := range want.Headers {
		gv, ok := got.Headers[k]
		if !ok || !slices.Equal(wv, gv) {
			return false
		}
	}
	return true
}

func unionKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func showValues(vs []string) string {
	if vs == nil {
		return "(absent)"
	}
	b, _ := json.Marshal(vs)
	return string(b)
}

// showRequest is one line: method, URI and body, escaped
// (termtext.Escape: a recorded value cannot break the line or reach the
// terminal as a control sequence).
func showRequest(ex events.HTTPExchange) string {
	s := termtext.Escape(ex.Method + " " + ex.URL)
	if len(ex.Request) > 0 {
		body := string(ex.Request)
		if len(body) > 300 {
			body = body[:297] + "..."
		}
		s += " " + termtext.Escape(body)
	}
	return s
}

// errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
