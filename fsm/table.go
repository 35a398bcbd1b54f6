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
	// StateSecondFactor: a second factor (TOTP or backup code) is needed.
	StateSecondFactor = "second_factor"
	// StateReauthenticating: the user must sign in again (privileged
	// change, or a session refresh).
	StateReauthenticating = "reauthenticating"
	// StateSettings: the settings form is open.
	StateSettings = "settings"
	// StateRecovery: the account recovery form is open.
	StateRecovery = "recovery"
	// StateVerification: the address verification form is open.
	StateVerification = "verification"
	// StateSessions: the list of other sessions is shown.
	StateSessions = "sessions"
	// StateSocialSignIn: a provider's page waits for the user in a
	// browser; the machine waits for the browser to come back.
	StateSocialSignIn = "social_sign_in"
)

// States lists every state.
var States = []string{
	StateUninitialized, StateCheckingSession, StateUnauthenticated, StateLoading,
	StateLogin, StateRegistration, StateAuthenticated,
	StateSecondFactor, StateReauthenticating, StateSettings, StateRecovery,
	StateVerification, StateSessions, StateSocialSignIn,
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
	EventRegistrationFormUpdated       = "RegistrationFormUpdated"
	EventLoginFormUpdated              = "LoginFormUpdated"
	EventSecondFactorFormUpdated       = "SecondFactorFormUpdated"
	EventSignOutSucceeded              = "SignOutSucceeded"
	EventSignOutFailed                 = "SignOutFailed"
	EventSettingsFlowCreated           = "SettingsFlowCreated"
	EventSettingsSaved                 = "SettingsSaved"
	EventSettingsRejected              = "SettingsRejected"
	EventReauthenticationRequired      = "ReauthenticationRequired"
	EventReauthenticationRejected      = "ReauthenticationRejected"
	EventReauthenticated               = "Reauthenticated"
	EventSecondFactorRequired          = "SecondFactorRequired"
	EventSecondFactorRejected          = "SecondFactorRejected"
	EventSecondFactorPassed            = "SecondFactorPassed"
	EventRecoveryFlowCreated           = "RecoveryFlowCreated"
	EventRecoveryFormUpdated           = "RecoveryFormUpdated"
	EventRecoveryPassed                = "RecoveryPassed"
	EventVerificationFlowCreated       = "VerificationFlowCreated"
	EventVerificationFormUpdated       = "VerificationFormUpdated"
	EventSessionsListed                = "SessionsListed"
	EventSessionRefreshed              = "SessionRefreshed"
	EventSessionLost                   = "SessionLost"
	EventReturnedHome                  = "ReturnedHome"
	EventSocialSignInStarted           = "SocialSignInStarted"
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

	EventSettingsRequested                = "SettingsRequested"
	EventSettingsSubmitted                = "SettingsSubmitted"
	EventSecondFactorSubmitted            = "SecondFactorSubmitted"
	EventReauthenticationSubmitted        = "ReauthenticationSubmitted"
	EventSessionRefreshRequested          = "SessionRefreshRequested"
	EventRecoveryRequested                = "RecoveryRequested"
	EventRecoverySubmitted                = "RecoverySubmitted"
	EventVerificationRequested            = "VerificationRequested"
	EventVerificationSubmitted            = "VerificationSubmitted"
	EventSessionsRequested                = "SessionsRequested"
	EventSessionRevocationRequested       = "SessionRevocationRequested"
	EventOtherSessionsRevocationRequested = "OtherSessionsRevocationRequested"
	EventHomeRequested                    = "HomeRequested"

	EventSocialSignInRequested        = "SocialSignInRequested"
	EventSocialSignInCallbackReceived = "SocialSignInCallbackReceived"
)

// signedInStates are the states in which a session exists and can be
// signed out of.
var signedInStates = []string{
	StateAuthenticated, StateSecondFactor, StateReauthenticating, StateSettings,
	StateVerification, StateSessions,
}

