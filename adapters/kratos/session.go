package kratos

import (
	"bytes"
	"context"
	"net/http"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Whoami returns the session the token belongs to. An empty, invalid,
// expired or revoked token yields ClassUnauthorized; a session below the
// required assurance level yields ClassAAL2Required.
func (c *Client) Whoami(ctx context.Context, token string) (*adapters.Session, error) {
	if token == "" {
		return nil, noToken()
	}
	x, aerr := c.callIdempotent(ctx, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.ToSession(ctx).XSessionToken(token).Execute()
		return resp, err
	})
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opWhoami, x)
	}
	if aerr != nil {
		return nil, fail(aerr, token)
	}
	s, aerr := c.decodeSession(x, token)
	if aerr != nil {
		return nil, fail(aerr, token)
	}
	return s, nil
}

// CurrentSession implements adapters.SessionSource with Whoami, for when no
// backend is configured.
func (c *Client) CurrentSession(ctx context.Context, token string) (*adapters.Session, error) {
	return c.Whoami(ctx, token)
}

// Logout revokes the session the token belongs to. Kratos answers 204 also
// for an already revoked token; an unknown token (403) or a rejected one
// (401) yields ClassUnauthorized, after which the caller should still end
// the local session.
func (c *Client) Logout(ctx context.Context, token string) error {
	if token == "" {
		return noToken()
	}
	x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		return c.api.PerformNativeLogout(ctx).
			PerformNativeLogoutBody(*ory.NewPerformNativeLogoutBody(token)).Execute()
	})
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opLogout, x)
	}
	if aerr == nil && x.status != http.StatusNoContent && len(bytes.TrimSpace(x.body)) > 0 {
		// Kratos answers 204 with no body. A 2xx with a body comes from
		// something else (a captive portal, a wrong URL): the session was
		// not revoked, so the caller must not report a sign-out.
		aerr = c.badResponse(x, "with a body instead of 204 No Content, so the session was not revoked")
	}
	if aerr != nil {
		return fail(aerr, token)
	}
	return nil
}

// noToken is the error for a call that needs a token and got none.
func noToken() error {
	return &adapters.Error{Class: adapters.ClassUnauthorized, Message: "no session token"}
}

// TokenizeSession asks whoami for the session of token as a JWT made by
// Kratos's tokenizer template (session.whoami.tokenizer.templates.NAME:
// signed with its jwks_url key, valid for its ttl). An unknown template is
// Kratos's 400, a ClassValidation error saying so; a token that is not (or
// no longer) valid is ClassUnauthorized.
func (c *Client) TokenizeSession(ctx context.Context, token, template string) (string, error) {
	if token == "" {
		return "", noToken()
	}
	x, aerr := c.callIdempotent(ctx, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.ToSession(ctx).XSessionToken(token).TokenizeAs(template).Execute()
		return resp, err
	})
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opWhoami, x)
	}
	if aerr != nil {
		return "", fail(aerr, token)
	}
	var s struct {
		Tokenized string `json:"tokenized"`
	}
	if aerr := c.decodeBody(x, &s); aerr != nil {
		return "", fail(aerr, token)
	}
	if s.Tokenized == "" {
		return "", fail(c.badResponse(x, "to whoami?tokenize_as without the tokenized session"), token)
	}
	return s.Tokenized, nil
}
