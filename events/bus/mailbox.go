package bus

import (
	"context"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
)

// mailbox is an unbounded FIFO of envelopes with a blocking take.
type mailbox struct {
	mu     sync.Mutex
	items  []events.Envelope
	closed bool
	notify chan struct{} // has a token while items is non-empty
}

func newMailbox() *mailbox {
	return &mailbox{notify: make(chan struct{}, 1)}
}

// put appends envs, in order; false when the mailbox was discarded.
func (m *mailbox) put(envs []events.Envelope) bool {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return false
	}
	m.items = append(m.items, envs...)
	m.mu.Unlock()
	select {
	case m.notify <- struct{}{}:
	default:
	}
	return true
}

// take returns the oldest envelope, waiting for one; false when ctx ends.
func (m *mailbox) take(ctx context.Context) (events.Envelope, bool) {
	for {
		m.mu.Lock()
		if len(m.items) > 0 {
			env := m.items[0]
			m.items[0] = events.Envelope{}
			m.items = m.items[1:]
			if len(m.items) > 0 {
				select {
				case m.notify <- struct{}{}:
				default:
				}
			}
			m.mu.Unlock()
			return env, true
		}
		m.mu.Unlock()
		select {
		case <-m.notify:
		case <-ctx.Done():
			return events.Envelope{}, false
		}
	}
}

// discard empties and closes the mailbox and says how many envelopes it
// held.
func (m *mailbox) discard() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	n := len(m.items)
	m.items = nil
	return n
}
