package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"time"
)

var (
	registryMu sync.RWMutex
	registry   = map[string]func() Event{}
)

// Register adds event types to the registry so that the codec can decode
// them. Each factory must return a pointer to a zero value. Registering a
// type name twice panics: it is a programming error found at start-up.
func Register(factories ...func() Event) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, f := range factories {
		name := f().EventType()
		if _, dup := registry[name]; dup {
			panic(fmt.Sprintf("events: type %q registered twice", name))
		}
		registry[name] = f
	}
}

// New returns a new zero event of the registered type name.
func New(typeName string) (Event, error) {
	registryMu.RLock()
	f, ok := registry[typeName]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown event type %q", typeName)
	}
	return f(), nil
}

// Types returns the registered type names, sorted.
func Types() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// wireEnvelope is the JSON form of an Envelope.
type wireEnvelope struct {
	Seq           uint64          `json:"seq"`
	ID            string          `json:"id"`
	Kind          Kind            `json:"kind"`
	Type          string          `json:"type"`
	Time          time.Time       `json:"time"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	FlowID        string          `json:"flow_id,omitempty"`
	Data          json.RawMessage `json:"data"`
}

// Marshal encodes an envelope and its event as one JSON object, the event
// under "data".
func Marshal(env Envelope) ([]byte, error) {
	if env.Event == nil {
		return nil, fmt.Errorf("marshal envelope %d: no event", env.Seq)
	}
	data, err := json.Marshal(env.Event)
	if err != nil {
		return nil, fmt.Errorf("marshal %s event: %w", env.Event.EventType(), err)
	}
	w := wireEnvelope{
		Seq: env.Seq, ID: env.ID, Kind: env.Event.EventKind(), Type: env.Event.EventType(),
		Time: env.Time, CorrelationID: env.CorrelationID, CausationID: env.CausationID,
		FlowID: env.FlowID, Data: data,
	}
	out, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("marshal envelope %d: %w", env.Seq, err)
	}
	return out, nil
}

// Unmarshal decodes an envelope written by Marshal. Unknown fields are
// ignored; an unknown event type, or data that does not fit the type, is an
// error.
func Unmarshal(b []byte) (Envelope, error) {
	var w wireEnvelope
	if err := json.Unmarshal(b, &w); err != nil {
		return Envelope{}, fmt.Errorf("decode envelope: %w", err)
	}
	if w.Type == "" {
		return Envelope{}, fmt.Errorf("decode envelope: no event type")
	}
	ev, err := New(w.Type)
	if err != nil {
		return Envelope{}, fmt.Errorf("decode envelope %d: %w", w.Seq, err)
	}
	if len(w.Data) > 0 && !bytes.Equal(w.Data, []byte("null")) {
		if err := json.Unmarshal(w.Data, ev); err != nil {
			return Envelope{}, fmt.Errorf("decode %s event %d: %w", w.Type, w.Seq, err)
		}
	}
	if w.Kind != "" && w.Kind != ev.EventKind() {
		return Envelope{}, fmt.Errorf("decode %s event %d: kind %q, want %q", w.Type, w.Seq, w.Kind, ev.EventKind())
	}
	return Envelope{
		Seq: w.Seq, ID: w.ID, Kind: ev.EventKind(), Type: w.Type, Time: w.Time,
		CorrelationID: w.CorrelationID, CausationID: w.CausationID, FlowID: w.FlowID,
		Event: deref(ev),
	}, nil
}

// DecodeEvent decodes the data of one event of the given type. It is what a
// UI uses to read an intent written as {"type": ..., "data": {...}}.
func DecodeEvent(typeName string, data []byte) (Event, error) {
	ev, err := New(typeName)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 && !bytes.Equal(data, []byte("null")) {
		if err := json.Unmarshal(data, ev); err != nil {
			return nil, fmt.Errorf("decode %s: %w", typeName, err)
		}
	}
	return deref(ev), nil
}

// deref turns the pointer a factory made back into the value type that
// publishers use, so that a decoded event compares equal to the original.
func deref(ev Event) Event {
	v := reflect.ValueOf(ev)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if e, ok := v.Elem().Interface().(Event); ok {
			return e
		}
	}
	return ev
}
