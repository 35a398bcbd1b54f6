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

// HTTPExchange is one HTTP request and its response, as traced.
type HTTPExchange struct {
	Method    string              `json:"method"`
	URL       string              `json:"url"`
	Status    int                 `json:"status,omitempty"`
	LatencyMS float64             `json:"latency_ms"`
	Request   json.RawMessage     `json:"request_body,omitempty"`
	Response  json.RawMessage     `json:"response_body,omitempty"`
	Headers   map[string][]string `json:"request_headers,omitempty"`
	Error     string              `json:"error,omitempty"`
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
			h.Request = RedactJSON(h.Request, r)
			h.Response = RedactJSON(h.Response, r)
			if len(h.Headers) > 0 {
				hs := make(map[string][]string, len(h.Headers))
				for k, vs := range h.Headers {
					if IsSecretKey(k) {
						red := make([]string, len(vs))
						for j, v := range vs {
							red[j] = r(v)
						}
						vs = red
					}
					hs[k] = vs
				}
				h.Headers = hs
			}
			ex[i] = h
		}
		e.HTTP = ex
	}
	return e
}
