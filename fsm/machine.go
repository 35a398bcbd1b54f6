// Package fsm is the state machine of kratos-tui. It takes intents from the
// bus, moves a looplab/fsm machine through the transitions in Transitions,
// calls the adapters (Kratos, the backend, the token store) on the way, and
// publishes a state event for every state it enters, with a trace of every
// transition and adapter call.
package fsm

import (
	"context"
	"errors"
	"fmt"
	"sync"

	looplab "github.com/looplab/fsm"
	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// Responder answers adapter calls from a recording instead of the real
// adapters, for replay. The request need not be checked here: the
// AdapterCalled event carrying it is compared with the recording like
// every other event.
type Responder interface {
	// Respond returns the recorded result of the next adapter call, which
	// must be op; an error means the run diverged from the recording.
	Respond(op string) (events.AdapterReturned, error)
}

// WireResponder is a Responder under which the real adapters run: for each
// call, Serve gets the recorded answer and returns a context that carries
// its recorded HTTP exchanges to the adapter's transport (offline replay
// serves them), or false for a call that is answered from the recording as
// it is (the token store). The AdapterReturned published is then the one
// the adapter produced, so its decoding, error classification and flow
// housekeeping are compared with the recording too.
type WireResponder interface {
	Responder
	Serve(ctx context.Context, recorded events.AdapterReturned) (context.Context, bool)
}

// Publisher puts the machine's events on the bus.
type Publisher interface {
	// Publish stamps and queues an event; see bus.Bus.Publish.
	Publish(ev events.Event, meta bus.Meta) (events.Envelope, error)
}

// Config holds what a Machine needs.
type Config struct {
	// Bus carries intents in and state and trace events out; required.
	Bus *bus.Bus
	// Publisher, when set, publishes the machine's events instead of Bus
	// (replay interleaves recorded intents with them).
	Publisher Publisher
	// Kratos is the Kratos public API; required unless Responder is set.
	Kratos adapters.Kratos
	// Sessions answers who is signed in with a token at launch (the
	// backend, or Kratos whoami); required unless Responder is set.
	Sessions adapters.SessionSource
	// Tokens keeps the session token; required unless Responder is set.
	Tokens adapters.TokenStore
	// SelfService is the rest of the Kratos API (second factor, settings,
	// recovery, verification, sessions); optional: without it those
	// intents fail with a clear message.
	SelfService adapters.SelfService
	// Responder, when set, answers every adapter call instead of the
	// adapters (replay).
	Responder Responder
	// Logger receives diagnostics; never secrets.
	Logger zerolog.Logger
	// Secrets, when set, is the run's registry of secrets: every secret
	// the machine learns (typed passwords and codes, session tokens, TOTP
	// secrets, backup codes, exchange codes) is added to it before any
	// event holding it is published, so that the recorder and the logger
	// replace it by value wherever it appears.
	Secrets *events.Secrets
	// Social signs in with an OpenID Connect provider; optional: without
	// it SocialSignInRequested fails with a clear message.
	Social adapters.SocialSignIn
	// Callbacks receives the browser's return from a social sign-in on
	// CallbackURL; optional (then only a pasted address brings it back).
	Callbacks adapters.CallbackListener
	// CallbackURL is the loopback return_to of social sign-in, e.g.
	// http://127.0.0.1:4446/callback; Kratos must allow it.
	CallbackURL string
}

// Machine is the state machine. Intents are handled one at a time.
type Machine struct {
	cfg Config
	fsm *looplab.FSM
	log zerolog.Logger

	// mu guards the fields below against readers such as State.
	mu sync.Mutex
	// cause is the intent being handled.
	cause events.Envelope
	// view is what the state events show.
	view view
	// token is the session token of the signed-in user.
	token string
	// handling tells callbacks that an intent is being handled.
	handling bool
	// publishErr is the first publish failure of the intent being handled.
	publishErr error
	// pendingSettings is a settings change waiting for re-authentication.
	pendingSettings *events.SettingsSubmitted
	// afterSecondFactor is where to go once the second factor is passed:
	// StateSettings, or "" for home.
	afterSecondFactor string
	// traitTypes are the identity schema's trait types, once read (see
	// ensureTraitTypes); traitTypesRead says the read was made.
	traitTypes     map[string]adapters.TraitType
	traitTypesRead bool
	// afterRecovery: a recovery code was accepted and the settings form
	// that follows (maybe after a second factor) has not been shown yet.
	afterRecovery bool
	// verificationFlowID is the verification flow a sign-up started.
	verificationFlowID string
	// cancelStep cancels the step in flight (of the intent stepSeq);
	// cancelBefore is the sequence number of the last RequestCancelled:
	// steps of earlier intents are cancelled.
	cancelStep   context.CancelFunc
	stepSeq      uint64
	cancelBefore uint64
	// social is the social sign-in under way (StateSocialSignIn).
	social *socialSignIn
	// typedIdentifier is the identifier last submitted on a sign-in or
	// sign-up form that did not sign anyone in: the next sign-in form
	// starts with it.
	typedIdentifier string
}

// New makes a machine in StateUninitialized. Call Start to connect it to
// the bus.
func New(cfg Config) (*Machine, error) {
	if cfg.Bus == nil {
		return nil, errors.New("new state machine: a bus is required")
	}
	_, wire := cfg.Responder.(WireResponder)
	if (cfg.Responder == nil || wire) && (cfg.Kratos == nil || cfg.Sessions == nil) ||
		cfg.Responder == nil && cfg.Tokens == nil {
		return nil, errors.New("new state machine: the Kratos, session and token adapters are required")
	}
	m := &Machine{cfg: cfg, log: cfg.Logger}
	m.fsm = looplab.NewFSM(StateUninitialized, Transitions, m.callbacks())
	return m, nil
}

// Start subscribes the machine to the intents topic. It handles intents
// until ctx ends or the bus closes.
func (m *Machine) Start(ctx context.Context) error {
	if err := m.cfg.Bus.Subscribe(ctx, m.handleEnvelope, bus.TopicIntents); err != nil {
		return fmt.Errorf("start state machine: %w", err)
	}
	// A second subscriber sees RequestCancelled while the first is still
	// busy with the call it abandons.
	if err := m.cfg.Bus.Subscribe(ctx, m.watchCancel, bus.TopicIntents); err != nil {
		return fmt.Errorf("start state machine: %w", err)
	}
	return nil
}

// EventRequestCancelled is the intent that abandons the call in flight.
const EventRequestCancelled = "RequestCancelled"

// watchCancel cancels the step in flight, and any step of an intent
// published before the cancel that has not started yet.
func (m *Machine) watchCancel(_ context.Context, env events.Envelope) {
	if env.Type != EventRequestCancelled {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if env.Seq > m.cancelBefore {
		m.cancelBefore = env.Seq
	}
	if m.cancelStep != nil && m.stepSeq < env.Seq {
		m.cancelStep()
	}
}

// State returns the current state.
func (m *Machine) State() string {
	return m.fsm.Current()
}

func (m *Machine) handleEnvelope(ctx context.Context, env events.Envelope) {
	if err := m.Handle(ctx, env); err != nil {
		m.log.Error().Err(err).Str("intent", env.Type).Uint64("seq", env.Seq).Msg("intent failed")
	}
}

// Handle acts on one intent. An intent that does not apply in the current
// state is rejected: the machine publishes IntentRejected and the state does
// not change. The returned error reports a failure to publish.
func (m *Machine) Handle(ctx context.Context, env events.Envelope) (err error) {
	if env.Kind != events.KindIntent {
		return fmt.Errorf("handle %s: not an intent", env.Type)
	}
	if env.Type == EventRequestCancelled {
		// Handled by watchCancel; in order here, nothing is left to do.
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		m.mu.Lock()
		m.cancelStep = nil
		m.mu.Unlock()
		cancel()
	}()
	m.mu.Lock()
	m.cancelStep, m.stepSeq = cancel, env.Seq
	if env.Seq < m.cancelBefore && env.Seq != 0 {
		cancel()
	}
	m.cause = env
	m.handling = true
	m.publishErr = nil
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.handling = false
		m.mu.Unlock()
	}()

	// The intent's secrets are known before anything that holds them
	// (requests, logs) is written.
	m.cfg.Secrets.Learn(env.Event)
	before := m.fsm.Current()
	defer func() {
		// A bug in a step must not take the client down: the intent is
		// rejected and the machine goes back to where it was.
		if r := recover(); r != nil {
			m.log.Error().Interface("panic", r).Str("intent", env.Type).Msg("state machine: step panicked")
			m.fsm.SetState(before)
			m.reject(env, fmt.Sprintf("internal error while handling %s: %v", env.Type, r))
			m.publish(m.stateEvent(before))
			err = m.takePublishErr()
		}
	}()

	step, ok := steps[env.Type]
	if !ok {
		m.reject(env, fmt.Sprintf("%s is not an intent this client knows", env.Type))
		return m.takePublishErr()
	}
	if err := m.fire(ctx, env.Type, env.Event); err != nil {
		m.reject(env, err.Error())
		return m.takePublishErr()
	}
	if step != nil {
		step(m, ctx, env.Event)
	}
	return m.takePublishErr()
}

// fire triggers a machine event. Self-transitions count as success.
func (m *Machine) fire(ctx context.Context, event string, args ...any) error {
	err := m.fsm.Event(ctx, event, args...)
	var none looplab.NoTransitionError
	if err == nil || errors.As(err, &none) {
		return nil
	}
	var invalid looplab.InvalidEventError
	if errors.As(err, &invalid) {
		return fmt.Errorf("%s does not apply in state %s", event, invalid.State)
	}
	var canceled looplab.CanceledError
	if errors.As(err, &canceled) && canceled.Err != nil {
		return canceled.Err
	}
	return fmt.Errorf("%s in state %s: %w", event, m.fsm.Current(), err)
}

// must fires an outcome event, which the table allows by construction; a
// failure here is a bug in the table and is logged loudly.
func (m *Machine) must(ctx context.Context, event string) {
	// A cancelled call (RequestCancelled) still ends in its outcome.
	ctx = context.WithoutCancel(ctx)
	if err := m.fire(ctx, event); err != nil {
		m.log.Error().Err(err).Str("event", event).Msg("state machine: outcome event refused")
	}
}

func (m *Machine) reject(env events.Envelope, reason string) {
	m.publish(events.IntentRejected{Intent: env.Type, State: m.fsm.Current(), Reason: reason})
}

// publish puts an event on the bus, caused by the intent being handled.
func (m *Machine) publish(ev events.Event) {
	m.mu.Lock()
	meta := bus.Meta{CorrelationID: m.cause.CorrelationID, CausationID: m.cause.ID, FlowID: m.view.form.FlowID}
	m.mu.Unlock()
	pub := Publisher(m.cfg.Bus)
	if m.cfg.Publisher != nil {
		pub = m.cfg.Publisher
	}
	if _, err := pub.Publish(ev, meta); err != nil {
		m.mu.Lock()
		if m.publishErr == nil {
			m.publishErr = err
		}
		m.mu.Unlock()
	}
}

func (m *Machine) takePublishErr() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.publishErr
}

