package kratos

import (
	"context"
	"net/http"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// CreateLoginFlow starts a native login flow. With no token to send, a
// 400 session_already_available cannot happen here; see CreateLoginFlowWithToken.
func (c *Client) CreateLoginFlow(ctx context.Context) (*adapters.Flow, error) {
	return c.CreateLoginFlowWithToken(ctx, "")
}

// CreateLoginFlowWithToken starts a native login flow while presenting a
// session token (when token is not empty). A valid token yields an error of
// class ClassSessionAlreadyAvailable.
func (c *Client) CreateLoginFlowWithToken(ctx context.Context, token string) (*adapters.Flow, error) {
	return c.createFlow(ctx, token, func(ctx context.Context) (*http.Response, error) {
		r := c.api.CreateNativeLoginFlow(ctx)
		if token != "" {
			r = r.XSessionToken(token)
		}
		_, resp, err := r.Execute()
		return resp, err
	})
}

// CreateRegistrationFlow starts a native registration flow.
func (c *Client) CreateRegistrationFlow(ctx context.Context) (*adapters.Flow, error) {
	return c.createFlow(ctx, "", func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.CreateNativeRegistrationFlow(ctx).Execute()
		return resp, err
	})
}

// createFlow runs a flow-creating call and decodes the flow it returns.
func (c *Client) createFlow(ctx context.Context, token string, send sendFunc) (*adapters.Flow, error) {
	x, aerr := c.callIdempotent(ctx, send)
	if aerr != nil {
		return nil, fail(aerr, token)
	}
	if x.status >= 300 || x.status < 200 {
		return nil, fail(c.errorFrom(opCreateFlow, x), token)
	}
	flow, aerr := c.decodeFlow(x)
	if aerr != nil {
		return nil, fail(aerr, token)
	}
	return flow, nil
}
