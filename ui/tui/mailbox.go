package tui

import (
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
)

// mailbox is an unbounded queue of state events: the bus's handler puts
// without ever blocking, the pump takes them in batches.
type mailbox struct {
	mu    sync.Mutex
	queue []events.Event
	wake  chan struct{}
}

func newMailbox() *mailbox {
	return &mailbox{wake: make(chan struct{}, 1)}
}

// put queues ev and wakes the pump; it never blocks.
func (m *mailbox) put(ev events.Event) {
	m.mu.Lock()
	m.queue = append(m.queue, ev)
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// drain returns everything queued, in order.
func (m *mailbox) drain() []events.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.queue
	m.queue = nil
	return out
}
