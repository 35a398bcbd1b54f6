package ui

import "sync"

// interrupt is the handler a UI offers for Ctrl-C while it can use it
// (the plain UI abandons a call in flight), or nil.
var interrupt struct {
	mu      sync.Mutex
	handler func()
}

// HandleInterrupts makes f the handler of Ctrl-C (SIGINT) until release
// is called: the client then goes on instead of ending.
func HandleInterrupts(f func()) (release func()) {
	interrupt.mu.Lock()
	interrupt.handler = f
	interrupt.mu.Unlock()
	return func() {
		interrupt.mu.Lock()
		interrupt.handler = nil
		interrupt.mu.Unlock()
	}
}

// Interrupted is called on Ctrl-C (SIGINT): it runs the handler a UI set
// and reports true, or reports false when none is set (the client ends,
// exit status 130).
func Interrupted() bool {
	interrupt.mu.Lock()
	f := interrupt.handler
	interrupt.mu.Unlock()
	if f == nil {
		return false
	}
	f()
	return true
}
