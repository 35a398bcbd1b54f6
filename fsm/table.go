package fsm

import (
	looplab "github.com/looplab/fsm"
)

// The states of the machine. They follow the seed app's BLoC states, with
// the launch check split out of AuthUninitialized.
const (
	// StateUninitialized: nothing checked yet, or the launch check failed
	// (the seed's AuthUninitialized with a message); AppStarted retries.
	StateUninitialized = "uninitialized"
	// StateCheckingSession: the stored token is being checked at launch.
	StateCheckingSession = "checking_session"
	// StateUnauthenticated: no one is signed in and no form is open.
	StateUnauthenticated = "unauthenticated"
	// StateLoading: a call to Kratos is under way.
	StateLoading = "loading"
	// StateLogin: the sign-in form is open.
	StateLogin = "login"
	// StateRegistration: the sign-up form is open.
	StateRegistration = "registration"
	// StateAuthenticated: a user is signed in.
	StateAuthenticated = "authenticated"
)

// States lists every state.
var States = []string{
	StateUninitialized, StateCheckingSession, StateUnauthenticated, StateLoading,
	StateLogin, StateRegistration, StateAuthenticated,
}

// The machine's events that are not intents: the outcomes of adapter calls.
// Intents use their event type names (events.SignInSubmitted{}.EventType()).
const (
	EventSessionFound                  = "SessionFound"
	EventSessionNotFound               = "SessionNotFound"
	EventSessionCheckFailed            = "SessionCheckFailed"
	EventLoginFlowCreated              = "LoginFlowCreated"
	EventRegistrationFlowCreated       = "RegistrationFlowCreated"
	EventFlowCreationFailed            = "FlowCreationFailed"
	EventSignInSucceeded               = "SignInSucceeded"
	EventSignInRejected                = "SignInRejected"
	EventSignUpSucceeded               = "SignUpSucceeded"
	EventSignUpRejected                = "SignUpRejected"
	EventSignUpCompletedWithoutSession = "SignUpCompletedWithoutSession"
	EventSignOutSucceeded              = "SignOutSucceeded"
	EventSignOutFailed                 = "SignOutFailed"
)

// Intent names as machine events.
const (
	EventAppStarted                = "AppStarted"
	EventLoginFlowRequested        = "LoginFlowRequested"
	EventRegistrationFlowRequested = "RegistrationFlowRequested"
	EventSignInSubmitted           = "SignInSubmitted"
	EventSignUpSubmitted           = "SignUpSubmitted"
	EventFieldChanged              = "FieldChanged"
	EventSignOutRequested          = "SignOutRequested"
)

// Transitions is the machine's transition table.
var Transitions = looplab.Events{
	// Launch.
	{Name: EventAppStarted, Src: []string{StateUninitialized}, Dst: StateCheckingSession},
	{Name: EventSessionFound, Src: []string{StateCheckingSession}, Dst: StateAuthenticated},
	{Name: EventSessionNotFound, Src: []string{StateCheckingSession}, Dst: StateUnauthenticated},
	{Name: EventSessionCheckFailed, Src: []string{StateCheckingSession}, Dst: StateUninitialized},

	// Forms.
	{Name: EventLoginFlowRequested, Src: []string{StateUnauthenticated, StateLogin, StateRegistration}, Dst: StateLoading},
	{Name: EventRegistrationFlowRequested, Src: []string{StateUnauthenticated, StateLogin, StateRegistration}, Dst: StateLoading},
	{Name: EventLoginFlowCreated, Src: []string{StateLoading}, Dst: StateLogin},
	{Name: EventRegistrationFlowCreated, Src: []string{StateLoading}, Dst: StateRegistration},
	{Name: EventFlowCreationFailed, Src: []string{StateLoading}, Dst: StateUnauthenticated},
	{Name: EventFieldChanged, Src: []string{StateLogin}, Dst: StateLogin},
	{Name: EventFieldChanged, Src: []string{StateRegistration}, Dst: StateRegistration},

	// Sign in.
	{Name: EventSignInSubmitted, Src: []string{StateLogin}, Dst: StateLoading},
	{Name: EventSignInSucceeded, Src: []string{StateLoading}, Dst: StateAuthenticated},
	{Name: EventSignInRejected, Src: []string{StateLoading}, Dst: StateLogin},

	// Sign up.
	{Name: EventSignUpSubmitted, Src: []string{StateRegistration}, Dst: StateLoading},
	{Name: EventSignUpSucceeded, Src: []string{StateLoading}, Dst: StateAuthenticated},
	{Name: EventSignUpRejected, Src: []string{StateLoading}, Dst: StateRegistration},
	{Name: EventSignUpCompletedWithoutSession, Src: []string{StateLoading}, Dst: StateLogin},

	// Sign out.
	{Name: EventSignOutRequested, Src: []string{StateAuthenticated}, Dst: StateLoading},
	{Name: EventSignOutSucceeded, Src: []string{StateLoading}, Dst: StateUnauthenticated},
	{Name: EventSignOutFailed, Src: []string{StateLoading}, Dst: StateAuthenticated},
}

// IntentEvents lists the machine events that intents trigger.
var IntentEvents = []string{
	EventAppStarted, EventLoginFlowRequested, EventRegistrationFlowRequested,
	EventSignInSubmitted, EventSignUpSubmitted, EventFieldChanged, EventSignOutRequested,
}
