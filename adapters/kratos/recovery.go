package kratos

import (
	"context"
	"net/http"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// continue_with actions a recovery or verification answer may carry.
const (
	actionSetSessionToken  = "set_ory_session_token"
	actionShowSettingsUI   = "show_settings_ui"
	actionShowRecoveryUI   = "show_recovery_ui"
	actionShowVerification = "show_verification_ui"
)

// CreateRecoveryFlow starts a native account recovery flow (method code).
func (c *Client) CreateRecoveryFlow(ctx context.Context) (*adapters.Flow, error) {
	return c.createFlow(ctx, "", func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.CreateNativeRecoveryFlow(ctx).Execute()
		return resp, err
	})
}

// SubmitRecovery submits the recovery form from a generic body: first
// {method: code, email} (the flow comes back in state sent_email, message
// 1060003), then {method: code, code}. When the body holds a non-empty code
// its email is dropped, because Kratos treats an email in the sent_email
// state as "send a new code" and would ignore the code.
//
// A correct code gives State "passed_challenge" with the new session's
// token (continue_with set_ory_session_token) and the settings flow to set
// a new password in (show_settings_ui). A wrong or used code is not an
// error: the flow comes back in sent_email with message 4060006.
//
// An expired flow (410 with use_flow_id) is continued on the replacement
// when the body sends the email (the replacement then sends a code). A code
// belongs to the flow that sent it, so submitting one to an expired flow
// yields ClassFlowExpired with UseFlowID: ask for a new code there.
func (c *Client) SubmitRecovery(ctx context.Context, flowID string, body map[string]any) (*adapters.FlowResult, error) {
	secrets := formSecrets(body)
	form, err := normalizeForm(body)
	if err != nil {
		return nil, fail(&adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: recovery form: " + err.Error()}, secrets...)
	}
	form = codeForm(form)
	var union ory.UpdateRecoveryFlowBody
	if aerr := decodeUnion("recovery", form, &union); aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	x, aerr := c.submitForm(ctx, flowID, form, sendsEmail,
		func(ctx context.Context, flowID string) (*http.Response, error) {
			_, resp, err := c.api.UpdateRecoveryFlow(ctx).Flow(flowID).UpdateRecoveryFlowBody(union).Execute()
			return resp, err
		})
	if aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	flow, aerr := c.decodeFlow(x)
	if aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	var raw struct {
		ContinueWith []map[string]any `json:"continue_with"`
	}
	if aerr := c.decodeBody(x, &raw); aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	res := &adapters.FlowResult{Flow: flow, ContinueWith: raw.ContinueWith}
	if it := continueItem(raw.ContinueWith, actionSetSessionToken); it != nil {
		res.SessionToken, _ = it["ory_session_token"].(string)
	}
	res.SettingsFlowID = continueFlowID(continueItem(raw.ContinueWith, actionShowSettingsUI))
	if flow.State == "passed_challenge" && res.SessionToken == "" {
		return nil, fail(c.badResponse(x, "to a passed recovery without a session token"), secrets...)
	}
	return res, nil
}

// codeForm drops the email from a code method form that carries a code
// (see SubmitRecovery).
func codeForm(form map[string]any) map[string]any {
	if code, _ := form["code"].(string); code != "" {
		delete(form, "email")
	}
	if code, ok := form["code"].(string); ok && code == "" {
		delete(form, "code")
	}
	return form
}

// sendsEmail reports whether a code method form asks for a code to be
// sent (and holds no code), which is safe to repeat on a new flow.
func sendsEmail(form map[string]any) bool {
	email, _ := form["email"].(string)
	_, hasCode := form["code"]
	return email != "" && !hasCode
}

// GetRecoveryFlow fetches a recovery flow by id (GET
// /self-service/recovery/flows?id=).
func (c *Client) GetRecoveryFlow(ctx context.Context, flowID string) (*adapters.Flow, error) {
	if flowID == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: cannot fetch a recovery flow without an id"}
	}
	return c.getFlow(ctx, "", func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.GetRecoveryFlow(ctx).Id(flowID).Execute()
		return resp, err
	})
}
