package fsm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/fsm"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeKratos answers from its fields; unset answers are an internal error.
type fakeKratos struct {
	loginFlow, registrationFlow func() (*adapters.Flow, error)
	submitLogin                 func(adapters.LoginRequest) (*adapters.Session, error)
	submitRegistration          func(adapters.RegistrationRequest) (*adapters.Session, error)
	whoami                      func(string) (*adapters.Session, error)
	logout                      func(string) error
}

var errUnset = &adapters.Error{Class: adapters.ClassInternal, Message: "not set in test"}

func (f *fakeKratos) CreateLoginFlow(context.Context) (*adapters.Flow, error) {
	if f.loginFlow == nil {
		return nil, errUnset
	}
	return f.loginFlow()
}

func (f *fakeKratos) CreateRegistrationFlow(context.Context) (*adapters.Flow, error) {
	if f.registrationFlow == nil {
		return nil, errUnset
	}
	return f.registrationFlow()
}

func (f *fakeKratos) SubmitLogin(_ context.Context, r adapters.LoginRequest) (*adapters.Session, error) {
	if f.submitLogin == nil {
		return nil, errUnset
	}
	return f.submitLogin(r)
}

func (f *fakeKratos) SubmitRegistration(_ context.Context, r adapters.RegistrationRequest) (*adapters.Session, error) {
	if f.submitRegistration == nil {
		return nil, errUnset
	}
	return f.submitRegistration(r)
}

func (f *fakeKratos) Whoami(_ context.Context, t string) (*adapters.Session, error) {
	if f.whoami == nil {
		return nil, errUnset
	}
	return f.whoami(t)
}

func (f *fakeKratos) CurrentSession(ctx context.Context, t string) (*adapters.Session, error) {
	return f.Whoami(ctx, t)
}

func (f *fakeKratos) Logout(_ context.Context, t string) error {
	if f.logout == nil {
		return errUnset
	}
	return f.logout(t)
}

type harness struct {
	t      *testing.T
	bus    *bus.Bus
	m      *fsm.Machine
	tokens *tokenstore.Memory
	mu     sync.Mutex
	seen   []events.Envelope
}

func newHarness(t *testing.T, k *fakeKratos) *harness {
	return newHarnessWith(t, k, nil)
}

func newHarnessWith(t *testing.T, k *fakeKratos, self adapters.SelfService) *harness {
	t.Helper()
	b, err := bus.New(bus.Options{Clock: clock.NewStepping(time.Unix(0, 0).UTC(), time.Second), IDs: clock.SequentialIDs("id")})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, bus: b, tokens: tokenstore.NewMemory()}
	m, err := fsm.New(fsm.Config{Bus: b, Kratos: k, Sessions: k, Tokens: h.tokens, SelfService: self})
	if err != nil {
		t.Fatal(err)
	}
	h.m = m
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Subscribe(ctx, func(_ context.Context, env events.Envelope) {
		h.mu.Lock()
		h.seen = append(h.seen, env)
		h.mu.Unlock()
	}, bus.TopicStates, bus.TopicTrace); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return h
}

// send publishes an intent, waits until everything it caused is handled,
// and returns the state events it caused.
func (h *harness) send(intent events.Event) []events.Event {
	h.t.Helper()
	h.mu.Lock()
	from := len(h.seen)
	h.mu.Unlock()
	if _, err := h.bus.Publish(intent, bus.Meta{}); err != nil {
		h.t.Fatal(err)
	}
	if err := h.bus.Wait(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []events.Event
	for _, env := range h.seen[from:] {
		if env.Kind == events.KindState {
			out = append(out, env.Event)
		}
	}
	return out
}

func (h *harness) last(intent events.Event) events.Event {
	h.t.Helper()
	got := h.send(intent)
	if len(got) == 0 {
		h.t.Fatalf("%s caused no state event", intent.EventType())
	}
	return got[len(got)-1]
}

func flow(id string) *adapters.Flow {
	return &adapters.Flow{ID: id, UI: adapters.UI{Nodes: []adapters.Node{{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "identifier", Type: "text"}}}}}
}

func session(token string) *adapters.Session {
	return &adapters.Session{Token: token, IdentityID: "ident-1", Email: "a@example.com", AAL: "aal1"}
}

func TestLaunchWithoutTokenSignsOut(t *testing.T) {
	h := newHarness(t, &fakeKratos{})
	got := h.send(events.AppStarted{})
	if len(got) != 2 {
		t.Fatalf("got %d states, want SessionCheckStarted and SignedOut: %#v", len(got), got)
	}
	if _, ok := got[0].(events.SessionCheckStarted); !ok {
		t.Fatalf("first state %T", got[0])
	}
	out, ok := got[1].(events.SignedOut)
	if !ok || out.Reason != events.ReasonNoSession {
		t.Fatalf("second state %#v", got[1])
	}
}

