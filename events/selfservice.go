package events

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Intents beyond the seed: settings, the second factor, re-authentication,
// recovery, verification and sessions. Form values are keyed by Kratos node
// name, as a generic form renderer has them.

// SettingsRequested says the user wants the settings form.
type SettingsRequested struct{}

// SettingsSubmitted says the user submitted one method of the settings
// form, e.g. Method "password" with Values {"password": ...}, "profile" with
// {"traits.name.first": ..., "traits.newsletter": true, "traits.age": 42},
// "totp" with {"totp_code": ...} or {"totp_unlink": "true"},
// "lookup_secret" with {"lookup_secret_regenerate": "true"}. Values are
// keyed by node name (dotted for nesting) and may be any JSON value,
// nested objects and arrays included; each is sent with its type.
type SettingsSubmitted struct {
	FlowID string         `json:"flow_id,omitempty"`
	Method string         `json:"method"`
	Values map[string]any `json:"values,omitempty"`
}

// SecondFactorSubmitted says the user entered a second factor: Method
// "totp" with a TOTP code, or "lookup_secret" with a backup code.
type SecondFactorSubmitted struct {
	Method string `json:"method"`
	Code   string `json:"code"`
	// Address asks Kratos to e-mail a code to this address (method
	// "code", a second factor by code: code.mfa_enabled).
	Address string `json:"address,omitempty"`
	// Resend asks Kratos for a new code (method "code").
	Resend bool `json:"resend,omitempty"`
}

// ReauthenticationSubmitted says the user entered their password again to
// refresh the session.
type ReauthenticationSubmitted struct {
	Password string `json:"password"`
}

// SessionRefreshRequested says the user wants to refresh the session by
// signing in again.
type SessionRefreshRequested struct{}

// RecoveryRequested says the user forgot the password.
type RecoveryRequested struct{}

// RecoverySubmitted says the user submitted the recovery form: the email
// first, then the code from the email.
type RecoverySubmitted struct {
	Email string `json:"email,omitempty"`
	Code  string `json:"code,omitempty"`
}

// VerificationRequested says the user wants to verify the email address.
type VerificationRequested struct{}

// VerificationSubmitted says the user submitted the verification form: the
// email first (to send a code), then the code.
type VerificationSubmitted struct {
	Email string `json:"email,omitempty"`
	Code  string `json:"code,omitempty"`
}

// SessionsRequested says the user wants the list of their other sessions.
type SessionsRequested struct{}

// SessionRevocationRequested says the user wants one other session ended.
type SessionRevocationRequested struct {
	SessionID string `json:"session_id"`
}

// OtherSessionsRevocationRequested says the user wants every other session
// ended.
type OtherSessionsRevocationRequested struct{}

// HomeRequested says the user wants to go back to the session screen.
type HomeRequested struct{}

// State events beyond the seed.

// SettingsFormShown says the settings form is ready (all its methods).
type SettingsFormShown struct {
	Form
}

// SecondFactorFormShown says a second factor is needed (TOTP or a backup
// code).
type SecondFactorFormShown struct {
	Form
}

// ReauthenticationFormShown says the user must sign in again before a
// privileged change (or asked to refresh the session).
type ReauthenticationFormShown struct {
	Form
}

// RecoveryFormShown says the recovery form is ready, or has moved on (code
// sent, wrong code).
type RecoveryFormShown struct {
	Form
}

// VerificationFormShown says the verification form is ready, or has moved
// on (code sent, wrong code, verified).
type VerificationFormShown struct {
	Form
}

// SessionSummary describes one session in a list.
type SessionSummary struct {
	ID              string                          `json:"id"`
	Current         bool                            `json:"current,omitempty"`
	AAL             string                          `json:"aal,omitempty"`
	IssuedAt        *time.Time                      `json:"issued_at,omitempty"`
	AuthenticatedAt *time.Time                      `json:"authenticated_at,omitempty"`
	ExpiresAt       *time.Time                      `json:"expires_at,omitempty"`
	Methods         []adapters.AuthenticationMethod `json:"methods,omitempty"`
	Devices         []adapters.Device               `json:"devices,omitempty"`
}

// SessionsListShown says the list of the user's other sessions is ready.
type SessionsListShown struct {
	Sessions []SessionSummary `json:"sessions"`
	Notice   string           `json:"notice,omitempty"`
}

func init() {
	Register(
		func() Event { return &SettingsRequested{} },
		func() Event { return &SettingsSubmitted{} },
		func() Event { return &SecondFactorSubmitted{} },
		func() Event { return &ReauthenticationSubmitted{} },
		func() Event { return &SessionRefreshRequested{} },
		func() Event { return &RecoveryRequested{} },
		func() Event { return &RecoverySubmitted{} },
		func() Event { return &VerificationRequested{} },
		func() Event { return &VerificationSubmitted{} },
		func() Event { return &SessionsRequested{} },
		func() Event { return &SessionRevocationRequested{} },
		func() Event { return &OtherSessionsRevocationRequested{} },
		func() Event { return &HomeRequested{} },
		func() Event { return &SettingsFormShown{} },
		func() Event { return &SecondFactorFormShown{} },
		func() Event { return &ReauthenticationFormShown{} },
		func() Event { return &RecoveryFormShown{} },
		func() Event { return &VerificationFormShown{} },
		func() Event { return &SessionsListShown{} },
	)
}

// EventType implements Event.
func (SettingsRequested) EventType() string { return "SettingsRequested" }

// EventType implements Event.
func (SettingsSubmitted) EventType() string { return "SettingsSubmitted" }

// EventType implements Event.
func (SecondFactorSubmitted) EventType() string { return "SecondFactorSubmitted" }

