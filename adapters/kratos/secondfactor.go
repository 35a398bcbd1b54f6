package kratos

import (
	"context"
	"fmt"
	"net/http"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// aal2 is the assurance level of a second-factor login flow.
const aal2 = "aal2"

// CreateLoginFlowFor starts a native login flow for an existing session:
// a re-authentication (opts.Refresh) or a second factor (opts.AAL "aal2").
// The token is sent when not empty. Without Refresh or AAL a valid token
// yields ClassSessionAlreadyAvailable, as CreateLoginFlowWithToken does;
// aal2 without a session yields ClassAAL1Required.
func (c *Client) CreateLoginFlowFor(ctx context.Context, token string, opts adapters.LoginFlowOptions) (*adapters.Flow, error) {
	if opts.AAL != "" && opts.AAL != "aal1" && opts.AAL != aal2 {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("kratos: unknown assurance level %q (want aal1 or aal2)", opts.AAL)}
	}
	return c.createFlow(ctx, token, func(ctx context.Context) (*http.Response, error) {
		r := c.api.CreateNativeLoginFlow(ctx)
		if opts.Refresh {
			r = r.Refresh(true)
		}
		if opts.AAL != "" {
			r = r.Aal(opts.AAL)
		}
		if token != "" {
			r = r.XSessionToken(token)
		}
		_, resp, err := r.Execute()
		return resp, err
	})
}

// SubmitLoginForm submits any method of a login flow (password, totp,
// lookup_secret, code...) from a generic form body; token is sent when not
// empty, as refresh and aal2 flows need. An expired flow (410 with
// use_flow_id) is continued on the replacement for the password method
// only: a TOTP code may have rolled over and a backup code is better not
// sent twice, so for those the caller gets ClassFlowExpired with UseFlowID.
// A backup code that was already used is a ClassValidation with message
// 4000012 on the lookup_secret node.
func (c *Client) SubmitLoginForm(ctx context.Context, token, flowID string, body map[string]any) (*adapters.Session, error) {
	secrets := formSecrets(body, token)
	form, err := normalizeForm(body)
	if err != nil {
		return nil, fail(&adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: login form: " + err.Error()}, secrets...)
	}
	var union ory.UpdateLoginFlowBody
	if aerr := decodeUnion("login", form, &union); aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	x, aerr := c.submitForm(ctx, flowID, form, loginMayContinue,
		func(ctx context.Context, flowID string) (*http.Response, error) {
			r := c.api.UpdateLoginFlow(ctx).Flow(flowID).UpdateLoginFlowBody(union)
			if token != "" {
				r = r.XSessionToken(token)
			}
			_, resp, err := r.Execute()
			return resp, err
		})
	if aerr == nil {
		var s *adapters.Session
		if s, aerr = c.decodeLogin(x); aerr == nil {
			return s, nil
		}
	}
	return nil, fail(aerr, secrets...)
}

// loginMayContinue allows continuing an expired login flow with the same
// body for the password method only.
func loginMayContinue(form map[string]any) bool {
	return formMethod(form) == methodPassword
}
