package adapters

import (
	"context"
	"time"
)

// SelfService is the rest of the Kratos native self-service API, beyond
// sign-in and sign-up: the second factor, re-authentication, settings,
// recovery, verification and the session list. Bodies are Kratos form
// values by node name (e.g. {"method": "totp", "totp_code": "123456"}), as
// a generic form renderer produces them; Kratos accepts flat dotted keys
// ("traits.email") and "true" strings.
type SelfService interface {
	// CreateLoginFlowFor starts a login flow for an existing session: a
	// re-authentication (Refresh) or a second factor (AAL "aal2").
	CreateLoginFlowFor(ctx context.Context, token string, opts LoginFlowOptions) (*Flow, error)
	// SubmitLoginForm submits any method of a login flow; token is sent for
	// refresh and aal2 flows. The token of the returned session is the one
	// Kratos answered with (unchanged on refresh and aal2 upgrades).
	SubmitLoginForm(ctx context.Context, token, flowID string, body map[string]any) (*Session, error)

	// SubmitRegistrationForm submits one step of a registration flow:
	// two-step registration's profile ({"method": "profile", "traits"}),
	// the credential ({"method": "password", ...}) or {"screen":
	// "previous"}. A step that moves the flow on returns Step.Flow (Kratos
	// answers 400 with the flow and no error); a completed registration
	// returns Step.Session; a refused one is ClassValidation with the flow.
	SubmitRegistrationForm(ctx context.Context, flowID string, body map[string]any) (*Step, error)

	// CreateSettingsFlow starts a settings flow for the session.
	CreateSettingsFlow(ctx context.Context, token string) (*Flow, error)
	// SubmitSettings submits one method of a settings flow. Success is the
	// flow with State "success" (message 1050001); validation errors are
	// ClassValidation with the flow; ClassRefreshRequired asks for a
	// re-authentication first.
	SubmitSettings(ctx context.Context, token, flowID string, body map[string]any) (*Flow, error)

	// CreateRecoveryFlow starts an account recovery flow (by code).
	CreateRecoveryFlow(ctx context.Context) (*Flow, error)
	// SubmitRecovery submits the recovery form: the email first (state
	// sent_email), then the code. A correct code gives State
	// "passed_challenge" with a new session token and a settings flow id in
	// the result.
	SubmitRecovery(ctx context.Context, flowID string, body map[string]any) (*FlowResult, error)
	// GetRecoveryFlow fetches a recovery flow, e.g. the replacement an
	// error names (Error.UseFlowID) after too many wrong codes.
	GetRecoveryFlow(ctx context.Context, flowID string) (*Flow, error)

	// CreateVerificationFlow starts an address verification flow (by code).
	CreateVerificationFlow(ctx context.Context) (*Flow, error)
	// GetVerificationFlow fetches a verification flow, e.g. the one a
	// registration's continue_with names.
	GetVerificationFlow(ctx context.Context, flowID string) (*Flow, error)
	// SubmitVerification submits the verification form: the email, then
	// the code. Success is State "passed_challenge" (message 1080002).
	SubmitVerification(ctx context.Context, flowID string, body map[string]any) (*Flow, error)

	// ListSessions lists the identity's other active sessions (the current
	// one excluded).
	ListSessions(ctx context.Context, token string) ([]Session, error)
	// RevokeSession revokes one of the other sessions.
	RevokeSession(ctx context.Context, token, sessionID string) error
	// RevokeOtherSessions revokes every session but the current one and
	// says how many were revoked.
	RevokeOtherSessions(ctx context.Context, token string) (int, error)
}

// Step is the answer to a form step: the session when the flow
// completed, else the flow showing the next step.
type Step struct {
	Session *Session `json:"session,omitempty"`
	Flow    *Flow    `json:"flow,omitempty"`
}

// LoginFlowOptions choose the kind of login flow for an existing session.
type LoginFlowOptions struct {
	// Refresh asks the user to prove who they are again.
	Refresh bool `json:"refresh,omitempty"`
	// AAL is "aal2" for a second-factor flow; empty for aal1.
	AAL string `json:"aal,omitempty"`
}

// FlowResult is the answer to a recovery submit.
type FlowResult struct {
	Flow *Flow `json:"flow"`
	// SessionToken is the new session a passed recovery created.
	SessionToken string `json:"session_token,omitempty"`
	// SettingsFlowID is the settings flow to set a new password in.
	SettingsFlowID string `json:"settings_flow_id,omitempty"`
	// ContinueWith holds Kratos's continue_with items as returned.
	ContinueWith []map[string]any `json:"continue_with,omitempty"`
}

// Device is where a session was used.
type Device struct {
	IPAddress string `json:"ip_address,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	Location  string `json:"location,omitempty"`
}

// AuthenticationMethod is one way a session was authenticated.
type AuthenticationMethod struct {
	Method      string     `json:"method"`
	AAL         string     `json:"aal,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}
