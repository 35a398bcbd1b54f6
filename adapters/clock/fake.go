package clock

import (
	"sync"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Fixed is a clock for tests that stands still until it is told to move.
// It is safe for concurrent use.
type Fixed struct {
	mu sync.Mutex
	t  time.Time
}

var _ adapters.Clock = (*Fixed)(nil)

// NewFixed returns a clock that reports t until Set or Advance changes it.
func NewFixed(t time.Time) *Fixed {
	return &Fixed{t: t}
}

// Now returns the clock's current time.
func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set moves the clock to t.
func (f *Fixed) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = t
}

// Advance moves the clock forward by d (backward when d is negative).
func (f *Fixed) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// Stepping is a clock for tests that moves forward by a fixed step on every
// reading. It is safe for concurrent use: with a non-zero step,
// concurrent readers each get a distinct time.
type Stepping struct {
	mu    sync.Mutex
	next  time.Time
	step  time.Duration
	calls int64
}

var _ adapters.Clock = (*Stepping)(nil)

// NewStepping returns a clock whose successive Now calls return start,
// start+step, start+2*step, and so on.
func NewStepping(start time.Time, step time.Duration) *Stepping {
	return &Stepping{next: start, step: step}
}

// Now returns the next time in the sequence.
func (s *Stepping) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.next
	s.next = s.next.Add(s.step)
	s.calls++
	return t
}

// Calls returns how many times Now has been called.
func (s *Stepping) Calls() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}
