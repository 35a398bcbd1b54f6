// Package faultproxy is a programmable HTTP reverse proxy for fault
// injection tests. It listens on 127.0.0.1, forwards every request to an
// upstream (a real Kratos in the tests) and, for the requests a Rule
// matches, does something else: resets the connection, waits past the
// client's timeout, answers a 5xx, cuts the answer mid-body, answers a
// malformed body, a wrong content type or a given error body.
//
// Rules match by method and path prefix and can start at the nth matching
// request and apply a limited number of times. The proxy counts every
// request it sees, faulted or not, so that tests can assert how often a
// client sent something (a password submit must never be retried).
package faultproxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind names a fault.
type Kind string

// The faults a Rule can inject.
const (
	// Reset hijacks the connection and closes it with a TCP reset before
	// any answer (the client sees "connection reset by peer").
	Reset Kind = "reset"
	// Close hijacks the connection and closes it cleanly before any answer
	// (the client sees EOF).
	Close Kind = "close"
	// Delay waits Rule.Delay (or until the client gives up) before
	// forwarding; with a delay past the client's timeout, the client times
	// out and the upstream never sees the request.
	Delay Kind = "delay"
	// Status answers Rule.Status with Rule.Body and Rule.ContentType (a
	// 500, 502, 503, or a 403/410/422 with a captured Kratos error body).
	Status Kind = "status"
	// Cut answers Rule.Status with a Content-Length for the whole of
	// Rule.Body but writes only its first half, then closes the connection.
	// With Rule.Forward the real upstream answer is cut instead.
	Cut Kind = "cut"
	// Malformed answers Rule.Status (200 when zero) with an application/json
	// content type and a body that is not JSON.
	Malformed Kind = "malformed"
	// WrongType answers Rule.Status (200 when zero) with Rule.Body (or the
	// real upstream body with Rule.Forward) labelled text/html.
	WrongType Kind = "wrong_content_type"
	// Pass forwards the request and hands back the real answer unchanged
	// (status, content type, body); with Rule.Observe a test sees it.
	Pass Kind = "pass"
)

// MalformedBody is what a Malformed fault answers.
const MalformedBody = "\x00<html>not json {\"id\": [unterminated"

// Rule says which requests to fault and how.
type Rule struct {
	// Method matches the request method; empty matches any.
	Method string
	// PathPrefix matches the start of the request path; empty matches any.
	PathPrefix string
	// Nth is the first matching request (from 1) that is faulted; zero
	// means the first.
	Nth int
	// Times is how many matching requests are faulted from Nth on; zero
	// means every one.
	Times int

	// Kind is the fault.
	Kind Kind
	// Status is the answer's status (Status, Cut, Malformed, WrongType).
	Status int
	// Body is the answer's body (Status, Cut, WrongType).
	Body []byte
	// ContentType labels Body (Status, Cut); application/json when empty.
	ContentType string
	// Delay is how long a Delay fault waits.
	Delay time.Duration
	// Forward makes Cut and WrongType use the real upstream answer.
	Forward bool
	// CutAfterKey makes Cut end the body right after the JSON string value
	// of the first occurrence of this key (e.g. "session_token": the
	// client gets the token and nothing after it) instead of at half.
	CutAfterKey string
	// Observe, when set, is given the real upstream answer of a Forward
	// fault before it is faulted (tests learn the secrets it held).
	Observe func(status int, body []byte)
}

// String names the rule for test output.
func (r Rule) String() string {
	s := fmt.Sprintf("%s %s %s", r.Kind, r.Method, r.PathPrefix)
	if r.Status != 0 {
		s += " " + strconv.Itoa(r.Status)
	}
	return s
}

func (r Rule) matches(req *http.Request) bool {
	return (r.Method == "" || r.Method == req.Method) && strings.HasPrefix(req.URL.Path, r.PathPrefix)
}

// rule is a Rule with its match counter.
type rule struct {
	Rule
	seen int
}

// Request is a request the proxy saw.
type Request struct {
	Method string
	Path   string
	// Fault is the fault injected, empty when the request was forwarded.
	Fault Kind
}

// Proxy is a fault-injecting reverse proxy on a loopback port. It is safe
// for concurrent use.
type Proxy struct {
	upstream *url.URL
	rp       *httputil.ReverseProxy
	srv      *http.Server
	ln       net.Listener
	addr     string
	served   chan struct{}
	closing  chan struct{}
	once     sync.Once

	mu       sync.Mutex
	rules    []*rule
	requests []Request
}

// New starts a proxy on a free 127.0.0.1 port forwarding to upstream, an
// absolute http URL. Close it when done.
func New(upstream string) (*Proxy, error) {
	u, err := url.Parse(upstream)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("fault proxy: bad upstream URL %q", upstream)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fault proxy: listen: %w", err)
	}
	p := &Proxy{upstream: u, ln: ln, addr: ln.Addr().String(), served: make(chan struct{}), closing: make(chan struct{})}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = u.Host
		},
		// The proxy keeps no idle connections of its own across Close.
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 8, IdleConnTimeout: 5 * time.Second},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // the client went away
			}
			http.Error(w, "fault proxy: upstream: "+err.Error(), http.StatusBadGateway)
		},
	}
	p.srv = &http.Server{Handler: http.HandlerFunc(p.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(p.served)
		_ = p.srv.Serve(ln)
	}()
	return p, nil
}

// URL returns the proxy's base URL, to give the client instead of the
// upstream's.
func (p *Proxy) URL() string { return "http://" + p.addr }

// Add adds rules; the first matching rule that is due applies.
func (p *Proxy) Add(rules ...Rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range rules {
		p.rules = append(p.rules, &rule{Rule: r})
	}
}

