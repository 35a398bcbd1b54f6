package replay

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// fakeKratos is an in-memory Kratos for benchmarks and offline tests: one
// user, password "right-password"; tokens are counted.
type fakeKratos struct {
	mu    sync.Mutex
	flows int
	toks  int
}

func (k *fakeKratos) flow(kind string) *adapters.Flow {
	k.mu.Lock()
	k.flows++
	n := k.flows
	k.mu.Unlock()
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	return &adapters.Flow{ID: fmt.Sprintf("%s-flow-%d", kind, n), Type: "api", State: "choose_method", ExpiresAt: &exp,
		UI: adapters.UI{Action: "http://kratos.invalid/self-service/" + kind, Method: "POST", Nodes: []adapters.Node{
			{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "identifier", Type: "text", Required: true}},
			{Type: "input", Group: "password", Attributes: adapters.NodeAttributes{Name: "password", Type: "password", Required: true}},
		}}}
}

// CreateLoginFlow implements adapters.Kratos.
func (k *fakeKratos) CreateLoginFlow(context.Context) (*adapters.Flow, error) {
	return k.flow("login"), nil
}

// CreateRegistrationFlow implements adapters.Kratos.
func (k *fakeKratos) CreateRegistrationFlow(context.Context) (*adapters.Flow, error) {
	return k.flow("registration"), nil
}

func (k *fakeKratos) session(email string) *adapters.Session {
	k.mu.Lock()
	k.toks++
	n := k.toks
	k.mu.Unlock()
	return &adapters.Session{Token: fmt.Sprintf("fake-session-token-%08d", n), ID: fmt.Sprintf("session-%d", n),
		IdentityID: "identity-1", Email: email, AAL: "aal1"}
}

// SubmitLogin implements adapters.Kratos.
func (k *fakeKratos) SubmitLogin(_ context.Context, req adapters.LoginRequest) (*adapters.Session, error) {
	if req.Password != "right-password" {
		f := k.flow("login")
		f.UI.Messages = []adapters.Message{{ID: 4000006, Type: "error", Text: "The provided credentials are invalid."}}
		return nil, &adapters.Error{Class: adapters.ClassValidation, Status: 400, Message: "invalid credentials", Flow: f}
	}
	return k.session(req.Identifier), nil
}

// SubmitRegistration implements adapters.Kratos.
func (k *fakeKratos) SubmitRegistration(_ context.Context, req adapters.RegistrationRequest) (*adapters.Session, error) {
	email, _ := req.Traits["email"].(string)
	return k.session(email), nil
}

// Whoami implements adapters.Kratos.
func (k *fakeKratos) Whoami(context.Context, string) (*adapters.Session, error) {
	return nil, &adapters.Error{Class: adapters.ClassUnauthorized, Status: 401, Message: "no session"}
}

// CurrentSession implements adapters.SessionSource.
func (k *fakeKratos) CurrentSession(ctx context.Context, token string) (*adapters.Session, error) {
	return k.Whoami(ctx, token)
}

// Logout implements adapters.Kratos.
func (k *fakeKratos) Logout(context.Context, string) error { return nil }

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
	k := &fakeKratos{}
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
