package bus_test

import (
	"context"
	"sync"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// TestSubscribeMidBurstGetsEverythingAfter: subscriptions made while
// several publishers publish get every event of their topics published
// after Subscribe returned, in order, none twice; subscriptions cancelled
// meanwhile never hold anyone, and Wait returns.
func TestSubscribeMidBurstGetsEverythingAfter(t *testing.T) {
	b := newBus(t)
	const publishers, each, subs = 4, 3000, 24
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var ev events.Event = events.RequestStarted{Operation: "op"}
				if (i+p)%3 == 0 {
					ev = events.FieldChanged{Field: "email", Value: "x"}
				} else if (i+p)%3 == 1 {
					ev = events.TransitionMade{From: "a", Event: "e", To: "b"}
				}
				if _, err := b.Publish(ev, bus.Meta{}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	type sub struct {
		c      collector
		after  uint64
		topics []string
		cancel context.CancelFunc
	}
	var all []*sub
	topicSets := [][]string{{bus.TopicStates}, {bus.TopicIntents, bus.TopicTrace}, {bus.TopicIntents, bus.TopicStates, bus.TopicTrace}}
	for i := range subs {
		ctx, cancel := context.WithCancel(context.Background())
		s := &sub{topics: topicSets[i%3], cancel: cancel}
		if err := b.Subscribe(ctx, s.c.handle, s.topics...); err != nil {
			t.Fatal(err)
		}
		s.after = b.LastSeq()
		all = append(all, s)
		if i%4 == 3 {
			all[i-1].cancel() // churn: one in four ends mid-burst
			all[i-1].after = ^uint64(0)
		}
	}
	wg.Wait()
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, s := range all {
		if s.after == ^uint64(0) {
			continue
		}
		want := map[events.Kind]bool{}
		for _, tp := range s.topics {
			switch tp {
			case bus.TopicIntents:
				want[events.KindIntent] = true
			case bus.TopicStates:
				want[events.KindState] = true
			case bus.TopicTrace:
				want[events.KindTransition] = true
			}
		}
		var last uint64
		got := map[uint64]bool{}
		for _, env := range s.c.envs {
			if !want[env.Kind] {
				t.Fatalf("sub %d (%v) got a %s event", i, s.topics, env.Kind)
			}
			if env.Seq <= last {
				t.Fatalf("sub %d got seq %d after %d", i, env.Seq, last)
			}
			last = env.Seq
			got[env.Seq] = true
		}
		// Every event after s.after of its topics: check against the
		// full-topic subscriber with the earliest start.
		for _, ref := range all {
			if ref.after == ^uint64(0) || len(ref.topics) != 3 || ref.after > s.after {
				continue
			}
			for _, env := range ref.c.envs {
				if env.Seq > s.after && want[env.Kind] && !got[env.Seq] {
					t.Fatalf("sub %d (subscribed at seq %d, %v) missed seq %d (%s)", i, s.after, s.topics, env.Seq, env.Kind)
				}
			}
			break
		}
	}
}