// callbacks binds the machine's reactions to looplab's hooks. Every key
// must name a real state or event: TestCallbackKeysBind checks it.
func (m *Machine) callbacks() looplab.Callbacks {
	return looplab.Callbacks{
		"after_event": func(ctx context.Context, e *looplab.Event) {
			if e.Dst != StateLoading && e.Dst != StateSocialSignIn {
				// The browser's return is awaited only while signing in.
				m.stopCallbacks()
				m.mu.Lock()
				m.social = nil
				m.mu.Unlock()
			}
			m.publish(events.TransitionMade{From: e.Src, Event: e.Event, To: e.Dst})
			if e.Dst == StateRegistration || e.Dst == StateSettings {
				m.ensureTraitTypes(ctx)
			}
			m.publish(m.stateEvent(e.Dst))
			m.mu.Lock()
			m.view.notice = ""
			m.mu.Unlock()
		},
		"before_" + EventFieldChanged: func(_ context.Context, e *looplab.Event) {
			if len(e.Args) == 1 {
				if fc, ok := e.Args[0].(events.FieldChanged); ok {
					m.view.form.clearField(fc)
				}
			}
		},
		"before_" + EventSignInSubmitted: func(_ context.Context, e *looplab.Event) {
			if m.view.form.FlowID == "" && flowIDOf(e.Args) == "" {
				e.Cancel(errors.New("there is no sign-in form to submit; request one first"))
			}
		},
		"before_" + EventSignUpSubmitted: func(_ context.Context, e *looplab.Event) {
			if m.view.form.FlowID == "" && flowIDOf(e.Args) == "" {
				e.Cancel(errors.New("there is no sign-up form to submit; request one first"))
			}
		},
		"enter_" + StateUnauthenticated: func(context.Context, *looplab.Event) {
			m.view.session = nil
			m.view.form = form{}
			m.token = ""
			m.pendingSettings = nil
			m.afterSecondFactor = ""
			m.afterRecovery = false
			m.verificationFlowID = ""
		},
		"enter_" + StateLoading: func(_ context.Context, e *looplab.Event) {
			m.view.operation = operations[e.Event]
		},
	}
}

