package kratos

import (
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

func TestIntegrationRecoveryByCode(t *testing.T) {
	srv, courier := selfServiceServer(t, "selfservice")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)
	email := uniqueEmail()
	if _, err := srv.CreateVerifiedIdentity(ctx, email, goodPassword); err != nil {
		t.Fatal(err)
	}

	flow, err := c.CreateRecoveryFlow(ctx)
	if err != nil {
		t.Fatalf("CreateRecoveryFlow: %v", err)
	}
	c.capture(t, "recovery_flow_created")
	logFlow(t, "recovery flow", flow)
	if flow.State != "choose_method" || findNode(flow, "email") == nil {
		t.Errorf("recovery flow: state %q nodes %v", flow.State, nodeNames(flow))
	}
	res, err := c.SubmitRecovery(ctx, flow.ID, map[string]any{"method": "code", "email": email})
	if err != nil {
		t.Fatalf("SubmitRecovery email: %v", err)
	}
	c.capture(t, "recovery_code_sent")
	logFlow(t, "recovery sent", res.Flow)
	if res.Flow.State != "sent_email" || !hasMessage(res.Flow, 1060003) || res.SessionToken != "" {
		t.Errorf("after email: state %q ids %v", res.Flow.State, messageIDs(res.Flow))
	}
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateRecoveryCode)
	if err != nil {
		t.Fatal(err)
	}
	cap.secret(code)

	// A wrong code is a 200 with message 4060006, not an error.
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	res, err = c.SubmitRecovery(ctx, flow.ID, map[string]any{"method": "code", "code": wrong, "email": email})
	if err != nil {
		t.Fatalf("SubmitRecovery wrong code: %v", err)
	}
	c.capture(t, "recovery_wrong_code")
	logFlow(t, "recovery wrong code", res.Flow)
	if !hasMessage(res.Flow, 4060006) || res.SessionToken != "" {
		t.Errorf("wrong code: state %q ids %v", res.Flow.State, messageIDs(res.Flow))
	}
	// The email next to the code is dropped, so no new code was sent and
	// the first one still works.
	res, err = c.SubmitRecovery(ctx, flow.ID, map[string]any{"method": "code", "code": code, "email": email})
	if err != nil {
		t.Fatalf("SubmitRecovery code: %v", err)
	}
	c.capture(t, "recovery_passed")
	logFlow(t, "recovery passed", res.Flow)
	var actions []string
	for _, it := range res.ContinueWith {
		a, _ := it["action"].(string)
		actions = append(actions, a)
	}
	t.Logf("recovery continue_with actions %v", actions)
	if res.Flow.State != "passed_challenge" || !strings.HasPrefix(res.SessionToken, "ory_st_") || res.SettingsFlowID == "" {
		t.Fatalf("passed recovery: state %q token set %v settings flow %q", res.Flow.State, res.SessionToken != "", res.SettingsFlowID)
	}
	cap.secret(res.SessionToken)
	if n := len(courier.Messages()); n == 0 {
		t.Error("courier saw no message")
	}

	// Re-submitting the passed flow.
	_, err = c.SubmitRecovery(ctx, flow.ID, map[string]any{"method": "code", "code": code})
	t.Logf("re-submit passed recovery flow: %v", err)
	mustNotLeak(t, err, code)

	// The new session is aal1 and may set a new password in the named
	// settings flow.
	who, err := c.Whoami(ctx, res.SessionToken)
	if err != nil || who.Email != email {
		t.Fatalf("whoami of recovered session: %+v, %v", who, err)
	}
	t.Logf("recovered session aal %s methods %+v", who.AAL, who.Methods)
	const newPassword = "Recovered-Horse-5521-staple"
	cap.secret(newPassword)
	done, err := c.SubmitSettings(ctx, res.SessionToken, res.SettingsFlowID, map[string]any{"method": "password", "password": newPassword})
	if err != nil {
		t.Fatalf("SubmitSettings new password: %v", err)
	}
	c.capture(t, "settings_password_after_recovery")
	if done.State != "success" || !hasMessage(done, 1050001) {
		t.Errorf("new password: state %q ids %v", done.State, messageIDs(done))
	}
	s := signInPassword(t, c.Client, email, newPassword)
	if s.Email != email {
		t.Errorf("sign in with the new password: %+v", s)
	}

	// Recovery for an address nobody has: Kratos still says "sent".
	flow, err = c.CreateRecoveryFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err = c.SubmitRecovery(ctx, flow.ID, map[string]any{"method": "code", "email": uniqueEmail()})
	if err != nil || res.Flow.State != "sent_email" {
		t.Errorf("unknown address: %+v, %v", res, err)
	}
	// An invalid address is a validation error.
	_, err = c.SubmitRecovery(ctx, flow.ID, map[string]any{"method": "code", "email": "not-an-email"})
	if ae := adapters.AsError(err); ae != nil {
		t.Logf("invalid address: class %s ids %v", ae.Class, func() []string {
			if ae.Flow != nil {
				return messageIDs(ae.Flow)
			}
			return nil
		}())
	} else {
		t.Logf("invalid address accepted (sent_email state keeps the first address?)")
	}
	cap.checkLeaks(t)
}

