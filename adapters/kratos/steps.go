package kratos

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// SubmitRegistrationForm submits one step of a registration flow from a
// generic form body: with two-step registration (Kratos's default since
// v1.2) first {"method": "profile", "traits": ...}, then the chosen
// credential ({"method": "password", "password": ..., "traits": ...});
// {"screen": "previous"} goes back to the profile. Kratos answers a step
// that moves the flow on with HTTP 400 and the updated flow, carrying no
// error: that is progress, returned as Step.Flow. A flow with an error
// message is a ClassValidation error, as for SubmitRegistration. The
// password method continues an expired flow as SubmitRegistration does.
func (c *Client) SubmitRegistrationForm(ctx context.Context, flowID string, body map[string]any) (*adapters.Step, error) {
	secrets := formSecrets(body)
	form, err := normalizeForm(body)
	if err != nil {
		return nil, fail(&adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: registration form: " + err.Error()}, secrets...)
	}
	var send func(ctx context.Context, flowID string) (*http.Response, error)
	if formMethod(form) == "" && form["screen"] != nil {
		// "screen: previous" has no method; client-go's body always
		// sends one (and "method: profile" means the next screen).
		raw, err := json.Marshal(form)
		if err != nil {
			return nil, fail(&adapters.Error{Class: adapters.ClassInternal,
				Message: "kratos: registration form: " + jsonProblem(err)}, secrets...)
		}
		send = func(ctx context.Context, flowID string) (*http.Response, error) {
			return c.postJSON(ctx, "/self-service/registration?flow="+url.QueryEscape(flowID), raw)
		}
	} else {
		var union ory.UpdateRegistrationFlowBody
		if aerr := decodeUnion("registration", form, &union); aerr != nil {
			return nil, fail(aerr, secrets...)
		}
		send = func(ctx context.Context, flowID string) (*http.Response, error) {
			_, resp, err := c.api.UpdateRegistrationFlow(ctx).Flow(flowID).UpdateRegistrationFlowBody(union).Execute()
			return resp, err
		}
	}
	x, aerr := c.submitForm(ctx, flowID, form, loginMayContinue, send)
	if aerr == nil {
		var s *adapters.Session
		if s, aerr = c.decodeRegistration(x); aerr == nil {
			return &adapters.Step{Session: s}, nil
		}
	}
	if aerr.Class == adapters.ClassValidation && aerr.Flow != nil && !aerr.Flow.HasError() {
		return &adapters.Step{Flow: aerr.Flow}, nil
	}
	return nil, fail(aerr, secrets...)
}

// postJSON posts a raw JSON body to a path of the public API with the
// client's HTTP client (and so its transport: the guard, the recorder).
func (c *Client) postJSON(ctx context.Context, path string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	return c.http.Do(req)
}
