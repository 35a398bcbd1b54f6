package replay

import (
	"fmt"
	"sync"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
)

// recordedClock returns the recorded times in order; past the end it keeps
// counting a nanosecond at a time from the last one.
type recordedClock struct {
	mu    sync.Mutex
	times []time.Time
	next  int
}

// Now implements adapters.Clock.
func (c *recordedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := c.next
	c.next++
	if i < len(c.times) {
		return c.times[i]
	}
	var last time.Time
	if len(c.times) > 0 {
		last = c.times[len(c.times)-1]
	}
	return last.Add(time.Duration(i-len(c.times)+1) * time.Nanosecond)
}

// recordedIDs returns the recorded ids in order, then made-up ones.
type recordedIDs struct {
	mu   sync.Mutex
	ids  []string
	next int
}

// NewID implements adapters.IDSource.
func (s *recordedIDs) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.next
	s.next++
	if i < len(s.ids) {
		return s.ids[i]
	}
	return fmt.Sprintf("replay-unrecorded-%06d", i-len(s.ids)+1)
}

// responder answers adapter calls from the recorded results, in order.
type responder struct {
	mu      sync.Mutex
	results []events.AdapterReturned
	next    int
	err     error
}

// Respond implements fsm.Responder. The operation must be the recorded
// one; the request is compared by the AdapterCalled record itself.
func (r *responder) Respond(op string) (events.AdapterReturned, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := r.next
	r.next++
	var err error
	switch {
	case i >= len(r.results):
		err = fmt.Errorf("adapter call %d (%s) was not recorded: the recording has %d adapter calls", i+1, op, len(r.results))
	case r.results[i].Operation != op:
		err = fmt.Errorf("adapter call %d is %s, but the recording has %s", i+1, op, r.results[i].Operation)
	}
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		return events.AdapterReturned{}, err
	}
	return r.results[i], nil
}

func (r *responder) firstErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
