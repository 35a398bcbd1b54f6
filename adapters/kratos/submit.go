package kratos

import (
	"context"
	"net/http"
	"strings"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// methodPassword is the Kratos method both submissions use.
const methodPassword = "password"

// SubmitLogin submits the password method of a login flow. When the flow
// has expired and Kratos names its replacement (410 with use_flow_id), the
// same credentials are submitted once to the replacement; a validation
// error then carries the replacement flow, so Flow.ID tells the caller the
// id changed.
func (c *Client) SubmitLogin(ctx context.Context, req adapters.LoginRequest) (*adapters.Session, error) {
	if mutation.On(mutation.LowerCasePassword) {
		req.Password = strings.ToLower(req.Password)
	}
	body := ory.UpdateLoginFlowWithPasswordMethodAsUpdateLoginFlowBody(
		ory.NewUpdateLoginFlowWithPasswordMethod(req.Identifier, methodPassword, req.Password))
	x, aerr := c.submit(ctx, req.FlowID, func(ctx context.Context, flowID string) (*http.Response, error) {
		_, resp, err := c.api.UpdateLoginFlow(ctx).Flow(flowID).UpdateLoginFlowBody(body).Execute()
		return resp, err
	})
	if aerr == nil {
		var s *adapters.Session
		if s, aerr = c.decodeLogin(x); aerr == nil {
			return s, nil
		}
	}
	return nil, fail(aerr, req.Password)
}

// SubmitRegistration submits the password method of a registration flow,
// continuing an expired flow like SubmitLogin. Without a session hook after
// registration, the returned session has an empty Token (and no ID) but
// names the new identity.
func (c *Client) SubmitRegistration(ctx context.Context, req adapters.RegistrationRequest) (*adapters.Session, error) {
	traits := req.Traits
	if traits == nil {
		traits = map[string]any{}
	}
	if mutation.On(mutation.DropTrait) {
		traits = map[string]any{}
		for k, v := range req.Traits {
			if k != "email" {
				traits[k] = v
			}
		}
	}
	body := ory.UpdateRegistrationFlowWithPasswordMethodAsUpdateRegistrationFlowBody(
		ory.NewUpdateRegistrationFlowWithPasswordMethod(methodPassword, req.Password, traits))
	x, aerr := c.submit(ctx, req.FlowID, func(ctx context.Context, flowID string) (*http.Response, error) {
		_, resp, err := c.api.UpdateRegistrationFlow(ctx).Flow(flowID).UpdateRegistrationFlowBody(body).Execute()
		return resp, err
	})
	if aerr == nil {
		var s *adapters.Session
		if s, aerr = c.decodeRegistration(x); aerr == nil {
			return s, nil
		}
	}
	return nil, fail(aerr, req.Password)
}

// submit posts to flowID and, on 410 self_service_flow_expired with a
// replacement id, posts the same body once to the replacement. It returns
// the 2xx exchange or the mapped error of the last attempt.
func (c *Client) submit(ctx context.Context, flowID string,
	send func(ctx context.Context, flowID string) (*http.Response, error)) (*exchange, *adapters.Error) {
	if flowID == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: cannot submit a form without a flow id"}
	}
	if mutation.On(mutation.WrongFlowID) {
		flowID = flowID[:len(flowID)-1] + "0"
	}
	x, aerr := c.submitOnce(ctx, flowID, send)
	if mutation.On(mutation.No410Continue) {
		return x, aerr
	}
	if aerr == nil || aerr.Class != adapters.ClassFlowExpired ||
		aerr.ID != idFlowExpired || aerr.UseFlowID == "" || aerr.UseFlowID == flowID {
		return x, aerr
	}
	// Kratos already made the replacement flow; no need to fetch it.
	return c.submitOnce(ctx, aerr.UseFlowID, send)
}

// submitOnce posts to flowID and maps a non-2xx answer to an error.
func (c *Client) submitOnce(ctx context.Context, flowID string,
	send func(ctx context.Context, flowID string) (*http.Response, error)) (*exchange, *adapters.Error) {
	x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		return send(ctx, flowID)
	})
	if aerr != nil {
		return nil, aerr
	}
	if x.status < 200 || x.status >= 300 {
		return nil, c.errorFrom(opSubmit, x)
	}
	return x, nil
}
