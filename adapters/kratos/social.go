package kratos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// Social sign-in (adapters.SocialSignIn): a native flow with an exchange
// code and a loopback return_to, the oidc method, and the exchange of the
// two codes for the session token.

var _ adapters.SocialSignIn = (*Client)(nil)

// methodOIDC is the Kratos method of social sign-in.
const methodOIDC = "oidc"

// socialAttempts bounds the fresh flows StartSocialSignIn makes when a new
// flow expires before its oidc method is submitted (a clock far off).
const socialAttempts = 2

// StartSocialSignIn creates a native flow with
// return_session_token_exchange_code=true and req.ReturnTo, submits the
// oidc method with req.Provider and returns the provider's URL Kratos
// answers with (422 browser_location_change_required). An expired flow is
// never continued through use_flow_id (the replacement carries no exchange
// code, so the browser's return could not be exchanged): a fresh flow is
// made instead.
func (c *Client) StartSocialSignIn(ctx context.Context, req adapters.SocialSignInRequest) (*adapters.SocialSignInStart, error) {
	if strings.TrimSpace(req.Provider) == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal, Message: "kratos: social sign-in needs a provider"}
	}
	if _, err := url.ParseRequestURI(req.ReturnTo); err != nil || req.ReturnTo == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("kratos: social sign-in needs an absolute return_to URL, not %q", req.ReturnTo)}
	}
	var last *adapters.Error
	for range socialAttempts {
		start, aerr := c.startSocialOnce(ctx, req)
		if aerr == nil {
			return start, nil
		}
		if aerr.Class != adapters.ClassFlowExpired {
			return nil, aerr
		}
		last = aerr
	}
	return nil, last
}

func (c *Client) startSocialOnce(ctx context.Context, req adapters.SocialSignInRequest) (*adapters.SocialSignInStart, *adapters.Error) {
	x, aerr := c.callIdempotent(ctx, func(ctx context.Context) (*http.Response, error) {
		if req.Registration && !mutation.On(mutation.SocialRegistrationIgnored) {
			_, resp, err := c.api.CreateNativeRegistrationFlow(ctx).
				ReturnSessionTokenExchangeCode(true).ReturnTo(req.ReturnTo).Execute()
			return resp, err
		}
		_, resp, err := c.api.CreateNativeLoginFlow(ctx).
			ReturnSessionTokenExchangeCode(true).ReturnTo(req.ReturnTo).Execute()
		return resp, err
	})
	if aerr != nil {
		return nil, aerr
	}
	if x.status < 200 || x.status >= 300 {
		aerr := c.errorFrom(opCreateFlow, x)
		if x.status == http.StatusBadRequest && strings.Contains(aerr.Message, "return_to") {
			aerr.Message = fmt.Sprintf("Kratos does not allow the sign-in to return to %s (%s): add it to selfservice.allowed_return_urls in Kratos's config (which must also offer the provider under selfservice.methods.oidc), or choose an allowed callback port",
				req.ReturnTo, strings.TrimSuffix(aerr.Message, "."))
		}
		return nil, aerr
	}
	flow, aerr := c.decodeFlow(x)
	if aerr != nil {
		return nil, aerr
	}
	var codes struct {
		Code string `json:"session_token_exchange_code"`
	}
	_ = json.Unmarshal(x.body, &codes)
	if codes.Code == "" {
		return nil, c.badResponse(x, "to a flow asked for with return_session_token_exchange_code=true, but without a session_token_exchange_code")
	}
	if !hasProvider(flow, req.Provider) {
		return nil, &adapters.Error{Class: adapters.ClassValidation, Flow: flow,
			Message: fmt.Sprintf("Kratos offers no sign-in with %q here (its providers: %s)", req.Provider, providerList(flow))}
	}
	// One attempt, never the use_flow_id continuation of c.submit.
	x, aerr = c.submitOnce(ctx, flow.ID, func(ctx context.Context, flowID string) (*http.Response, error) {
		if req.Registration && !mutation.On(mutation.SocialRegistrationIgnored) {
			body := ory.UpdateRegistrationFlowWithOidcMethodAsUpdateRegistrationFlowBody(
				ory.NewUpdateRegistrationFlowWithOidcMethod(methodOIDC, req.Provider))
			_, resp, err := c.api.UpdateRegistrationFlow(ctx).Flow(flowID).UpdateRegistrationFlowBody(body).Execute()
			return resp, err
		}
		body := ory.UpdateLoginFlowWithOidcMethodAsUpdateLoginFlowBody(
			ory.NewUpdateLoginFlowWithOidcMethod(methodOIDC, req.Provider))
		_, resp, err := c.api.UpdateLoginFlow(ctx).Flow(flowID).UpdateLoginFlowBody(body).Execute()
		return resp, err
	})
	if aerr == nil {
		return nil, c.badResponse(x, "to the oidc method with a success instead of a browser redirect")
	}
	if aerr.Class != adapters.ClassBrowserRequired {
		_ = fail(aerr, codes.Code)
		return nil, aerr
	}
	if aerr.RedirectTo == "" {
		return nil, &adapters.Error{Class: adapters.ClassBadResponse, Status: aerr.Status,
			Message: "Kratos asked for a browser (422) but named no page to open (redirect_browser_to)"}
	}
	if err := adapters.CheckBrowserURL(aerr.RedirectTo); err != nil {
		// Not a provider's web page: never handed to a browser.
		return nil, &adapters.Error{Class: adapters.ClassBadResponse, Status: aerr.Status,
			Message: "Kratos named a page for the browser (redirect_browser_to) that this client does not open: " + err.Error() +
				". Check the provider's configuration in Kratos (selfservice.methods.oidc) and that the client talks to the right Kratos"}
	}
	return &adapters.SocialSignInStart{
		FlowID: flow.ID, ExpiresAt: flow.ExpiresAt, RedirectTo: aerr.RedirectTo,
		ExchangeCode: codes.Code, Flow: flow,
	}, nil
}

