package adapters

import (
	"context"
	"time"
)

// SocialSignIn is sign-in (or sign-up) with an OpenID Connect provider
// from a native client, the way Kratos v1.3.1 offers it: a native flow
// created with return_session_token_exchange_code=true and a return_to on
// the client's loopback callback; the oidc method answers 422 with the
// provider's URL for the user's browser; the browser comes back to the
// callback with a code, which with the flow's own code is exchanged for
// the session token at /sessions/token-exchange.
type SocialSignIn interface {
	// StartSocialSignIn creates a fresh native flow and submits the oidc
	// method with the provider. It never continues an expired flow through
	// Kratos's use_flow_id: a replacement flow has no exchange code, so
	// the sign-in could never end; a new flow is made instead.
	StartSocialSignIn(ctx context.Context, req SocialSignInRequest) (*SocialSignInStart, error)
	// ExchangeSessionToken trades the flow's code and the code the browser
	// brought back for the session.
	ExchangeSessionToken(ctx context.Context, req SessionTokenExchange) (*Session, error)
	// GetLoginFlow fetches a native login flow (the one Kratos sends the
	// browser back with when an account must be linked first).
	GetLoginFlow(ctx context.Context, flowID string) (*Flow, error)
}

// SocialSignInRequest says which provider to use, on which kind of flow,
// and where the browser comes back to.
type SocialSignInRequest struct {
	Provider string `json:"provider"`
	// Registration makes a registration flow (sign-up); else a login flow.
	// Kratos turns either into the other as the identity requires.
	Registration bool `json:"registration,omitempty"`
	// ReturnTo is the loopback callback, e.g. http://127.0.0.1:4446/callback;
	// Kratos must allow it (selfservice.allowed_return_urls).
	ReturnTo string `json:"return_to"`
}

// SocialSignInStart is a social sign-in under way.
type SocialSignInStart struct {
	FlowID    string     `json:"flow_id"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// RedirectTo is the provider's page for the user's browser (Kratos's
	// redirect_browser_to).
	RedirectTo string `json:"redirect_browser_to"`
	// ExchangeCode is the flow's half of the exchange (Kratos's
	// session_token_exchange_code): a secret.
	ExchangeCode string `json:"session_token_exchange_code"`
	// Flow is the flow as created (its oidc nodes name the providers).
	Flow *Flow `json:"flow,omitempty"`
}

// SessionTokenExchange is the two halves of a session token exchange.
type SessionTokenExchange struct {
	// InitCode is the flow's session_token_exchange_code.
	InitCode string `json:"init_code"`
	// ReturnToCode is the code the browser brought to the callback.
	ReturnToCode string `json:"return_to_code"`
}

// CallbackListener receives the browser's return from a social sign-in on
// the client's loopback callback (RFC 8252's loopback redirect).
type CallbackListener interface {
	// Listen starts serving returnTo's host and port (a loopback address)
	// and passes each request to its path, as the full URL the browser
	// asked for, to deliver. Listening again on the same address keeps
	// the listener and its new deliver; another address replaces it.
	Listen(returnTo string, deliver func(callbackURL string)) error
	// Stop closes the listener, if any.
	Stop() error
}
