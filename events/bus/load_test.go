package bus_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// TestLoadBurstKeepsOrder publishes a burst of 100,000 events (intents and
// states, from four publishers at once) and checks that a subscriber of
// both topics sees every one exactly once in seq order, and that the
// subscriber of one topic sees all of that topic, in order.
func TestLoadBurstKeepsOrder(t *testing.T) {
	const total = 100_000
	const publishers = 4
	b := newBus(t)
	var (
		mu       sync.Mutex
		all      []uint64
		states   int
		lastSt   uint64
		disorder int
	)
	lost := total
	reliability.Report(t, reliability.SuiteBus, func(r *reliability.Record) {
		r.Events, r.EventsLost = total, lost
		r.Tried, r.Survived = 1, 0
		if !t.Failed() {
			r.Survived = 1
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.Subscribe(ctx, func(_ context.Context, env events.Envelope) {
		mu.Lock()
		all = append(all, env.Seq)
		mu.Unlock()
	}, bus.TopicIntents, bus.TopicStates); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(ctx, func(_ context.Context, env events.Envelope) {
		mu.Lock()
		if env.Seq <= lastSt {
			disorder++
		}
		lastSt = env.Seq
		states++
		mu.Unlock()
	}, bus.TopicStates); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			for i := range total / publishers {
				var ev events.Event = events.RequestStarted{Operation: strconv.Itoa(i)}
				if i%2 == 1 {
					ev = events.FieldChanged{Field: "identifier", Value: strconv.Itoa(p)}
				}
				if _, err := b.Publish(ev, bus.Meta{}); err != nil {
					t.Errorf("publish: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	waitCtx, stop := context.WithTimeout(context.Background(), 5*time.Minute)
	defer stop()
	if err := b.Wait(waitCtx); err != nil {
		t.Fatalf("wait: %v", err)
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	missing := 0
	for i, seq := range all {
		if seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d: lost or out of order", i, seq)
		}
	}
	if len(all) != total {
		missing = total - len(all)
		t.Errorf("subscriber saw %d of %d events", len(all), total)
	}
	if states != total/2 || disorder != 0 {
		t.Errorf("state subscriber saw %d of %d states, %d out of order", states, total/2, disorder)
	}
	lost = missing + disorder
	if missing < 0 {
		lost = -missing
	}
	t.Logf("%d events in %s (%.0f/s)", total, elapsed, float64(total)/elapsed.Seconds())
}