// Transitions is the machine's transition table.
var Transitions = looplab.Events{
	// Launch.
	{Name: EventAppStarted, Src: []string{StateUninitialized}, Dst: StateCheckingSession},
	{Name: EventSessionFound, Src: []string{StateCheckingSession}, Dst: StateAuthenticated},
	{Name: EventSessionNotFound, Src: []string{StateCheckingSession}, Dst: StateUnauthenticated},
	{Name: EventSessionCheckFailed, Src: []string{StateCheckingSession}, Dst: StateUninitialized},

	// Forms.
	{Name: EventLoginFlowRequested, Src: []string{StateUnauthenticated, StateLogin, StateRegistration, StateRecovery, StateSocialSignIn}, Dst: StateLoading},
	{Name: EventRegistrationFlowRequested, Src: []string{StateUnauthenticated, StateLogin, StateRegistration, StateSocialSignIn}, Dst: StateLoading},
	{Name: EventLoginFlowCreated, Src: []string{StateLoading}, Dst: StateLogin},
	{Name: EventRegistrationFlowCreated, Src: []string{StateLoading}, Dst: StateRegistration},
	{Name: EventFlowCreationFailed, Src: []string{StateLoading}, Dst: StateUnauthenticated},
	{Name: EventFieldChanged, Src: []string{StateLogin}, Dst: StateLogin},
	{Name: EventFieldChanged, Src: []string{StateRegistration}, Dst: StateRegistration},

	// Sign in.
	{Name: EventSignInSubmitted, Src: []string{StateLogin}, Dst: StateLoading},
	{Name: EventSignInSucceeded, Src: []string{StateLoading}, Dst: StateAuthenticated},
	{Name: EventSignInRejected, Src: []string{StateLoading}, Dst: StateLogin},
	// A step that moves the login flow on (a code sent): its next screen.
	{Name: EventLoginFormUpdated, Src: []string{StateLoading}, Dst: StateLogin},

	// Sign up.
	{Name: EventSignUpSubmitted, Src: []string{StateRegistration}, Dst: StateLoading},
	{Name: EventSignUpSucceeded, Src: []string{StateLoading}, Dst: StateAuthenticated},
	{Name: EventSignUpRejected, Src: []string{StateLoading}, Dst: StateRegistration},
	{Name: EventSignUpCompletedWithoutSession, Src: []string{StateLoading}, Dst: StateLogin},
	// Two-step registration: the profile, then the choice of credential
	// (and back), each a new screen of the same flow.
	{Name: EventRegistrationFormUpdated, Src: []string{StateLoading}, Dst: StateRegistration},

	// Social sign-in (OIDC): a fresh flow each time, the provider's page
	// in a browser, then the browser's return (or the address pasted).
	// Leaving it: the returned session, the form again with why, the
	// linking form (1010016), or a new form (Esc).
	{Name: EventSocialSignInRequested, Src: []string{StateLogin, StateRegistration, StateSocialSignIn}, Dst: StateLoading},
	{Name: EventSocialSignInStarted, Src: []string{StateLoading}, Dst: StateSocialSignIn},
	{Name: EventSocialSignInCallbackReceived, Src: []string{StateSocialSignIn}, Dst: StateLoading},

	// Sign out.
	{Name: EventSignOutRequested, Src: signedInStates, Dst: StateLoading},
	{Name: EventSignOutSucceeded, Src: []string{StateLoading}, Dst: StateUnauthenticated},
	{Name: EventSignOutFailed, Src: []string{StateLoading}, Dst: StateAuthenticated},

	// Second factor (at sign-in, at launch, before settings).
	{Name: EventSecondFactorRequired, Src: []string{StateLoading, StateCheckingSession}, Dst: StateSecondFactor},
	{Name: EventSecondFactorSubmitted, Src: []string{StateSecondFactor}, Dst: StateLoading},
	{Name: EventSecondFactorRejected, Src: []string{StateLoading}, Dst: StateSecondFactor},
	{Name: EventSecondFactorFormUpdated, Src: []string{StateLoading}, Dst: StateSecondFactor},
	{Name: EventSecondFactorPassed, Src: []string{StateLoading}, Dst: StateAuthenticated},

	// Settings, with re-authentication when the session is too old.
	{Name: EventSettingsRequested, Src: []string{StateAuthenticated}, Dst: StateLoading},
	{Name: EventSettingsFlowCreated, Src: []string{StateLoading}, Dst: StateSettings},
	{Name: EventSettingsSubmitted, Src: []string{StateSettings}, Dst: StateLoading},
	{Name: EventSettingsSaved, Src: []string{StateLoading}, Dst: StateSettings},
	{Name: EventSettingsRejected, Src: []string{StateLoading}, Dst: StateSettings},
	{Name: EventReauthenticationRequired, Src: []string{StateLoading}, Dst: StateReauthenticating},
	{Name: EventReauthenticationSubmitted, Src: []string{StateReauthenticating}, Dst: StateLoading},
	{Name: EventReauthenticationRejected, Src: []string{StateLoading}, Dst: StateReauthenticating},
	{Name: EventReauthenticated, Src: []string{StateLoading}, Dst: StateAuthenticated},
	{Name: EventSessionRefreshRequested, Src: []string{StateAuthenticated}, Dst: StateLoading},

	// Recovery by code.
	{Name: EventRecoveryRequested, Src: []string{StateUnauthenticated, StateLogin}, Dst: StateLoading},
	{Name: EventRecoveryFlowCreated, Src: []string{StateLoading}, Dst: StateRecovery},
	{Name: EventRecoverySubmitted, Src: []string{StateRecovery}, Dst: StateLoading},
	{Name: EventRecoveryFormUpdated, Src: []string{StateLoading}, Dst: StateRecovery},
	{Name: EventRecoveryPassed, Src: []string{StateLoading}, Dst: StateSettings},

	// Verification by code.
	{Name: EventVerificationRequested, Src: []string{StateAuthenticated}, Dst: StateLoading},
	{Name: EventVerificationFlowCreated, Src: []string{StateLoading}, Dst: StateVerification},
	{Name: EventVerificationSubmitted, Src: []string{StateVerification}, Dst: StateLoading},
	{Name: EventVerificationFormUpdated, Src: []string{StateLoading}, Dst: StateVerification},

	// Sessions.
	{Name: EventSessionsRequested, Src: []string{StateAuthenticated, StateSessions}, Dst: StateLoading},
	{Name: EventSessionRevocationRequested, Src: []string{StateSessions}, Dst: StateLoading},
	{Name: EventOtherSessionsRevocationRequested, Src: []string{StateSessions}, Dst: StateLoading},
	{Name: EventSessionsListed, Src: []string{StateLoading}, Dst: StateSessions},

	// Back home, and losing the session on the way.
	{Name: EventHomeRequested, Src: []string{StateSettings, StateSessions, StateVerification, StateReauthenticating}, Dst: StateLoading},
	{Name: EventSessionRefreshed, Src: []string{StateLoading}, Dst: StateAuthenticated},
	{Name: EventReturnedHome, Src: []string{StateLoading}, Dst: StateAuthenticated},
	{Name: EventSessionLost, Src: []string{StateLoading}, Dst: StateUnauthenticated},
}

// IntentEvents lists the machine events that intents trigger.
var IntentEvents = []string{
	EventAppStarted, EventLoginFlowRequested, EventRegistrationFlowRequested,
	EventSignInSubmitted, EventSignUpSubmitted, EventFieldChanged, EventSignOutRequested,
	EventSettingsRequested, EventSettingsSubmitted, EventSecondFactorSubmitted,
	EventReauthenticationSubmitted, EventSessionRefreshRequested, EventRecoveryRequested,
	EventRecoverySubmitted, EventVerificationRequested, EventVerificationSubmitted,
	EventSessionsRequested, EventSessionRevocationRequested,
	EventOtherSessionsRevocationRequested, EventHomeRequested,
	EventSocialSignInRequested, EventSocialSignInCallbackReceived,
}