func TestLaunchWithValidTokenSignsIn(t *testing.T) {
	k := &fakeKratos{whoami: func(tok string) (*adapters.Session, error) {
		if tok != "tok-1" {
			t.Errorf("whoami got token %q", tok)
		}
		s := session("")
		return s, nil
	}}
	h := newHarness(t, k)
	_ = h.tokens.Save("tok-1")
	in, ok := h.last(events.AppStarted{}).(events.SignedIn)
	if !ok || in.IdentityID != "ident-1" || in.Email != "a@example.com" || in.Token != "tok-1" {
		t.Fatalf("got %#v", in)
	}
	if h.m.State() != fsm.StateAuthenticated {
		t.Fatalf("state %s", h.m.State())
	}
}

func TestLaunchWithRevokedTokenDeletesIt(t *testing.T) {
	k := &fakeKratos{whoami: func(string) (*adapters.Session, error) {
		return nil, &adapters.Error{Class: adapters.ClassUnauthorized, Status: 401, Message: "no"}
	}}
	h := newHarness(t, k)
	_ = h.tokens.Save("tok-1")
	out, ok := h.last(events.AppStarted{}).(events.SignedOut)
	if !ok || out.Reason != events.ReasonSessionExpired || out.Message != fsm.MessageSessionExpired {
		t.Fatalf("got %#v", out)
	}
	if tok, _ := h.tokens.Load(); tok != "" {
		t.Fatal("revoked token was kept")
	}
}

func TestLaunchFailureCanBeRetried(t *testing.T) {
	down := true
	k := &fakeKratos{whoami: func(string) (*adapters.Session, error) {
		if down {
			return nil, &adapters.Error{Class: adapters.ClassUnavailable, Message: "cannot reach Kratos: connection refused"}
		}
		return session(""), nil
	}}
	h := newHarness(t, k)
	_ = h.tokens.Save("tok-1")
	failed, ok := h.last(events.AppStarted{}).(events.SessionCheckFailed)
	if !ok || failed.Error == nil || failed.Error.Class != adapters.ClassUnavailable {
		t.Fatalf("got %#v", failed)
	}
	if tok, _ := h.tokens.Load(); tok != "tok-1" {
		t.Fatal("token lost while Kratos was down")
	}
	down = false
	if _, ok := h.last(events.AppStarted{}).(events.SignedIn); !ok {
		t.Fatal("retry did not sign in")
	}
}

func signedOutHarness(t *testing.T, k *fakeKratos) *harness {
	h := newHarness(t, k)
	h.send(events.AppStarted{})
	return h
}

func TestSignInKeepsEveryMessageAndRecovers(t *testing.T) {
	attempts := 0
	k := &fakeKratos{
		loginFlow: func() (*adapters.Flow, error) { return flow("flow-1"), nil },
		submitLogin: func(r adapters.LoginRequest) (*adapters.Session, error) {
			attempts++
			if r.FlowID != "flow-1" {
				t.Errorf("submitted to flow %q", r.FlowID)
			}
			if attempts == 1 {
				f := flow("flow-1")
				f.UI.Messages = []adapters.Message{{ID: 4000006, Text: "The provided credentials are invalid.", Type: "error"}}
				f.UI.Nodes[0].Messages = []adapters.Message{{ID: 4000002, Text: "Property identifier is missing.", Type: "error"}, {ID: 4000001, Text: "second", Type: "error"}}
				return nil, &adapters.Error{Class: adapters.ClassValidation, Status: 400, Flow: f}
			}
			if attempts == 2 {
				return nil, &adapters.Error{Class: adapters.ClassUnavailable, Message: "cannot reach Kratos"}
			}
			return session("tok-2"), nil
		},
	}
	h := signedOutHarness(t, k)
	form, ok := h.last(events.LoginFlowRequested{}).(events.LoginFormShown)
	if !ok || form.FlowID != "flow-1" {
		t.Fatalf("got %#v", form)
	}
	rejected, ok := h.last(events.SignInSubmitted{Identifier: "a@example.com", Password: "pw"}).(events.LoginFormShown)
	if !ok {
		t.Fatalf("got %T", rejected)
	}
	if rejected.GeneralError != "The provided credentials are invalid." || rejected.Messages[0].ID != 4000006 {
		t.Fatalf("general error lost: %#v", rejected.Form)
	}
	if rejected.EmailError != "Property identifier is missing." || len(rejected.FieldErrors["identifier"]) != 2 {
		t.Fatalf("identifier errors lost: %#v", rejected.Form)
	}
	cleared := h.last(events.FieldChanged{Field: "identifier", Value: "b@example.com"}).(events.LoginFormShown)
	if cleared.EmailError != "" || cleared.GeneralError != "" || cleared.Email != "b@example.com" {
		t.Fatalf("FieldChanged did not clear: %#v", cleared.Form)
	}
	down := h.last(events.SignInSubmitted{Identifier: "a@example.com", Password: "pw"}).(events.LoginFormShown)
	if down.GeneralError != "cannot reach Kratos" || down.FlowID != "flow-1" {
		t.Fatalf("unavailable not shown on the same form: %#v", down.Form)
	}
	in, ok := h.last(events.SignInSubmitted{Identifier: "a@example.com", Password: "pw"}).(events.SignedIn)
	if !ok || in.Token != "tok-2" {
		t.Fatalf("got %#v", in)
	}
	if tok, _ := h.tokens.Load(); tok != "tok-2" {
		t.Fatal("token not stored")
	}
}

