package events

import (
	"net/url"
	"strings"
	"time"
)

// Social sign-in (OIDC): the user picks a provider on the sign-in or
// sign-up form; the machine starts a native flow whose provider page opens
// in the user's browser; the browser comes back to the client's loopback
// callback (or the user pastes the address it ended at), and the machine
// exchanges the code for the session token.

// SocialSignInRequested says the user chose to sign in (or up) with an
// OpenID Connect provider ("Sign in with …"). Every request starts a fresh
// Kratos flow.
type SocialSignInRequested struct {
	// Provider is the provider's id, the value of the flow's oidc
	// "provider" button (e.g. "google", "github").
	Provider string `json:"provider"`
	// Registration asks for a registration flow (a sign-up form's button);
	// Kratos switches between login and registration as the identity
	// requires either way.
	Registration bool `json:"registration,omitempty"`
}

// SocialSignInCallbackReceived says the user's browser came back: to the
// loopback callback (the client published it), or as the address the user
// pasted (a browser on another device, or over SSH, that could not reach
// the callback). URL is the whole address, e.g.
// http://127.0.0.1:4446/callback?code=…; its code is a secret.
type SocialSignInCallbackReceived struct {
	URL string `json:"url"`
	// Pasted says the user typed or pasted URL.
	Pasted bool `json:"pasted,omitempty"`
}

// SocialSignInStarted says the provider's page waits for the user in a
// browser: the state of waiting for the browser to come back.
type SocialSignInStarted struct {
	// Provider is the provider's id; ProviderLabel what Kratos calls it.
	Provider      string `json:"provider"`
	ProviderLabel string `json:"provider_label,omitempty"`
	// Registration says the flow is a registration flow.
	Registration bool `json:"registration,omitempty"`
	// URL is the provider's page to open in a browser (also as a QR code).
	// Every UI shows it whole, since the user must open it; its OAuth
	// state (a secret in a recording) is learned from the call that
	// started the sign-in, before this event is published, and replaced
	// by value wherever the run is recorded or logged.
	URL string `json:"url"`
	// ReturnTo is the loopback callback the browser comes back to.
	ReturnTo string `json:"return_to"`
	// FlowID is the Kratos flow of the sign-in.
	FlowID string `json:"flow_id"`
	// ExpiresAt is when the flow expires: after it the browser can no
	// longer come back with a code, and a new sign-in is needed.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// Error says what went wrong with the last address received (a pasted
	// address that is not the callback, for example).
	Error string `json:"error,omitempty"`
}

// EventType implements Event.
func (SocialSignInRequested) EventType() string { return "SocialSignInRequested" }

// EventType implements Event.
func (SocialSignInCallbackReceived) EventType() string { return "SocialSignInCallbackReceived" }

// EventType implements Event.
func (SocialSignInStarted) EventType() string { return "SocialSignInStarted" }

// EventKind implements Event.
func (SocialSignInRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SocialSignInCallbackReceived) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SocialSignInStarted) EventKind() Kind { return KindState }

// Redacted implements Redactable: the address is redacted by what it is
// (RedactCallbackURL): the code the browser brought (the return_to half of
// the session token exchange) and every query parameter not known to be
// public pass through r; an address that does not parse is replaced whole.
func (e SocialSignInCallbackReceived) Redacted(r Redactor) Event {
	e.URL = RedactCallbackURL(e.URL, r)
	return e
}

// CallbackCodes are the values of the code parameters of a callback
// address read as the machine reads it (ParseCallback), as they appear in
// it (escaped) and decoded.
func CallbackCodes(raw string) []string {
	u, err := ParseCallback(raw)
	if err != nil {
		return nil
	}
	var out []string
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if key, err := url.QueryUnescape(k); err == nil && key == "code" && v != "" {
			out = append(out, v)
			if d, err := url.QueryUnescape(v); err == nil && d != v {
				out = append(out, d)
			}
		}
	}
	return out
}

func init() {
	Register(
		func() Event { return &SocialSignInRequested{} },
		func() Event { return &SocialSignInCallbackReceived{} },
		func() Event { return &SocialSignInStarted{} },
	)
}