// operations names what a RequestStarted is for, by the event entering
// StateLoading.
var operations = map[string]string{
	EventLoginFlowRequested:        "create_login_flow",
	EventRegistrationFlowRequested: "create_registration_flow",
	EventSignInSubmitted:           "sign_in",
	EventSignUpSubmitted:           "sign_up",
	EventSignOutRequested:          "sign_out",

	EventSettingsRequested:                "open_settings",
	EventSettingsSubmitted:                "save_settings",
	EventSecondFactorSubmitted:            "second_factor",
	EventReauthenticationSubmitted:        "reauthenticate",
	EventSessionRefreshRequested:          "refresh_session",
	EventRecoveryRequested:                "open_recovery",
	EventRecoverySubmitted:                "recover",
	EventVerificationRequested:            "open_verification",
	EventVerificationSubmitted:            "verify",
	EventSessionsRequested:                "list_sessions",
	EventSessionRevocationRequested:       "revoke_session",
	EventOtherSessionsRevocationRequested: "revoke_other_sessions",
	EventHomeRequested:                    "refresh_home",
	EventSocialSignInRequested:            "start_social_sign_in",
	EventSocialSignInCallbackReceived:     "finish_social_sign_in",
}

func flowIDOf(args []any) string {
	if len(args) != 1 {
		return ""
	}
	switch ev := args[0].(type) {
	case events.SignInSubmitted:
		return ev.FlowID
	case events.SignUpSubmitted:
		return ev.FlowID
	}
	return ""
}
