package clock

import (
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// RandomIDs makes random UUIDs. The zero value makes version 4 UUIDs; set
// V7 to make time-ordered version 7 UUIDs instead. It is safe for
// concurrent use.
type RandomIDs struct {
	// V7 selects UUID version 7 (time-ordered) instead of version 4.
	V7 bool
}

var _ adapters.IDSource = RandomIDs{}

// NewID returns a new UUID in its canonical 36-character text form.
func (r RandomIDs) NewID() string {
	if r.V7 {
		// NewV7 fails only when the system random source fails, in which
		// case New below panics just as it would for version 4.
		if id, err := uuid.NewV7(); err == nil {
			return id.String()
		}
	}
	return uuid.New().String()
}

// Sequential makes predictable identifiers for tests and replays: the
// prefix, a dash, and a six-digit counter starting at 1. It is safe for
// concurrent use.
type Sequential struct {
	mu     sync.Mutex
	prefix string
	n      uint64
}

var _ adapters.IDSource = (*Sequential)(nil)

// SequentialIDs returns a source whose NewID returns "prefix-000001",
// "prefix-000002", and so on. The counter widens past 999999. With an empty
// prefix the identifiers are the bare counter, "000001" and so on.
func SequentialIDs(prefix string) *Sequential {
	return &Sequential{prefix: prefix}
}

// NewID returns the next identifier in the sequence.
func (s *Sequential) NewID() string {
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	if s.prefix == "" {
		return fmt.Sprintf("%06d", n)
	}
	return fmt.Sprintf("%s-%06d", s.prefix, n)
}
