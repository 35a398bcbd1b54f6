package kratos

import (
	"context"
	"fmt"
	"net/http"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// ListSessions lists the other active sessions of the token's identity
// (Kratos leaves the current one out), with their devices and
// authentication methods. Sessions carry no token. Only the first page
// (Kratos's default page size) is returned.
func (c *Client) ListSessions(ctx context.Context, token string) ([]adapters.Session, error) {
	if token == "" {
		return nil, noToken()
	}
	x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.ListMySessions(ctx).XSessionToken(token).Execute()
		return resp, err
	})
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opSessions, x)
	}
	if aerr != nil {
		return nil, fail(aerr, token)
	}
	var raw []rawSession
	if aerr := c.decodeBody(x, &raw); aerr != nil {
		return nil, fail(aerr, token)
	}
	out := make([]adapters.Session, 0, len(raw))
	for i := range raw {
		if raw[i].ID == "" {
			return nil, fail(c.badResponse(x, "with a session that has no id"), token)
		}
		out = append(out, *toSession("", &raw[i], nil, nil))
	}
	return out, nil
}

// RevokeSession revokes one of the identity's other sessions. Revoking the
// current session this way is refused by Kratos (400, ClassInternal here):
// use Logout for it.
func (c *Client) RevokeSession(ctx context.Context, token, sessionID string) error {
	if token == "" {
		return noToken()
	}
	if sessionID == "" {
		return &adapters.Error{Class: adapters.ClassInternal, Message: "kratos: no session id to revoke"}
	}
	x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		return c.api.DisableMySession(ctx, sessionID).XSessionToken(token).Execute()
	})
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opSessions, x)
		aerr.Message = fmt.Sprintf("revoke session %s: %s", sessionID, aerr.Message)
	}
	if aerr != nil {
		return fail(aerr, token)
	}
	return nil
}

// RevokeOtherSessions revokes every session of the identity but the
// current one and returns how many Kratos revoked.
func (c *Client) RevokeOtherSessions(ctx context.Context, token string) (int, error) {
	if token == "" {
		return 0, noToken()
	}
	x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.DisableMyOtherSessions(ctx).XSessionToken(token).Execute()
		return resp, err
	})
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opSessions, x)
	}
	if aerr != nil {
		return 0, fail(aerr, token)
	}
	var out struct {
		Count *int `json:"count"`
	}
	if aerr := c.decodeBody(x, &out); aerr != nil {
		return 0, fail(aerr, token)
	}
	if out.Count == nil {
		return 0, fail(c.badResponse(x, "without the number of revoked sessions"), token)
	}
	return *out.Count, nil
}
