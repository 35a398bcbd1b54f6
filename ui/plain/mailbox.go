package plain

import (
	"context"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
)

// mailbox is an unbounded queue of state events: the bus's handler puts
// without ever blocking, the UI's loop takes.
type mailbox struct {
	mu    sync.Mutex
	queue []events.Envelope
	ready chan struct{}
}

func newMailbox() *mailbox {
	return &mailbox{ready: make(chan struct{}, 1)}
}

// put queues env; it never blocks.
func (m *mailbox) put(env events.Envelope) {
	m.mu.Lock()
	m.queue = append(m.queue, env)
	m.mu.Unlock()
	select {
	case m.ready <- struct{}{}:
	default:
	}
}

// take waits for the next envelope.
func (m *mailbox) take(ctx context.Context) (events.Envelope, error) {
	for {
		m.mu.Lock()
		if len(m.queue) > 0 {
			env := m.queue[0]
			m.queue = m.queue[1:]
			m.mu.Unlock()
			return env, nil
		}
		m.mu.Unlock()
		select {
		case <-m.ready:
		case <-ctx.Done():
			return events.Envelope{}, ctx.Err()
		}
	}
}

// drain returns everything queued.
func (m *mailbox) drain() []events.Envelope {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.queue
	m.queue = nil
	return out
}

// waitQueued returns when an envelope is queued (without taking it) or
// ctx ends.
func (m *mailbox) waitQueued(ctx context.Context) {
	for {
		m.mu.Lock()
		n := len(m.queue)
		m.mu.Unlock()
		if n > 0 {
			// Leave the signal for take.
			select {
			case m.ready <- struct{}{}:
			default:
			}
			return
		}
		select {
		case <-m.ready:
		case <-ctx.Done():
			return
		}
	}
}
