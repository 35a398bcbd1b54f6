package main

import (
	"context"
	"fmt"
	"os"
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
	"github.com/kratos-tui/kratos-tui/events/flowlog"
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
// topic standing for the UI; it counts every event the bus carried. The
// machine has the run's registry of secrets, as the client always gives it
// (app.RunWith), with or without --record. With record, a flow log
// recorder writes every event to a temporary file, redacting with that
// registry as --record does, and the clock stops when the last record is
// written to the operating system. With interactive, each intent is
// published only once the previous one was handled, as a user would.
func measurePipeline(cycles int, record, interactive bool) (pipelineResult, error) {
	b, err := bus.New(bus.Options{Clock: clock.System{}, IDs: clock.RandomIDs{}})
	if err != nil {
		return pipelineResult{}, err
	}
	defer b.Close()
	secrets := events.NewSecrets()
	var rec *flowlog.Recorder
	if record {
		var cleanup func()
		if rec, cleanup, err = tempRecorder(secrets); err != nil {
			return pipelineResult{}, err
		}
		defer cleanup()
		if err := rec.Attach(context.Background(), b); err != nil {
			return pipelineResult{}, err
		}
	}
	k := memory.NewKratos()
	k.AddUser(benchEmail, benchPassword)
	m, err := fsm.New(fsm.Config{Bus: b, Kratos: k, Sessions: k, Tokens: tokenstore.NewMemory(), Secrets: secrets})
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
			if interactive {
				if err := b.Wait(ctx); err != nil {
					return pipelineResult{}, err
				}
			}
		}
	}
	if err := b.Wait(ctx); err != nil {
		return pipelineResult{}, err
	}
	if rec != nil {
		if err := rec.Flush(ctx); err != nil {
			return pipelineResult{}, err
		}
	}
	elapsed := time.Since(start)
	if m.State() != fsm.StateUnauthenticated {
		return pipelineResult{}, fmt.Errorf("pipeline ended in state %s, want %s", m.State(), fsm.StateUnauthenticated)
	}
	return pipelineResult{cycles: cycles, events: b.LastSeq() - before, elapsed: elapsed}, nil
}

// tempRecorder returns a recorder writing a flow log to a temporary file,
// redacting with the run's registry of secrets as --record does, and a
// function that closes it and removes the file.
func tempRecorder(secrets *events.Secrets) (*flowlog.Recorder, func(), error) {
	f, err := os.CreateTemp("", "kratos-tui-bench-*.flowlog")
	if err != nil {
		return nil, nil, err
	}
	name := f.Name()
	_ = f.Close()
	red := flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: secrets})
	w, err := flowlog.Create(name, flowlog.NewHeader("bench", time.Now()), flowlog.WithRedactor(red))
	if err != nil {
		_ = os.Remove(name)
		return nil, nil, err
	}
	rec := flowlog.NewRecorder(w)
	return rec, func() { _ = rec.Close(); _ = os.Remove(name) }, nil
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

// benchPipeline measures the bus and the state machine per event, without
// and with a recorder writing to a file, beside a bare gochannel
// publish/ack round trip and a bare looplab/fsm transition, interleaved,
// reps times.
func benchPipeline(cycles, reps int) func(context.Context, *report) error {
	return func(_ context.Context, r *report) error {
		var plain, recorded, goch, bareFSM []time.Duration
		var events uint64
		for i := range reps + 1 { // the first round warms up
			var p, pr pipelineResult
			var g, f time.Duration
			var err error
			// Rotate the order so that none always runs first.
			for k := range 4 {
				switch (i + k) % 4 {
				case 0:
					p, err = measurePipeline(cycles, false, false)
				case 1:
					pr, err = measurePipeline(cycles, true, false)
				case 2:
					g, err = measureGoChannel(cycles * 25)
				case 3:
					f, err = measureBareFSM(cycles * 10)
				}
				if err != nil {
					return err
				}
			}
			if pr.events != p.events {
				return fmt.Errorf("pipeline carried %d events with the recorder, %d without", pr.events, p.events)
			}
			if i == 0 {
				continue
			}
			events = p.events
			plain, recorded = append(plain, p.perEvent()), append(recorded, pr.perEvent())
			goch, bareFSM = append(goch, g), append(bareFSM, f)
		}
		g := spreadUS(goch)
		pl, rc := spreadUS(plain), spreadUS(recorded)
		plainRatio := spreadOf(ratios(usAll(plain), usAll(goch)))
		recRatio := spreadOf(ratios(usAll(recorded), usAll(goch)))
		r.row("pipeline per event, file recorder subscribed (bus + fsm + recorder, in-memory adapters, until written)", rc.unit("us"), "gochannel publish/ack "+g.unit("us"), recRatio.String(), goalMet(recRatio.med, 1.5))
		r.row("pipeline per event, no recorder", pl.unit("us"), "gochannel publish/ack", plainRatio.String(), goalMet(plainRatio.med, 1.5))
		r.row("bare looplab/fsm per transition", spreadUS(bareFSM).unit("us"))
		r.row("events per sign-in/out cycle", fmt.Sprintf("%.1f", float64(events)/float64(cycles)))
		r.spreadFigure("pipeline_recording_per_event_us", rc)
		r.spreadFigure("pipeline_per_event_us", pl)
		r.spreadFigure("gochannel_roundtrip_us", g)
		r.spreadFigure("bare_fsm_transition_us", spreadUS(bareFSM))
		r.spreadFigure("pipeline_recording_vs_gochannel_ratio", recRatio)
		r.spreadFigure("pipeline_vs_gochannel_ratio", plainRatio)
		return nil
	}
}

func usAll(ds []time.Duration) []float64 {
	f := make([]float64, len(ds))
	for i, d := range ds {
		f[i] = us(d)
	}
	return f
}