// hasProvider reports whether the flow offers the provider (an oidc node
// named "provider" with that value).
func hasProvider(f *adapters.Flow, provider string) bool {
	for _, n := range f.UI.Nodes {
		if n.Group == methodOIDC && n.Attributes.Name == "provider" && fmt.Sprint(n.Attributes.Value) == provider {
			return true
		}
	}
	return false
}

func providerList(f *adapters.Flow) string {
	var ps []string
	for _, n := range f.UI.Nodes {
		if n.Group == methodOIDC && n.Attributes.Name == "provider" {
			ps = append(ps, fmt.Sprint(n.Attributes.Value))
		}
	}
	if len(ps) == 0 {
		return "none: the oidc method is not enabled"
	}
	return strings.Join(ps, ", ")
}

// ExchangeSessionToken asks /sessions/token-exchange for the session of a
// social sign-in. Kratos answers 404 while no session exists for the codes
// (the browser has not come back, came back to another flow, or the codes
// are wrong or spent): ClassFlowNotFound.
func (c *Client) ExchangeSessionToken(ctx context.Context, req adapters.SessionTokenExchange) (*adapters.Session, error) {
	if req.InitCode == "" || req.ReturnToCode == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: a session token exchange needs both codes"}
	}
	x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.ExchangeSessionToken(ctx).InitCode(req.InitCode).ReturnToCode(req.ReturnToCode).Execute()
		return resp, err
	})
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opSubmit, x)
		if x.status == http.StatusNotFound {
			aerr.Class = adapters.ClassFlowNotFound
			aerr.Message = "Kratos has no session for this sign-in: the codes are spent, wrong, or the sign-in in the browser did not finish"
		}
	}
	if aerr == nil {
		var s *adapters.Session
		if s, aerr = c.decodeLogin(x); aerr == nil {
			return s, nil
		}
	}
	return nil, fail(aerr, req.InitCode, req.ReturnToCode)
}

// GetLoginFlow fetches a native login flow.
func (c *Client) GetLoginFlow(ctx context.Context, flowID string) (*adapters.Flow, error) {
	if flowID == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: cannot fetch a login flow without an id"}
	}
	return c.getFlow(ctx, "", func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.GetLoginFlow(ctx).Id(flowID).Execute()
		return resp, err
	})
}