func TestSignInOnDeadFlowOpensANewForm(t *testing.T) {
	n := 0
	k := &fakeKratos{
		loginFlow: func() (*adapters.Flow, error) { n++; return flow([]string{"", "flow-1", "flow-2"}[n]), nil },
		submitLogin: func(adapters.LoginRequest) (*adapters.Session, error) {
			return nil, &adapters.Error{Class: adapters.ClassFlowNotFound, Status: 404}
		},
	}
	h := signedOutHarness(t, k)
	h.send(events.LoginFlowRequested{})
	form := h.last(events.SignInSubmitted{Identifier: "a", Password: "b"}).(events.LoginFormShown)
	if form.FlowID != "flow-2" || form.GeneralError != fsm.MessageFormExpired {
		t.Fatalf("got %#v", form.Form)
	}
}

func TestSignUpWithoutSessionHookGoesToSignIn(t *testing.T) {
	k := &fakeKratos{
		registrationFlow: func() (*adapters.Flow, error) { return flow("reg-1"), nil },
		loginFlow:        func() (*adapters.Flow, error) { return flow("login-1"), nil },
		submitRegistration: func(r adapters.RegistrationRequest) (*adapters.Session, error) {
			if r.Traits["email"] != "new@example.com" || r.Traits["name"].(map[string]any)["first"] != "Ada" {
				t.Errorf("traits %#v", r.Traits)
			}
			return &adapters.Session{IdentityID: "ident-9", Email: "new@example.com"}, nil
		},
	}
	h := signedOutHarness(t, k)
	h.send(events.RegistrationFlowRequested{})
	form, ok := h.last(events.SignUpSubmitted{Email: "new@example.com", Password: "pw", Traits: map[string]any{"traits.name.first": "Ada"}}).(events.LoginFormShown)
	if !ok || form.FlowID != "login-1" || form.Notice == "" || form.Email != "new@example.com" {
		t.Fatalf("got %#v", form)
	}
}

func TestSignOutWithStaleTokenStillEndsLocalSession(t *testing.T) {
	k := &fakeKratos{
		whoami: func(string) (*adapters.Session, error) { return session(""), nil },
		logout: func(string) error { return &adapters.Error{Class: adapters.ClassUnauthorized, Status: 403} },
	}
	h := newHarness(t, k)
	_ = h.tokens.Save("tok-1")
	h.send(events.AppStarted{})
	out, ok := h.last(events.SignOutRequested{}).(events.SignedOut)
	if !ok || out.Reason != events.ReasonSignedOut {
		t.Fatalf("got %#v", out)
	}
	if tok, _ := h.tokens.Load(); tok != "" {
		t.Fatal("token kept after sign-out")
	}
}

func TestSignOutWhileKratosDownKeepsSession(t *testing.T) {
	k := &fakeKratos{
		whoami: func(string) (*adapters.Session, error) { return session(""), nil },
		logout: func(string) error { return &adapters.Error{Class: adapters.ClassUnavailable, Message: "down"} },
	}
	h := newHarness(t, k)
	_ = h.tokens.Save("tok-1")
	h.send(events.AppStarted{})
	in, ok := h.last(events.SignOutRequested{}).(events.SignedIn)
	if !ok || in.Notice == "" {
		t.Fatalf("got %#v", in)
	}
	if tok, _ := h.tokens.Load(); tok != "tok-1" {
		t.Fatal("token lost although Kratos still has the session")
	}
}

