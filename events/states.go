package events

import (
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// The state events: what the UI shows. The state machine publishes one each
// time it enters a state (or re-enters it with new data). They carry what
// the seed app's six BLoC states carry, and more.

// SessionCheckStarted says the stored session is being checked at launch
// (the seed's AuthUninitialized, with a spinner).
type SessionCheckStarted struct {
	Message string `json:"message,omitempty"`
}

// SessionCheckFailed says the launch check could not finish (Kratos or the
// backend unreachable, the token store unreadable). Publishing AppStarted
// again retries.
type SessionCheckFailed struct {
	Message string          `json:"message"`
	Error   *adapters.Error `json:"error,omitempty"`
}

// SignedOut says no one is signed in (the seed's AuthUnauthenticated).
// Reason is one of the SignedOutReason constants.
type SignedOut struct {
	Reason  string          `json:"reason"`
	Message string          `json:"message,omitempty"`
	Error   *adapters.Error `json:"error,omitempty"`
}

// The reasons for SignedOut.
const (
	// ReasonNoSession: no token was stored at launch.
	ReasonNoSession = "no_session"
	// ReasonSessionExpired: the stored token was no longer valid; it was
	// deleted.
	ReasonSessionExpired = "session_expired"
	// ReasonSignedOut: the user signed out.
	ReasonSignedOut = "signed_out"
	// ReasonFlowFailed: a form could not be fetched from Kratos; request it
	// again to retry.
	ReasonFlowFailed = "flow_failed"
)

// RequestStarted says a call to Kratos or the backend is under way (the
// seed's AuthLoading).
type RequestStarted struct {
	// Operation names what is being done, e.g. "sign_in".
	Operation string `json:"operation"`
}

// Form is a login or registration form as the UI renders it: the seed's
// fields, plus every Kratos message with its id and the flow's nodes so a UI
// can render any identity schema.
type Form struct {
	FlowID string `json:"flow_id"`
	// State is the flow's state as Kratos says it (choose_method,
	// sent_email, passed_challenge, success...).
	State string `json:"state,omitempty"`
	Email string `json:"email,omitempty"`
	// EmailError is the first message of the identifier (login) or
	// traits.email (registration) node.
	EmailError string `json:"email_error,omitempty"`
	// PasswordError is the first message of the password node.
	PasswordError string `json:"password_error,omitempty"`
	// GeneralError is the first error of the flow's own messages, or the
	// error of a failed call.
	GeneralError string `json:"general_error,omitempty"`
	// FieldErrors holds every node's messages by node name.
	FieldErrors map[string][]adapters.Message `json:"field_errors,omitempty"`
	// Messages are the flow's own messages (all of them, with ids).
	Messages []adapters.Message `json:"messages,omitempty"`
	// Notice is an informational message to show once (a SnackBar).
	Notice string `json:"notice,omitempty"`
	// ExpiresAt is when the flow expires.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// UI is the flow's form as Kratos sent it.
	UI adapters.UI `json:"ui"`
	// AfterRecovery is set on the first settings form after a recovery
	// code was accepted (also when a second factor came in between): the
	// user is to set a new password now, in the password section.
	AfterRecovery bool `json:"after_recovery,omitempty"`
	// TraitTypes are the identity schema's types of the traits, by node
	// name ("traits.age"), on the sign-up and settings forms: integer or
	// number, and an enum's values. Absent when the schema could not be
	// read (and in a replay).
	TraitTypes map[string]adapters.TraitType `json:"trait_types,omitempty"`
}

// LoginFormShown says the sign-in form is ready (the seed's
// AuthLoginInitialized).
type LoginFormShown struct {
	Form
}

// RegistrationFormShown says the sign-up form is ready (the seed's
// AuthRegistrationInitialized).
type RegistrationFormShown struct {
	Form
}

// SignedIn says a user is signed in (the seed's AuthAuthenticated).
type SignedIn struct {
	IdentityID string `json:"identity_id"`
	Email      string `json:"email"`
	Verified   bool   `json:"verified"`
	// Token is the session token. Outputs redact it.
	Token           string     `json:"token"`
	SessionID       string     `json:"session_id,omitempty"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
	AuthenticatedAt *time.Time `json:"authenticated_at,omitempty"`
	AAL             string     `json:"aal,omitempty"`
	// Notice is an informational message to show once.
	Notice string `json:"notice,omitempty"`
}

// IntentRejected says an intent does not apply in the current state; the
// state did not change.
type IntentRejected struct {
	Intent string `json:"intent"`
	State  string `json:"state"`
	Reason string `json:"reason"`
}

// EventType implements Event.
func (SessionCheckStarted) EventType() string { return "SessionCheckStarted" }

// EventType implements Event.
func (SessionCheckFailed) EventType() string { return "SessionCheckFailed" }

// EventType implements Event.
func (SignedOut) EventType() string { return "SignedOut" }

// EventType implements Event.
func (RequestStarted) EventType() string { return "RequestStarted" }

// EventType implements Event.
func (LoginFormShown) EventType() string { return "LoginFormShown" }

// EventType implements Event.
func (RegistrationFormShown) EventType() string { return "RegistrationFormShown" }

// EventType implements Event.
func (SignedIn) EventType() string { return "SignedIn" }

// EventType implements Event.
func (IntentRejected) EventType() string { return "IntentRejected" }

// EventKind implements Event.
func (SessionCheckStarted) EventKind() Kind { return KindState }

// EventKind implements Event.
func (SessionCheckFailed) EventKind() Kind { return KindState }

// EventKind implements Event.
func (SignedOut) EventKind() Kind { return KindState }

// EventKind implements Event.
func (RequestStarted) EventKind() Kind { return KindState }

// EventKind implements Event.
func (LoginFormShown) EventKind() Kind { return KindState }

// EventKind implements Event.
func (RegistrationFormShown) EventKind() Kind { return KindState }

// EventKind implements Event.
func (SignedIn) EventKind() Kind { return KindState }

// EventKind implements Event.
func (IntentRejected) EventKind() Kind { return KindState }

// Redacted implements Redactable.
func (e SignedIn) Redacted(r Redactor) Event {
	e.Token = r(e.Token)
	return e
}

func init() {
	Register(
		func() Event { return &SessionCheckStarted{} },
		func() Event { return &SessionCheckFailed{} },
		func() Event { return &SignedOut{} },
		func() Event { return &RequestStarted{} },
		func() Event { return &LoginFormShown{} },
		func() Event { return &RegistrationFormShown{} },
		func() Event { return &SignedIn{} },
		func() Event { return &IntentRejected{} },
	)
}
