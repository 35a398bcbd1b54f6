package events

import (
	"encoding/json"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// The trace events: how the state machine got from one state to the next.
// UIs ignore them; the recorder and the trace viewer read them.

// TransitionMade says the state machine took a transition.
type TransitionMade struct {
	From  string `json:"from"`
	Event string `json:"event"`
	To    string `json:"to"`
}

// AdapterCalled says the state machine called an adapter.
type AdapterCalled struct {
	// Operation names the call, e.g. "kratos.submit_login".
	Operation string `json:"operation"`
	// Request is the call's argument as JSON (secrets are redacted by
	// whoever writes it out).
	Request json.RawMessage `json:"request,omitempty"`
}

// AdapterReturned says an adapter call finished.
type AdapterReturned struct {
	Operation string `json:"operation"`
	// Result is the call's return value as JSON; null on error.
	Result json.RawMessage `json:"result,omitempty"`
	// Error is the call's failure, if any.
	Error *adapters.Error `json:"error,omitempty"`
	// LatencyMS is how long the call took, in milliseconds.
	LatencyMS float64 `json:"latency_ms"`
	// HTTP lists the HTTP exchanges the call made, in order.
	HTTP []HTTPExchange `json:"http,omitempty"`
}

// HTTPExchange is one HTTP request and its response, in full: offline
// replay serves it to the real adapters (see docs/flowlog.md).
type HTTPExchange struct {
	Method string `json:"method"`
	// URL is the request URI: the path and the query.
	URL       string          `json:"url"`
	Status    int             `json:"status,omitempty"`
	LatencyMS float64         `json:"latency_ms"`
	Request   json.RawMessage `json:"request_body,omitempty"`
	Response  json.RawMessage `json:"response_body,omitempty"`
	// RequestText and ResponseText mark a body that was not JSON: it is
	// kept as a JSON string holding the body's text.
	RequestText  bool `json:"request_body_text,omitempty"`
	ResponseText bool `json:"response_body_text,omitempty"`
	// ResponseCut says the response body ended in a read error (the
	// connection closed before the whole body came): replay serves the
	// recorded bytes, then the same kind of error.
	ResponseCut bool `json:"response_body_cut,omitempty"`
	// Headers are the request headers that matter (Accept, Content-Type
	// and the secret ones, redacted).
	Headers map[string][]string `json:"request_headers,omitempty"`
	// ResponseHeaders are the response headers that matter
	// (Content-Type, Location, Retry-After and the secret ones, redacted).
	ResponseHeaders map[string][]string `json:"response_headers,omitempty"`
	// Error is why no response came, in the transport's words.
	Error string `json:"error,omitempty"`
	// ErrorCause is the kind of that failure (connection_refused,
	// timeout, ...), so that replay can give the adapter the same kind of
	// error.
	ErrorCause string `json:"error_cause,omitempty"`
}

// EventType implements Event.
func (TransitionMade) EventType() string { return "TransitionMade" }

// EventType implements Event.
func (AdapterCalled) EventType() string { return "AdapterCalled" }

// EventType implements Event.
func (AdapterReturned) EventType() string { return "AdapterReturned" }

// EventKind implements Event.
func (TransitionMade) EventKind() Kind { return KindTransition }

// EventKind implements Event.
func (AdapterCalled) EventKind() Kind { return KindAdapterCall }

// EventKind implements Event.
func (AdapterReturned) EventKind() Kind { return KindAdapterResult }

func init() {
	Register(
		func() Event { return &TransitionMade{} },
		func() Event { return &AdapterCalled{} },
		func() Event { return &AdapterReturned{} },
	)
}

// Redacted implements Redactable: secrets in the request are redacted.
func (e AdapterCalled) Redacted(r Redactor) Event {
	e.Request = RedactJSON(e.Request, r)
	return e
}

// Redacted implements Redactable: secrets in the result, the error's flow
// and every HTTP exchange are redacted.
func (e AdapterReturned) Redacted(r Redactor) Event {
	e.Result = RedactJSON(e.Result, r)
	if strings.HasPrefix(e.Operation, "tokens.") {
		// The token store answers with the bare token: no key marks it.
		var s string
		if json.Unmarshal(e.Result, &s) == nil && s != "" {
			e.Result, _ = json.Marshal(r(s))
		}
	}
	if e.Error != nil && strings.Contains(e.Error.Message, "://") {
		// A transport error names the URL, its query and all.
		copied := *e.Error
		copied.Message = RedactURLsInText(copied.Message, r)
		e.Error = &copied
	}
	if e.Error != nil && e.Error.Flow != nil {
		raw, err := json.Marshal(e.Error)
		if err == nil {
			var copied adapters.Error
			if json.Unmarshal(RedactJSON(raw, r), &copied) == nil {
				e.Error = &copied
			}
		}
	}
	if len(e.HTTP) > 0 {
		ex := make([]HTTPExchange, len(e.HTTP))
		for i, h := range e.HTTP {
			h.URL = RedactURLQuery(h.URL, r)
			h.Error = RedactURLsInText(h.Error, r)
			h.Request = RedactJSON(h.Request, r)
			h.Response = RedactJSON(h.Response, r)
			h.Headers = redactHeaders(h.Headers, r)
			h.ResponseHeaders = redactHeaders(h.ResponseHeaders, r)
			ex[i] = h
		}
		e.HTTP = ex
	}
	return e
}

// redactHeaders returns a copy of hs whose secret headers' values are
// redacted, and the secrets in a Location's query.
func redactHeaders(hs map[string][]string, r Redactor) map[string][]string {
	if len(hs) == 0 {
		return hs
	}
	out := make(map[string][]string, len(hs))
	for k, vs := range hs {
		switch {
		case IsSecretKey(k):
			red := make([]string, len(vs))
			for j, v := range vs {
				red[j] = r(v)
			}
			vs = red
		case strings.EqualFold(k, "location"):
			// A redirect's address: its query's secrets (a code, OAuth's
			// state) by meaning.
			red := make([]string, len(vs))
			for j, v := range vs {
				red[j] = RedactURLQuery(v, r)
			}
			vs = red
		}
		out[k] = vs
	}
	return out
}
