package app

import (
	"context"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// Step decides the next intent from the state events seen so far; it
// returns nil to stop.
type Step func(seen []events.Envelope) events.Event

// Script is a UI plugin without a user: it starts the app, then publishes
// what next returns after each quiet point, collecting every state event.
// The status and logout commands use it.
type Script struct {
	Next Step

	mu   sync.Mutex
	seen []events.Envelope
}

// Run implements ui.Plugin.
func (s *Script) Run(ctx context.Context, host ui.Host) error {
	if err := host.Subscribe(ctx, func(env events.Envelope) {
		s.mu.Lock()
		s.seen = append(s.seen, env)
		s.mu.Unlock()
	}); err != nil {
		return err
	}
	intent := events.Event(events.AppStarted{})
	for intent != nil {
		if err := host.Publish(intent); err != nil {
			return err
		}
		if err := host.Wait(ctx); err != nil {
			return err
		}
		if s.Next == nil {
			return nil
		}
		intent = s.Next(s.Seen())
	}
	return nil
}

// Seen returns the state events collected so far.
func (s *Script) Seen() []events.Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]events.Envelope(nil), s.seen...)
}

// Last returns the last state event collected, or nil.
func (s *Script) Last() events.Event {
	seen := s.Seen()
	if len(seen) == 0 {
		return nil
	}
	return seen[len(seen)-1].Event
}
