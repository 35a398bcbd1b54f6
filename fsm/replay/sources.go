package replay

import (
	"fmt"
	"sync"
	"time"
)

// recordedClock returns the recorded times in order; past the end it keeps
// counting a nanosecond at a time from the last one.
type recordedClock struct {
	w *window

	mu    sync.Mutex
	last  time.Time
	extra int
}

// Now implements adapters.Clock.
func (c *recordedClock) Now() time.Time {
	t, ok := take(c.w, &c.w.times)
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok {
		c.last = t
		return t
	}
	c.extra++
	return c.last.Add(time.Duration(c.extra) * time.Nanosecond)
}

// recordedIDs returns the recorded ids in order, then made-up ones.
type recordedIDs struct {
	w *window

	mu    sync.Mutex
	extra int
}

// NewID implements adapters.IDSource.
func (s *recordedIDs) NewID() string {
	if id, ok := take(s.w, &s.w.ids); ok {
		return id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extra++
	return fmt.Sprintf("replay-unrecorded-%06d", s.extra)
}