// EventType implements Event.
func (ReauthenticationSubmitted) EventType() string { return "ReauthenticationSubmitted" }

// EventType implements Event.
func (SessionRefreshRequested) EventType() string { return "SessionRefreshRequested" }

// EventType implements Event.
func (RecoveryRequested) EventType() string { return "RecoveryRequested" }

// EventType implements Event.
func (RecoverySubmitted) EventType() string { return "RecoverySubmitted" }

// EventType implements Event.
func (VerificationRequested) EventType() string { return "VerificationRequested" }

// EventType implements Event.
func (VerificationSubmitted) EventType() string { return "VerificationSubmitted" }

// EventType implements Event.
func (SessionsRequested) EventType() string { return "SessionsRequested" }

// EventType implements Event.
func (SessionRevocationRequested) EventType() string { return "SessionRevocationRequested" }

// EventType implements Event.
func (OtherSessionsRevocationRequested) EventType() string {
	return "OtherSessionsRevocationRequested"
}

// EventType implements Event.
func (HomeRequested) EventType() string { return "HomeRequested" }

// EventType implements Event.
func (SettingsFormShown) EventType() string { return "SettingsFormShown" }

// EventType implements Event.
func (SecondFactorFormShown) EventType() string { return "SecondFactorFormShown" }

// EventType implements Event.
func (ReauthenticationFormShown) EventType() string { return "ReauthenticationFormShown" }

// EventType implements Event.
func (RecoveryFormShown) EventType() string { return "RecoveryFormShown" }

// EventType implements Event.
func (VerificationFormShown) EventType() string { return "VerificationFormShown" }

// EventType implements Event.
func (SessionsListShown) EventType() string { return "SessionsListShown" }

// EventKind implements Event.
func (SettingsRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SettingsSubmitted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SecondFactorSubmitted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (ReauthenticationSubmitted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SessionRefreshRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (RecoveryRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (RecoverySubmitted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (VerificationRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (VerificationSubmitted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SessionsRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SessionRevocationRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (OtherSessionsRevocationRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (HomeRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SettingsFormShown) EventKind() Kind { return KindState }

// EventKind implements Event.
func (SecondFactorFormShown) EventKind() Kind { return KindState }

// EventKind implements Event.
func (ReauthenticationFormShown) EventKind() Kind { return KindState }

// EventKind implements Event.
func (RecoveryFormShown) EventKind() Kind { return KindState }

// EventKind implements Event.
func (VerificationFormShown) EventKind() Kind { return KindState }

// EventKind implements Event.
func (SessionsListShown) EventKind() Kind { return KindState }

// StartsFlow implements FlowStarter.
func (SettingsRequested) StartsFlow() bool { return true }

// StartsFlow implements FlowStarter.
func (SessionRefreshRequested) StartsFlow() bool { return true }

// StartsFlow implements FlowStarter.
func (RecoveryRequested) StartsFlow() bool { return true }

// StartsFlow implements FlowStarter.
func (VerificationRequested) StartsFlow() bool { return true }

// StartsFlow implements FlowStarter.
func (SessionsRequested) StartsFlow() bool { return true }

// Redacted implements Redactable: values of secret fields are redacted.
func (e SettingsSubmitted) Redacted(r Redactor) Event {
	e.Values = redactValues(e.Values, r)
	return e
}

// Redacted implements Redactable.
func (e SecondFactorSubmitted) Redacted(r Redactor) Event {
	e.Code = r(e.Code)
	return e
}

// Redacted implements Redactable.
func (e ReauthenticationSubmitted) Redacted(r Redactor) Event {
	e.Password = r(e.Password)
	return e
}

// Redacted implements Redactable.
func (e RecoverySubmitted) Redacted(r Redactor) Event {
	e.Code = r(e.Code)
	return e
}

// Redacted implements Redactable.
func (e VerificationSubmitted) Redacted(r Redactor) Event {
	e.Code = r(e.Code)
	return e
}

// Redacted implements Redactable: the TOTP secret, its QR code and backup
// codes in the form are redacted.
func (e SettingsFormShown) Redacted(r Redactor) Event {
	e.Form = e.Form.redacted(r)
	return e
}

// numberText is a JSON number as its digits (never in exponent form).
func numberText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// redactValues copies form values with the value of every secret field
// redacted, at any depth (a nested object's keys are field names too). A
// button's "true" and non-string values (booleans, numbers) of secret
// fields are left: they hold no secret.
func redactValues(values map[string]any, r Redactor) map[string]any {
	if values == nil {
		return nil
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		out[k] = redactFieldValue(IsSecretField(k), v, r)
	}
	return out
}

func redactFieldValue(secret bool, v any, r Redactor) any {
	switch x := v.(type) {
	case string:
		if secret && x != "" && x != "true" {
			return r(x)
		}
		return x
	case float64, json.Number, int, int64:
		// A secret typed as a JSON number (a password or a TOTP code of
		// digits) is a secret all the same: its digits, as sent.
		if secret {
			return r(numberText(x))
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = redactFieldValue(secret || IsSecretField(k), e, r)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactFieldValue(secret, e, r)
		}
		return out
	}
	return v
}

// redacted returns the form with every secret in its nodes redacted.
func (f Form) redacted(r Redactor) Form {
	raw, err := json.Marshal(f.UI)
	if err != nil {
		f.UI = adapters.UI{}
		return f
	}
	var ui adapters.UI
	if json.Unmarshal(RedactJSON(raw, r), &ui) != nil {
		f.UI = adapters.UI{}
		return f
	}
	f.UI = ui
	return f
}