func TestIntegrationVerificationByCode(t *testing.T) {
	srv, courier := selfServiceServer(t, "selfservice")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)

	// Registration sends a code and names a verification flow.
	reg, err := c.CreateRegistrationFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	email := uniqueEmail()
	s, err := c.SubmitRegistration(ctx, adapters.RegistrationRequest{FlowID: reg.ID,
		Traits: map[string]any{"email": email}, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	vid := continueFlowID(continueItem(s.ContinueWith, actionShowVerification))
	if vid == "" {
		t.Fatalf("registration continue_with %v has no show_verification_ui", s.ContinueWith)
	}
	vf, err := c.GetVerificationFlow(ctx, vid)
	if err != nil {
		t.Fatalf("GetVerificationFlow: %v", err)
	}
	c.capture(t, "verification_flow_from_registration")
	logFlow(t, "verification flow from registration", vf)
	if vf.ID != vid || vf.State != "sent_email" {
		t.Errorf("verification flow %s state %q", vf.ID, vf.State)
	}
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateVerificationCode)
	if err != nil {
		t.Fatal(err)
	}
	cap.secret(code)
	done, err := c.SubmitVerification(ctx, vf.ID, map[string]any{"method": "code", "code": code})
	if err != nil {
		t.Fatalf("SubmitVerification (registration flow): %v", err)
	}
	logFlow(t, "verified from registration flow", done)
	if done.State != "passed_challenge" || !hasMessage(done, 1080002) {
		t.Errorf("verification: state %q ids %v", done.State, messageIDs(done))
	}
	who, err := c.Whoami(ctx, s.Token)
	if err != nil || !who.Verified {
		t.Errorf("whoami after verification: %+v, %v", who, err)
	}

	// A fresh flow for an identity created unverified.
	email = uniqueEmail()
	if _, err := srv.CreateIdentity(ctx, email, goodPassword); err != nil {
		t.Fatal(err)
	}
	s = signInPassword(t, c.Client, email, goodPassword)
	if s.Verified {
		t.Fatal("new identity already verified")
	}
	vf, err = c.CreateVerificationFlow(ctx)
	if err != nil {
		t.Fatalf("CreateVerificationFlow: %v", err)
	}
	c.capture(t, "verification_flow_created")
	logFlow(t, "verification flow", vf)
	got, err := c.SubmitVerification(ctx, vf.ID, map[string]any{"method": "code", "email": email})
	if err != nil {
		t.Fatalf("SubmitVerification email: %v", err)
	}
	c.capture(t, "verification_code_sent")
	logFlow(t, "verification sent", got)
	if got.State != "sent_email" || !hasMessage(got, 1080003) {
		t.Errorf("after email: state %q ids %v", got.State, messageIDs(got))
	}
	code, err = courier.WaitCode(ctx, email, kratostest.TemplateVerificationCode)
	if err != nil {
		t.Fatal(err)
	}
	cap.secret(code)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	got, err = c.SubmitVerification(ctx, vf.ID, map[string]any{"method": "code", "code": wrong})
	if err != nil {
		t.Fatalf("SubmitVerification wrong code: %v", err)
	}
	c.capture(t, "verification_wrong_code")
	logFlow(t, "verification wrong code", got)
	if !hasMessage(got, 4070006) {
		t.Errorf("wrong code: ids %v, want 4070006", messageIDs(got))
	}
	got, err = c.SubmitVerification(ctx, vf.ID, map[string]any{"method": "code", "code": code, "email": email})
	if err != nil {
		t.Fatalf("SubmitVerification code: %v", err)
	}
	c.capture(t, "verification_passed")
	logFlow(t, "verification passed", got)
	if got.State != "passed_challenge" || !hasMessage(got, 1080002) {
		t.Errorf("verification: state %q ids %v", got.State, messageIDs(got))
	}
	who, err = c.Whoami(ctx, s.Token)
	if err != nil || !who.Verified {
		t.Errorf("whoami after verification: %+v, %v", who, err)
	}
	// Submitting the passed flow again.
	again, err := c.SubmitVerification(ctx, vf.ID, map[string]any{"method": "code", "code": code})
	if err != nil {
		t.Logf("re-submit passed verification flow: %v", err)
	} else {
		logFlow(t, "re-submit passed verification flow", again)
	}
	_, err = c.GetVerificationFlow(ctx, "7b2e0c1a-5f7d-4c1e-9a51-0d2b8f3c6e11")
	wantClass(t, err, adapters.ClassFlowNotFound)
	cap.checkLeaks(t)
}
