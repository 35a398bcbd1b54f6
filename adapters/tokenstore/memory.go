// Package tokenstore implements the adapters.TokenStore port: the OS
// keyring, a permission-checked file, and an in-memory store for tests.
// Open picks the best one available on this machine.
package tokenstore

import (
	"sync"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Memory keeps the token in memory only; it is lost when the process
// ends. It is meant for tests and is safe for concurrent use.
type Memory struct {
	mu    sync.Mutex
	token string
}

var _ adapters.TokenStore = (*Memory)(nil)

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory {
	return &Memory{}
}

// Load returns the stored token, or "" when none is stored.
func (m *Memory) Load() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.token, nil
}

// Save stores the token, replacing any earlier one.
func (m *Memory) Save(token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.token = token
	return nil
}

// Delete forgets the stored token.
func (m *Memory) Delete() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.token = ""
	return nil
}
