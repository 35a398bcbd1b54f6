package flowlog

import (
	"context"
	"fmt"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// Recorder writes every event of a bus to a flow log, in the bus's order.
type Recorder struct {
	w *Writer

	mu  sync.Mutex
	err error
}

// NewRecorder returns a recorder writing to w.
func NewRecorder(w *Writer) *Recorder {
	return &Recorder{w: w}
}

// Attach subscribes the recorder to every topic of b. Its signature is
// that of an app.Config observer.
func (r *Recorder) Attach(ctx context.Context, b *bus.Bus) error {
	if err := b.Subscribe(ctx, r.handle, bus.TopicIntents, bus.TopicStates, bus.TopicTrace); err != nil {
		return fmt.Errorf("flow log recorder: %w", err)
	}
	return nil
}

func (r *Recorder) handle(_ context.Context, env events.Envelope) {
	if err := r.w.Write(env); err != nil {
		r.mu.Lock()
		if r.err == nil {
			r.err = err
		}
		r.mu.Unlock()
	}
}

// Err returns the first write failure, if any.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close closes the log and returns the first failure of the recording.
func (r *Recorder) Close() error {
	cerr := r.w.Close()
	if err := r.Err(); err != nil {
		return err
	}
	return cerr
}
