package replay

import (
	"context"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/memory"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// cycle is the intents of one sign-in/sign-out round; about 25 events.
func cycle() []events.Event {
	return []events.Event{
		events.LoginFlowRequested{},
		events.SignInSubmitted{Identifier: "bench@example.com", Password: "wrong-password"},
		events.FieldChanged{Field: "password"},
		events.SignInSubmitted{Identifier: "bench@example.com", Password: "right-password"},
		events.SignOutRequested{},
	}
}

// generate runs the state machine with in-memory adapters, publishing
// AppStarted then sign-in/sign-out rounds until at least n events were
// published, recording to w when it is not nil. It returns the number of
// events published.
func generate(ctx context.Context, w io.Writer, n int) (int, error) {
	b, err := bus.New(bus.Options{
		Clock: clock.NewStepping(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Millisecond),
		IDs:   clock.SequentialIDs("ev"), Logger: zerolog.Nop(),
	})
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer b.Close()
	var rec *flowlog.Recorder
	if w != nil {
		fw, err := flowlog.NewWriter(w, flowlog.NewHeader("bench", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
		if err != nil {
			return 0, err
		}
		rec = flowlog.NewRecorder(fw)
		if err := rec.Attach(ctx, b); err != nil {
			return 0, err
		}
	}
	k := memory.NewKratos()
	k.AddUser("bench@example.com", "right-password")
	m, err := fsm.New(fsm.Config{Bus: b, Kratos: k, Sessions: k, Tokens: tokenstore.NewMemory(), Logger: zerolog.Nop()})
	if err != nil {
		return 0, err
	}
	if err := m.Start(ctx); err != nil {
		return 0, err
	}
	publish := func(ev events.Event) error {
		if _, err := b.Publish(ev, bus.Meta{}); err != nil {
			return err
		}
		return b.Wait(ctx)
	}
	if err := publish(events.AppStarted{}); err != nil {
		return 0, err
	}
	for int(b.LastSeq()) < n {
		for _, ev := range cycle() {
			if err := publish(ev); err != nil {
				return 0, err
			}
		}
	}
	if rec != nil {
		if err := rec.Close(); err != nil {
			return 0, err
		}
	}
	return int(b.LastSeq()), nil
}
