package bus_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// TestCancelledSubscriberGetsNothingPublishedAfter: a subscription whose
// context is cancelled while its handler is busy still handles what was
// in its mailbox, but an event published after the cancel must not reach
// it ("the handler runs until ctx is cancelled"): with a steady stream a
// busy cancelled subscriber would otherwise never stop.
func TestCancelledSubscriberGetsNothingPublishedAfter(t *testing.T) {
	b := newBus(t)
	ctx, cancel := context.WithCancel(context.Background())
	gate := make(chan struct{})
	var handled atomic.Uint64 // highest seq handled
	if err := b.Subscribe(ctx, func(_ context.Context, env events.Envelope) {
		<-gate
		handled.Store(env.Seq)
	}, bus.TopicStates); err != nil {
		t.Fatal(err)
	}
	var other collector
	if err := b.Subscribe(context.Background(), other.handle, bus.TopicStates); err != nil {
		t.Fatal(err)
	}
	publish := func() uint64 {
		env, err := b.Publish(events.RequestStarted{Operation: "op"}, bus.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		return env.Seq
	}
	publish() // the busy one
	publish() // waiting in the mailbox
	cancel()
	// Let the cancellation be seen: the subscription ends once its
	// handler returns; the bus stops counting it only then, so wait for
	// the other subscriber to have the events published after the cancel.
	var lastAfter uint64
	for range 50 {
		lastAfter = publish()
	}
	for {
		other.mu.Lock()
		n := len(other.seqs)
		other.mu.Unlock()
		if n == int(lastAfter) {
			break
		}
		runtime.Gosched()
	}
	close(gate)
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("handled up to seq %d", handled.Load())
	if got := handled.Load(); got > 2 {
		t.Fatalf("the cancelled subscriber handled seq %d, published after its cancel", got)
	}
}
