package bus_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// TestCloseWhilePublishing: Close during a burst from several publishers
// and from handlers that publish delivers every event whose Publish
// succeeded to every subscriber, in order, and never hangs.
func TestCloseWhilePublishing(t *testing.T) {
	for round := range 30 {
		b := newBus(t)
		var ok atomic.Int64
		var all collector
		if err := b.Subscribe(context.Background(), all.handle, bus.TopicIntents, bus.TopicStates, bus.TopicTrace); err != nil {
			t.Fatal(err)
		}
		if err := b.Subscribe(context.Background(), func(_ context.Context, env events.Envelope) {
			if env.Kind == events.KindIntent {
				if _, err := b.Publish(events.RequestStarted{Operation: "echo"}, bus.Meta{}); err == nil {
					ok.Add(1)
				} else if !errors.Is(err, bus.ErrClosed) {
					t.Error(err)
				}
			}
		}, bus.TopicIntents); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 2000 {
					if _, err := b.Publish(events.FieldChanged{Field: "f"}, bus.Meta{}); err != nil {
						if !errors.Is(err, bus.ErrClosed) {
							t.Error(err)
						}
						return
					}
					ok.Add(1)
				}
			}()
		}
		for range round * 50 {
			if _, err := b.Publish(events.TransitionMade{From: "a", Event: "e", To: "b"}, bus.Meta{}); err == nil {
				ok.Add(1)
			}
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		all.mu.Lock()
		got := len(all.seqs)
		for i, s := range all.seqs {
			if s != uint64(i+1) {
				t.Fatalf("round %d: subscriber got seq %d at %d", round, s, i)
			}
		}
		all.mu.Unlock()
		if int64(got) != ok.Load() {
			t.Fatalf("round %d: %d publishes succeeded, the subscriber got %d", round, ok.Load(), got)
		}
	}
}
