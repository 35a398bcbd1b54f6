package kratos

import (
	"context"
	"net/http"
	"strings"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// verificationFlowsPath is where Kratos redirects the submission of an
// expired verification flow (to the replacement, a browser flow).
const verificationFlowsPath = "/self-service/verification/flows"

// CreateVerificationFlow starts a native address verification flow
// (method code).
func (c *Client) CreateVerificationFlow(ctx context.Context) (*adapters.Flow, error) {
	return c.createFlow(ctx, "", func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.CreateNativeVerificationFlow(ctx).Execute()
		return resp, err
	})
}

// GetVerificationFlow fetches a verification flow, e.g. the one a
// registration's continue_with show_verification_ui names (already in
// state sent_email). An unknown id yields ClassFlowNotFound, an expired
// flow ClassFlowExpired (without a replacement: start a new flow).
func (c *Client) GetVerificationFlow(ctx context.Context, flowID string) (*adapters.Flow, error) {
	if flowID == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: cannot fetch a verification flow without an id"}
	}
	return c.getFlow(ctx, "", func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.GetVerificationFlow(ctx).Id(flowID).Execute()
		return resp, err
	})
}

// SubmitVerification submits the verification form from a generic body:
// {method: code, email} (state sent_email, message 1080003), then
// {method: code, code}; a body with a non-empty code has its email
// dropped, as in SubmitRecovery. Success is State "passed_challenge" with
// message 1080002. A wrong or used code is not an error: the flow comes
// back with message 4070006.
//
// Kratos answers the submission of an expired native verification flow
// with a redirect to a replacement that is a browser flow, which a native
// client cannot use (fetching it is a 403 security_csrf_violation). The
// client recognises that redirect: a body that sends the email is
// submitted again to a new native flow; a code (bound to the old flow)
// yields ClassFlowExpired without UseFlowID: start a new flow.
func (c *Client) SubmitVerification(ctx context.Context, flowID string, body map[string]any) (*adapters.Flow, error) {
	secrets := formSecrets(body)
	form, err := normalizeForm(body)
	if err != nil {
		return nil, fail(&adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: verification form: " + err.Error()}, secrets...)
	}
	form = codeForm(form)
	var union ory.UpdateVerificationFlowBody
	if aerr := decodeUnion("verification", form, &union); aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	flow, aerr := c.submitVerificationOnce(ctx, flowID, union)
	if aerr != nil && aerr.Class == adapters.ClassFlowExpired && sendsEmail(form) {
		var nf *adapters.Flow
		nf, err = c.CreateVerificationFlow(ctx)
		if err != nil {
			return nil, fail(adapters.AsError(err), secrets...)
		}
		flow, aerr = c.submitVerificationOnce(ctx, nf.ID, union)
	}
	if aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	return flow, nil
}

// submitVerificationOnce posts to flowID; a redirect into the browser
// replacement of an expired flow becomes ClassFlowExpired.
func (c *Client) submitVerificationOnce(ctx context.Context, flowID string, union ory.UpdateVerificationFlowBody) (*adapters.Flow, *adapters.Error) {
	if flowID == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: cannot submit a form without a flow id"}
	}
	var redirected bool
	x, aerr := c.submitOnce(ctx, flowID, func(ctx context.Context, flowID string) (*http.Response, error) {
		_, resp, err := c.api.UpdateVerificationFlow(ctx).Flow(flowID).UpdateVerificationFlowBody(union).Execute()
		if resp != nil && resp.Request != nil && resp.Request.Method == http.MethodGet &&
			strings.HasSuffix(resp.Request.URL.Path, verificationFlowsPath) {
			redirected = true
		}
		return resp, err
	})
	if redirected && (aerr == nil || (aerr.Status >= 400 && aerr.Status < 500)) {
		// Whatever the redirect target answered, the flow we submitted to
		// has expired and its replacement is not ours to use.
		return nil, &adapters.Error{Class: adapters.ClassFlowExpired, Status: http.StatusGone,
			ID: idFlowExpired, Message: "The verification flow expired; start a new one."}
	}
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := c.decodeFlow(x)
	if aerr != nil {
		return nil, aerr
	}
	return f, nil
}