// Clear removes every rule: from now on everything is forwarded.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = nil
}

// Requests returns the requests seen so far, in order.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests...)
}

// Count returns how many requests with method and path prefix were seen.
func (p *Proxy) Count(method, pathPrefix string) int {
	n := 0
	for _, r := range p.Requests() {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// ResetCounts forgets the requests seen so far.
func (p *Proxy) ResetCounts() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = nil
}

// Close stops the proxy and closes every connection, waiting for the
// serving goroutine to end.
func (p *Proxy) Close() error {
	p.once.Do(func() { close(p.closing) })
	err := p.srv.Close()
	<-p.served
	if t, ok := p.rp.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("fault proxy: close: %w", err)
	}
	return nil
}

// pick returns the rule to apply to req, if any, and records the request.
func (p *Proxy) pick(req *http.Request) (Rule, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var chosen *rule
	for _, r := range p.rules {
		if !r.matches(req) {
			continue
		}
		r.seen++
		first := max(r.Nth, 1)
		due := r.seen >= first && (r.Times == 0 || r.seen < first+r.Times)
		if due && chosen == nil {
			chosen = r
		}
	}
	rec := Request{Method: req.Method, Path: req.URL.Path}
	if chosen != nil {
		rec.Fault = chosen.Kind
	}
	p.requests = append(p.requests, rec)
	if chosen == nil {
		return Rule{}, false
	}
	return chosen.Rule, true
}

func (p *Proxy) serve(w http.ResponseWriter, req *http.Request) {
	r, ok := p.pick(req)
	if !ok {
		p.rp.ServeHTTP(w, req)
		return
	}
	switch r.Kind {
	case Reset, Close:
		hijackClose(w, r.Kind == Reset)
	case Delay:
		// Read the body first: only then does the server notice a client
		// that gives up and cancel the request's context.
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		t := time.NewTimer(r.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			p.rp.ServeHTTP(w, req)
		case <-req.Context().Done():
		case <-p.closing:
		}
	case Status:
		writeBody(w, r.Status, contentType(r.ContentType), r.Body)
	case Malformed:
		writeBody(w, orOK(r.Status), "application/json", []byte(MalformedBody))
	case WrongType:
		if r.Forward {
			p.forwardThen(w, req, func(status int, h http.Header, body []byte) {
				r.observe(status, body)
				writeBody(w, status, "text/html; charset=utf-8", body)
			})
			return
		}
		writeBody(w, orOK(r.Status), "text/html; charset=utf-8", r.Body)
	case Pass:
		p.forwardThen(w, req, func(status int, h http.Header, body []byte) {
			r.observe(status, body)
			writeBody(w, status, h.Get("Content-Type"), body)
		})
	case Cut:
		if r.Forward {
			p.forwardThen(w, req, func(status int, h http.Header, body []byte) {
				r.observe(status, body)
				cutAt(w, status, h.Get("Content-Type"), body, cutPoint(body, r.CutAfterKey))
			})
			return
		}
		cutAt(w, orOK(r.Status), contentType(r.ContentType), r.Body, cutPoint(r.Body, r.CutAfterKey))
	default:
		http.Error(w, "fault proxy: unknown fault "+string(r.Kind), http.StatusInternalServerError)
	}
}

// forwardThen forwards req and hands the whole upstream answer to then
// instead of the client.
func (p *Proxy) forwardThen(w http.ResponseWriter, req *http.Request, then func(int, http.Header, []byte)) {
	rec := &recorder{header: http.Header{}}
	p.rp.ServeHTTP(rec, req.WithContext(context.WithoutCancel(req.Context())))
	then(orOK(rec.status), rec.header, rec.body)
}

// recorder is a minimal http.ResponseWriter that keeps the answer.
type recorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	r.body = append(r.body, b...)
	return len(b), nil
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func orOK(status int) int {
	if status == 0 {
		return http.StatusOK
	}
	return status
}

func contentType(ct string) string {
	if ct == "" {
		return "application/json; charset=utf-8"
	}
	return ct
}

func writeBody(w http.ResponseWriter, status int, ct string, body []byte) {
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (r Rule) observe(status int, body []byte) {
	if r.Observe != nil {
		r.Observe(status, bytes.Clone(body))
	}
}

// cutPoint is where a Cut ends body: right after the string value of the
// first key (when given and found), else at half.
func cutPoint(body []byte, key string) int {
	if key != "" {
		if i := bytes.Index(body, []byte(`"`+key+`"`)); i >= 0 {
			rest := body[i+len(key)+2:]
			if q := bytes.IndexByte(rest, '"'); q >= 0 {
				if end := bytes.IndexByte(rest[q+1:], '"'); end >= 0 {
					return i + len(key) + 2 + q + 1 + end + 1
				}
			}
		}
	}
	return len(body) / 2
}

// cutAt writes the status line and headers announcing all of body, then
// body up to n, then closes the connection.
func cutAt(w http.ResponseWriter, status int, ct string, body []byte, n int) {
	conn, buf, err := hijack(w)
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		status, http.StatusText(status), ct, len(body)+1)
	_, _ = buf.Write(body[:n])
	_ = buf.Flush()
}

// hijackClose closes the connection before any answer, with a TCP reset
// when rst is set.
func hijackClose(w http.ResponseWriter, rst bool) {
	conn, _, err := hijack(w)
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && rst {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func hijack(w http.ResponseWriter) (net.Conn, *bufio.Writer, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("fault proxy: connection cannot be hijacked")
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("fault proxy: hijack: %w", err)
	}
	return conn, rw.Writer, nil
}