func TestInvalidIntentIsRejectedWithoutStateChange(t *testing.T) {
	h := signedOutHarness(t, &fakeKratos{})
	before := h.m.State()
	rej, ok := h.last(events.SignOutRequested{}).(events.IntentRejected)
	if !ok || rej.Intent != "SignOutRequested" || rej.State != fsm.StateUnauthenticated || rej.Reason == "" {
		t.Fatalf("got %#v", rej)
	}
	if h.m.State() != before {
		t.Fatalf("state changed from %s to %s", before, h.m.State())
	}
}

// TestTraceShowsTransitionsAndCalls checks that the trace carries each
// transition and adapter call in order, with correlation and causation.
func TestTraceShowsTransitionsAndCalls(t *testing.T) {
	k := &fakeKratos{loginFlow: func() (*adapters.Flow, error) { return flow("flow-1"), nil }}
	h := signedOutHarness(t, k)
	h.mu.Lock()
	from := len(h.seen)
	h.mu.Unlock()
	env, _ := h.bus.Publish(events.LoginFlowRequested{}, bus.Meta{})
	if err := h.bus.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var types []string
	for _, e := range h.seen[from:] {
		types = append(types, e.Type)
		if e.CorrelationID != env.CorrelationID || e.CausationID != env.ID {
			t.Errorf("%s: correlation %q causation %q, want %q %q", e.Type, e.CorrelationID, e.CausationID, env.CorrelationID, env.ID)
		}
	}
	want := []string{"TransitionMade", "RequestStarted", "AdapterCalled", "AdapterReturned", "TransitionMade", "LoginFormShown"}
	if len(types) != len(want) {
		t.Fatalf("trace %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("trace %v, want %v", types, want)
		}
	}
}

func TestPanickingAdapterDoesNotKillTheMachine(t *testing.T) {
	k := &fakeKratos{loginFlow: func() (*adapters.Flow, error) { panic("adapter bug") }}
	h := signedOutHarness(t, k)
	got := h.send(events.LoginFlowRequested{})
	var rejected bool
	for _, ev := range got {
		if r, ok := ev.(events.IntentRejected); ok && r.Intent == "LoginFlowRequested" {
			rejected = true
		}
	}
	if !rejected || h.m.State() != fsm.StateUnauthenticated {
		t.Fatalf("state %s, events %#v", h.m.State(), got)
	}
	if _, ok := got[len(got)-1].(events.SignedOut); !ok {
		t.Fatalf("last state %T, want SignedOut again", got[len(got)-1])
	}
}

// spyPublisher keeps what the machine publishes and passes it on.
type spyPublisher struct {
	bus  *bus.Bus
	seen []events.Event
}

func (p *spyPublisher) Publish(ev events.Event, meta bus.Meta) (events.Envelope, error) {
	p.seen = append(p.seen, ev)
	return p.bus.Publish(ev, meta)
}

// TestUntracedCallsCarryNoPayload checks that with no one listening to the
// trace, adapter calls are traced by name only: no request or result is
// built (they may hold secrets, and nothing would read them).
func TestUntracedCallsCarryNoPayload(t *testing.T) {
	k := &fakeKratos{loginFlow: func() (*adapters.Flow, error) { return flow("flow-1"), nil }}
	b, err := bus.New(bus.Options{Clock: clock.NewStepping(time.Unix(0, 0).UTC(), time.Second), IDs: clock.SequentialIDs("id")})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	spy := &spyPublisher{bus: b}
	m, err := fsm.New(fsm.Config{Bus: b, Publisher: spy, Kratos: k, Sessions: k, Tokens: tokenstore.NewMemory()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, intent := range []events.Event{events.AppStarted{}, events.LoginFlowRequested{}} {
		env, err := b.Publish(intent, bus.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Handle(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	if m.State() != fsm.StateLogin {
		t.Fatalf("state %s", m.State())
	}
	calls := 0
	for _, ev := range spy.seen {
		switch e := ev.(type) {
		case events.AdapterCalled:
			calls++
			if e.Operation == "" || e.Request != nil {
				t.Errorf("untraced call %+v", e)
			}
		case events.AdapterReturned:
			if e.Operation == "" || e.Result != nil || e.HTTP != nil {
				t.Errorf("untraced result %+v", e)
			}
		}
	}
	if calls != 2 {
		t.Fatalf("%d adapter calls traced, want 2 (tokens.load, kratos.create_login_flow)", calls)
	}
}
