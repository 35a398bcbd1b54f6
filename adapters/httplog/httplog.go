// Package httplog records the HTTP exchanges an adapter call makes, so that
// traces and recordings show every request and response. The state machine
// puts a Collector in the call's context; Transport, wrapped around an
// adapter's HTTP transport, appends each exchange to it, in full: method,
// request URI, the headers that matter, both bodies, the status, and for a
// request that got no answer the kind of failure, so that offline replay
// can serve the exchange back to the real adapter. Bodies are kept as
// sent — a JSON body as JSON, anything else (not JSON, cut short) as a JSON
// string of its text; whoever writes them out redacts both kinds: by
// meaning (events.RedactJSON reads a string's JSON text token by token, as
// far as it goes) and by value (every secret the run registered, inside
// every string; see flowlog.Redactor).
package httplog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/fastjson"
)

// MaxBody bounds how much of a body is kept: more than any adapter accepts
// (the Kratos adapter refuses bodies over 4 MiB), so that every answer an
// adapter can use is recorded whole; a longer body is recorded cut at
// MaxBody.
const MaxBody = 8 << 20

type collectorKey struct{}

// Collector gathers the exchanges of one adapter call. It is safe for
// concurrent use.
type Collector struct {
	mu        sync.Mutex
	exchanges []events.HTTPExchange
}

// WithCollector returns ctx carrying c.
func WithCollector(ctx context.Context, c *Collector) context.Context {
	return context.WithValue(ctx, collectorKey{}, c)
}

// From returns the collector in ctx, or nil.
func From(ctx context.Context) *Collector {
	c, _ := ctx.Value(collectorKey{}).(*Collector)
	return c
}

func (c *Collector) add(ex events.HTTPExchange) {
	c.mu.Lock()
	c.exchanges = append(c.exchanges, ex)
	c.mu.Unlock()
}

// Take returns the exchanges gathered so far and forgets them.
func (c *Collector) Take() []events.HTTPExchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.exchanges
	c.exchanges = nil
	return out
}

// Transport records each exchange whose request context carries a
// Collector; others pass through untouched.
type Transport struct {
	// Base does the real work; http.DefaultTransport when nil.
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	c := From(req.Context())
	if c == nil {
		return base.RoundTrip(req)
	}
	ex := events.HTTPExchange{Method: req.Method, URL: req.URL.RequestURI(), Headers: interestingHeaders(req.Header)}
	if req.Body != nil && req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			ex.Request, ex.RequestText = bodyJSON(body)
		}
	}
	// written tells a request Kratos got but did not answer in time from
	// one that never reached it (both time out); the adapter tells them
	// apart the same way, and replay serves the difference back.
	var written atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				written.Store(true)
			}
		},
	}))
	start := time.Now()
	resp, err := base.RoundTrip(req)
	ex.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		ex.Error = err.Error()
		ex.ErrorCause = Cause(req.Context(), err)
		if ex.ErrorCause == CauseTimeout && written.Load() {
			ex.ErrorCause = CauseTimeoutAfterRequest
		}
		c.add(ex)
		return resp, err
	}
	ex.Status = resp.StatusCode
	ex.ResponseHeaders = pick(resp.Header, responseHeaders)
	if resp.Body != nil {
		// A read error here (a body cut short) comes back to the adapter
		// when it reads past what was kept.
		data, rerr := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
		ex.ResponseCut = rerr != nil
		rest := resp.Body
		resp.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(data), rest), closer: rest}
		if len(data) > MaxBody {
			data = data[:MaxBody]
		}
		ex.Response, ex.ResponseText = asJSON(data)
	}
	c.add(ex)
	return resp, nil
}

// The headers that matter: what an adapter sends or reads. Secret ones are
// kept so that redaction can replace them with placeholders.
var (
	requestHeaders  = []string{"Accept", "Content-Type", "X-Session-Token", "Session_token", "Cookie", "Authorization"}
	responseHeaders = []string{"Content-Type", "Location", "Retry-After", "Set-Cookie", "Www-Authenticate"}
)

func interestingHeaders(h http.Header) map[string][]string { return pick(h, requestHeaders) }

// pick copies the headers named in keys.
func pick(h http.Header, keys []string) map[string][]string {
	out := map[string][]string{}
	for _, k := range keys {
		if v := h.Values(k); len(v) > 0 {
			out[k] = append([]string(nil), v...)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func bodyJSON(body io.ReadCloser) (json.RawMessage, bool) {
	defer body.Close()
	data, _ := io.ReadAll(io.LimitReader(body, MaxBody))
	return asJSON(data)
}

// asJSON keeps a JSON body as is and turns anything else into a JSON string
// so that the trace stays one JSON document; the flag says it did.
func asJSON(data []byte) (json.RawMessage, bool) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, false
	}
	if fastjson.Valid(data) {
		return json.RawMessage(bytes.Clone(data)), false
	}
	s, _ := json.Marshal(string(data))
	return s, true
}

// replayBody hands back what was read for the trace, then the rest.
type replayBody struct {
	io.Reader
	closer io.Closer
}

// Close implements io.Closer.
func (b *replayBody) Close() error { return b.closer.Close() }

// Add appends exchanges made on the call's behalf outside its context (a
// request begun before the call asked for it, whose answer the call takes).
func (c *Collector) Add(exchanges ...events.HTTPExchange) {
	c.mu.Lock()
	c.exchanges = append(c.exchanges, exchanges...)
	c.mu.Unlock()
}
