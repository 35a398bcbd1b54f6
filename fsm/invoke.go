package fsm

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// call runs one adapter call and traces it: AdapterCalled before,
// AdapterReturned after, with the result, the error and the HTTP exchanges
// the adapter made. Under a Responder the recorded answer is fetched
// first: a WireResponder may have the real adapter run on the recorded
// HTTP exchanges (offline replay); otherwise the adapter is not called and
// the recorded answer is returned. Errors come back as *adapters.Error.
// When no one listens to the trace (no recorder, no viewer), the payloads
// are left out: building them would be work for nothing.
func call[T any](ctx context.Context, m *Machine, op string, request any, do func(context.Context) (T, error)) (T, error) {
	var zero T
	if m.cfg.Responder == nil && !m.cfg.Bus.Subscribed(bus.TopicTrace) {
		return callUntraced(ctx, m, op, do)
	}
	reqJSON, err := marshalRequest(request)
	if err != nil {
		return zero, &adapters.Error{Class: adapters.ClassInternal, Message: fmt.Sprintf("%s: encode request: %v", op, err)}
	}
	m.publish(events.AdapterCalled{Operation: op, Request: reqJSON})

	if m.cfg.Responder != nil {
		rec, err := m.cfg.Responder.Respond(op)
		if err != nil {
			ae := &adapters.Error{Class: adapters.ClassInternal, Message: fmt.Sprintf("replay: %v", err)}
			m.publish(events.AdapterReturned{Operation: op, Error: ae})
			return zero, ae
		}
		wired := false
		if wr, ok := m.cfg.Responder.(WireResponder); ok {
			ctx, wired = wr.Serve(ctx, rec)
		}
		if !wired {
			return answer[T](m, op, rec)
		}
	}

	collector := &httplog.Collector{}
	start := time.Now()
	out, callErr := do(httplog.WithCollector(ctx, collector))
	latency := time.Since(start)
	ret := events.AdapterReturned{
		Operation: op,
		LatencyMS: float64(latency.Microseconds()) / 1000,
		HTTP:      collector.Take(),
	}
	if callErr != nil {
		ae := adapters.AsError(callErr)
		ret.Error = ae
		m.cfg.Secrets.Learn(ret)
		m.publish(ret)
		return out, ae
	}
	if res, err := json.Marshal(out); err == nil {
		ret.Result = res
	}
	// What the call returned (a session token, a TOTP secret, backup
	// codes), and what its HTTP exchanges hold even when cut short, is
	// registered before the result is published.
	m.cfg.Secrets.Learn(ret)
	m.publish(ret)
	return out, nil
}

// answer publishes a recorded answer and returns it as the call's.
func answer[T any](m *Machine, op string, rec events.AdapterReturned) (T, error) {
	var zero T
	m.publish(rec)
	var out T
	if rec.Error == nil && len(rec.Result) > 0 && string(rec.Result) != "null" {
		if err := json.Unmarshal(rec.Result, &out); err != nil {
			return zero, &adapters.Error{Class: adapters.ClassInternal, Message: fmt.Sprintf("replay %s: decode recorded result: %v", op, err)}
		}
	}
	if rec.Error != nil {
		return out, rec.Error
	}
	return out, nil
}

// callUntraced runs an adapter call with a trace of names and outcomes
// only.
func callUntraced[T any](ctx context.Context, m *Machine, op string, do func(context.Context) (T, error)) (T, error) {
	m.publish(events.AdapterCalled{Operation: op})
	start := time.Now()
	out, err := do(ctx)
	if m.cfg.Secrets != nil {
		// Nothing holding the result is published here, but the logger
		// and the screen may still show parts of it.
		if res, merr := json.Marshal(out); merr == nil {
			m.cfg.Secrets.Learn(events.AdapterReturned{Operation: op, Result: res})
		}
	}
	ret := events.AdapterReturned{Operation: op, LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
	if err != nil {
		ae := adapters.AsError(err)
		ret.Error = ae
		m.publish(ret)
		return out, ae
	}
	m.publish(ret)
	return out, nil
}

func marshalRequest(request any) (json.RawMessage, error) {
	if request == nil {
		return nil, nil
	}
	return json.Marshal(request)
}

// tokenRequest is the request of calls that take only a session token.
type tokenRequest struct {
	Token string `json:"token"`
}

// none is the result of calls that return nothing.
type none struct{}
