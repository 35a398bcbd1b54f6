// Package events defines the typed events of kratos-tui, the envelope every
// event travels in, and a JSON codec with a registry of event types.
//
// There are five kinds of event: intents (what the user asked for, published
// by a UI), state events (what the UI shows, published by the state machine),
// transitions of the state machine, and adapter calls and results. Every
// type is named as a fact in the past tense.
package events

import (
	"time"
)

// Kind says which part of the system an event comes from.
type Kind string

// The kinds of event.
const (
	// KindIntent is a user's request, published by a UI plugin.
	KindIntent Kind = "intent"
	// KindState is what the UI should show, published by the state machine.
	KindState Kind = "state"
	// KindTransition is a transition of the state machine.
	KindTransition Kind = "transition"
	// KindAdapterCall is a call from the state machine to an adapter.
	KindAdapterCall Kind = "adapter_call"
	// KindAdapterResult is the answer of an adapter call.
	KindAdapterResult Kind = "adapter_result"
)

// Event is implemented by every event type.
type Event interface {
	// EventType returns the event's registered type name, e.g.
	// "SignInSubmitted".
	EventType() string
	// EventKind returns the kind of the event.
	EventKind() Kind
}

// FlowStarter is implemented by intents that begin a new user flow; such an
// intent gets a fresh correlation id, the others continue the current one.
type FlowStarter interface {
	// StartsFlow reports whether the intent begins a new user flow.
	StartsFlow() bool
}

// Envelope carries one event with the metadata of the run it belongs to.
type Envelope struct {
	// Seq is the event's number in the run: 1, 2, 3... without gaps.
	Seq uint64 `json:"seq"`
	// ID identifies the event; causation ids refer to it.
	ID string `json:"id"`
	// Kind is the event's kind.
	Kind Kind `json:"kind"`
	// Type is the event's registered type name.
	Type string `json:"type"`
	// Time is when the event was published, from the injected clock.
	Time time.Time `json:"time"`
	// CorrelationID is shared by every event of one user flow.
	CorrelationID string `json:"correlation_id,omitempty"`
	// CausationID is the ID of the event that caused this one.
	CausationID string `json:"causation_id,omitempty"`
	// FlowID is the Kratos flow the event concerns, if any.
	FlowID string `json:"flow_id,omitempty"`
	// Event is the typed event.
	Event Event `json:"-"`
}
