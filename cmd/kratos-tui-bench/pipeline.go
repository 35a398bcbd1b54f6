package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	looplab "github.com/looplab/fsm"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/memory"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// cycleIntents is one sign-in/sign-out cycle as a UI publishes it.
func cycleIntents() []events.Event {
	return []events.Event{
		events.LoginFlowRequested{},
		events.SignInSubmitted{Identifier: benchEmail, Password: benchPassword},
		events.SignOutRequested{},
	}
}

// cycleTransitions are the machine events one cycle takes.
var cycleTransitions = []string{
	fsm.EventLoginFlowRequested, fsm.EventLoginFlowCreated,
	fsm.EventSignInSubmitted, fsm.EventSignInSucceeded,
	fsm.EventSignOutRequested, fsm.EventSignOutSucceeded,
}

const (
	benchEmail    = "bench@example.com"
	benchPassword = "bench-password-123"
)

// pipelineResult is the cost of the bus and the state machine.
type pipelineResult struct {
	cycles  int
	events  uint64
	elapsed time.Duration
}

func (r pipelineResult) perEvent() time.Duration {
	return r.elapsed / time.Duration(r.events)
}

// measurePipeline runs cycles sign-in/sign-out cycles through the bus and
// the state machine with in-memory adapters and a subscriber on the states
// topic standing for the UI; it counts every event the bus carried.
func measurePipeline(cycles int) (pipelineResult, error) {
	b, err := bus.New(bus.Options{Clock: clock.System{}, IDs: clock.RandomIDs{}})
	if err != nil {
		return pipelineResult{}, err
	}
	defer b.Close()
	k := memory.NewKratos()
	k.AddUser(benchEmail, benchPassword)
	m, err := fsm.New(fsm.Config{Bus: b, Kratos: k, Sessions: k, Tokens: tokenstore.NewMemory()})
	if err != nil {
		return pipelineResult{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := m.Start(ctx); err != nil {
		return pipelineResult{}, err
	}
	if err := b.Subscribe(ctx, func(context.Context, events.Envelope) {}, bus.TopicStates); err != nil {
		return pipelineResult{}, err
	}
	if _, err := b.Publish(events.AppStarted{}, bus.Meta{}); err != nil {
		return pipelineResult{}, err
	}
	if err := b.Wait(ctx); err != nil {
		return pipelineResult{}, err
	}
	before := b.LastSeq()
	start := time.Now()
	for range cycles {
		for _, intent := range cycleIntents() {
			if _, err := b.Publish(intent, bus.Meta{}); err != nil {
				return pipelineResult{}, err
			}
		}
	}
	if err := b.Wait(ctx); err != nil {
		return pipelineResult{}, err
	}
	elapsed := time.Since(start)
	if m.State() != fsm.StateUnauthenticated {
		return pipelineResult{}, fmt.Errorf("pipeline ended in state %s, want %s", m.State(), fsm.StateUnauthenticated)
	}
	return pipelineResult{cycles: cycles, events: b.LastSeq() - before, elapsed: elapsed}, nil
}

// measureBareFSM runs the same transitions on a bare looplab/fsm and
// returns the time per transition.
func measureBareFSM(cycles int) (time.Duration, error) {
	f := looplab.NewFSM(fsm.StateUnauthenticated, fsm.Transitions, looplab.Callbacks{})
	ctx := context.Background()
	start := time.Now()
	for range cycles {
		for _, ev := range cycleTransitions {
			if err := f.Event(ctx, ev); err != nil {
				return 0, fmt.Errorf("bare fsm %s: %w", ev, err)
			}
		}
	}
	return time.Since(start) / time.Duration(cycles*len(cycleTransitions)), nil
}

// measureGoChannel returns the time of one bare gochannel publish/ack round
// trip with one subscriber, as the bus configures it.
func measureGoChannel(n int) (time.Duration, error) {
	ps := gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, watermill.NopLogger{})
	defer ps.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := ps.Subscribe(ctx, "t")
	if err != nil {
		return 0, err
	}
	go func() {
		for msg := range ch {
			msg.Ack()
		}
	}()
	payload := []byte(`{"seq":1,"type":"RequestStarted","data":{"operation":"sign_in"}}`)
	start := time.Now()
	for i := range n {
		if err := ps.Publish("t", message.NewMessage(fmt.Sprint(i), payload)); err != nil {
			return 0, err
		}
	}
	return time.Since(start) / time.Duration(n), nil
}
