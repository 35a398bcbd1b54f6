package kratos

import (
	"context"
	"net/http"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// CreateSettingsFlow starts a native settings flow for the session of
// token. A missing or invalid token yields ClassUnauthorized; a session
// below the required assurance level yields ClassAAL2Required.
func (c *Client) CreateSettingsFlow(ctx context.Context, token string) (*adapters.Flow, error) {
	if token == "" {
		return nil, noToken()
	}
	return c.createFlow(ctx, token, func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.CreateNativeSettingsFlow(ctx).XSessionToken(token).Execute()
		return resp, err
	})
}

// SubmitSettings submits one method of a settings flow from a generic
// form body: profile (traits), password, totp (totp_code to enrol,
// totp_unlink), lookup_secret (lookup_secret_regenerate, _reveal, _confirm,
// _disable). Success is the flow with State "success" and message 1050001;
// the flow also carries what the method shows next (the TOTP secret and QR
// code, the backup codes).
//
// Errors: ClassValidation with the flow (e.g. 4000008 wrong TOTP code,
// 4000032 password too short); ClassRefreshRequired when the session is
// older than privileged_session_max_age (re-authenticate with a refresh
// login flow and submit again); ClassAAL2Required; ClassUnauthorized.
//
// An expired flow (410 with use_flow_id) is continued transparently on
// Kratos's replacement when the submission does not depend on state kept in
// the old flow: profile, password, totp_unlink and lookup_secret
// regenerate, reveal and disable. Enrolling TOTP (totp_code) is bound to
// the secret of the old flow and confirming backup codes to the codes the
// old flow generated, so those yield ClassFlowExpired with UseFlowID: show
// the replacement flow (a new secret, new codes) and let the user start
// over.
func (c *Client) SubmitSettings(ctx context.Context, token, flowID string, body map[string]any) (*adapters.Flow, error) {
	if token == "" {
		return nil, noToken()
	}
	secrets := formSecrets(body, token)
	form, err := normalizeForm(body)
	if err != nil {
		return nil, fail(&adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: settings form: " + err.Error()}, secrets...)
	}
	var union ory.UpdateSettingsFlowBody
	if aerr := decodeUnion("settings", form, &union); aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	x, aerr := c.submitForm(ctx, flowID, form, settingsMayContinue,
		func(ctx context.Context, flowID string) (*http.Response, error) {
			_, resp, err := c.api.UpdateSettingsFlow(ctx).Flow(flowID).
				XSessionToken(token).UpdateSettingsFlowBody(union).Execute()
			return resp, err
		})
	if aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	return c.decodeFlowAnswer(x, secrets)
}

// settingsMayContinue reports whether a settings submission can be
// repeated on a replacement flow (see SubmitSettings).
func settingsMayContinue(form map[string]any) bool {
	switch formMethod(form) {
	case "profile", methodPassword:
		return true
	case "totp":
		unlink, _ := form["totp_unlink"].(bool)
		code, _ := form["totp_code"].(string)
		return unlink && code == ""
	case "lookup_secret":
		confirm, _ := form["lookup_secret_confirm"].(bool)
		return !confirm
	}
	return false
}
