package kratos

import (
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// The flows of the "selfservice-short" Kratos expire after 1s.

func TestIntegrationExpiredSettingsFlow(t *testing.T) {
	srv, _ := selfServiceServer(t, "selfservice-short")
	cap := selfServiceCaptures
	rec := &pathRecorder{}
	c := realClient(t, srv, Options{Transport: rec})
	ctx := testCtx(t)
	_, s := newAccount(t, srv, c)

	// Profile and password changes continue on Kratos's replacement.
	flow, err := c.CreateSettingsFlow(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	waitPast(t, flow.ExpiresAt.Add(100*time.Millisecond))
	const newPassword = "Expired-Horse-4417-bridge"
	cap.secret(newPassword)
	done, err := c.SubmitSettings(ctx, s.Token, flow.ID, map[string]any{"method": "password", "password": newPassword})
	if err != nil {
		t.Fatalf("SubmitSettings on expired flow: %v\n%v", err, rec.snapshot())
	}
	lines := rec.snapshot()
	t.Logf("exchanges: %v", lines)
	if done.ID == flow.ID || done.State != "success" || !strings.Contains(lines[len(lines)-2], "410") {
		t.Errorf("continued flow %s (old %s) state %q", done.ID, flow.ID, done.State)
	}

	// TOTP enrolment is bound to the old flow's secret: no continuation.
	flow, err = c.CreateSettingsFlow(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	secret := totpSecret(t, flow)
	cap.secret(secret)
	waitPast(t, flow.ExpiresAt.Add(100*time.Millisecond))
	code := totpCode(t, secret)
	_, err = c.SubmitSettings(ctx, s.Token, flow.ID, map[string]any{"method": "totp", "totp_code": code})
	ae := wantClass(t, err, adapters.ClassFlowExpired)
	t.Logf("expired totp enrolment: status %d id %q use_flow_id %q message %q", ae.Status, ae.ID, ae.UseFlowID, ae.Message)
	if ae.UseFlowID == "" || ae.UseFlowID == flow.ID || ae.ID != idFlowExpired {
		t.Errorf("expired settings flow: %+v", ae)
	}
	mustNotLeak(t, err, code, s.Token)
}

func TestIntegrationExpiredRecoveryFlow(t *testing.T) {
	srv, courier := selfServiceServer(t, "selfservice-short")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)
	email := uniqueEmail()
	if _, err := srv.CreateVerifiedIdentity(ctx, email, goodPassword); err != nil {
		t.Fatal(err)
	}
	// The email continues on the replacement, which sends the code.
	flow, err := c.CreateRecoveryFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitPast(t, flow.ExpiresAt.Add(100*time.Millisecond))
	res, err := c.SubmitRecovery(ctx, flow.ID, map[string]any{"method": "code", "email": email})
	if err != nil {
		t.Fatalf("SubmitRecovery email on expired flow: %v", err)
	}
	logFlow(t, "continued recovery", res.Flow)
	if res.Flow.ID == flow.ID || res.Flow.State != "sent_email" {
		t.Errorf("continued recovery flow %s (old %s) state %q", res.Flow.ID, flow.ID, res.Flow.State)
	}
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateRecoveryCode)
	if err != nil {
		t.Fatal(err)
	}
	cap.secret(code)
	// A code on an expired flow: ClassFlowExpired with the replacement.
	waitPast(t, res.Flow.ExpiresAt.Add(100*time.Millisecond))
	_, err = c.SubmitRecovery(ctx, res.Flow.ID, map[string]any{"method": "code", "code": code})
	ae := wantClass(t, err, adapters.ClassFlowExpired)
	c.capture(t, "recovery_expired_flow")
	t.Logf("expired recovery code: status %d id %q use_flow_id %q message %q", ae.Status, ae.ID, ae.UseFlowID, ae.Message)
	if ae.UseFlowID == "" || ae.UseFlowID == res.Flow.ID {
		t.Errorf("expired recovery: %+v", ae)
	}
	mustNotLeak(t, err, code)
	cap.checkLeaks(t)
}

func TestIntegrationExpiredVerificationFlow(t *testing.T) {
	srv, courier := selfServiceServer(t, "selfservice-short")
	cap := selfServiceCaptures
	rec := &pathRecorder{}
	c := realClient(t, srv, Options{Transport: rec})
	ctx := testCtx(t)
	email := uniqueEmail()
	if _, err := srv.CreateIdentity(ctx, email, goodPassword); err != nil {
		t.Fatal(err)
	}
	flow, err := c.CreateVerificationFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitPast(t, flow.ExpiresAt.Add(100*time.Millisecond))
	got, err := c.SubmitVerification(ctx, flow.ID, map[string]any{"method": "code", "email": email})
	t.Logf("exchanges: %v", rec.snapshot())
	if err != nil {
		t.Fatalf("SubmitVerification email on expired flow: %v", err)
	}
	logFlow(t, "continued verification", got)
	if got.ID == flow.ID || got.State != "sent_email" {
		t.Errorf("continued verification flow %s (old %s) state %q", got.ID, flow.ID, got.State)
	}
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateVerificationCode)
	if err != nil {
		t.Fatal(err)
	}
	cap.secret(code)
	waitPast(t, got.ExpiresAt.Add(100*time.Millisecond))
	_, err = c.SubmitVerification(ctx, got.ID, map[string]any{"method": "code", "code": code})
	ae := wantClass(t, err, adapters.ClassFlowExpired)
	t.Logf("expired verification code: %+v", ae)
	mustNotLeak(t, err, code)
	// Fetching an expired native flow.
	_, err = c.GetVerificationFlow(ctx, got.ID)
	ae = wantClass(t, err, adapters.ClassFlowExpired)
	t.Logf("get expired verification flow: status %d id %q message %q", ae.Status, ae.ID, ae.Message)
}
