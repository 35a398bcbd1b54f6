package app_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// flowForm is the part of a self-service form state the tests read.
type flowForm struct {
	FlowID       string             `json:"flow_id"`
	State        string             `json:"state"`
	GeneralError string             `json:"general_error"`
	Notice       string             `json:"notice"`
	Messages     []adapters.Message `json:"messages"`
	FieldErrors  map[string][]adapters.Message
	UI           adapters.UI `json:"ui"`
}

// node returns the node with the given attribute id or name.
func node(ui adapters.UI, key string) *adapters.Node {
	for i, n := range ui.Nodes {
		if n.Attributes.ID == key || n.Attributes.Name == key {
			return &ui.Nodes[i]
		}
	}
	return nil
}

func totpSecret(t *testing.T, ui adapters.UI) string {
	t.Helper()
	n := node(ui, "totp_secret_key")
	if n == nil || n.Attributes.Text == nil {
		t.Fatalf("settings form has no TOTP secret node: %+v", ui.Nodes)
	}
	if s, ok := n.Attributes.Text.Context["secret"].(string); ok && s != "" {
		return s
	}
	return n.Attributes.Text.Text
}

func lookupCodes(t *testing.T, ui adapters.UI) []string {
	t.Helper()
	n := node(ui, "lookup_secret_codes")
	if n == nil || n.Attributes.Text == nil {
		t.Fatalf("settings form has no backup codes node")
	}
	var codes []string
	secrets, _ := n.Attributes.Text.Context["secrets"].([]any)
	for _, s := range secrets {
		if m, ok := s.(map[string]any); ok {
			if ctx, ok := m["context"].(map[string]any); ok {
				if code, ok := ctx["secret"].(string); ok {
					codes = append(codes, code)
				}
			}
		}
	}
	if len(codes) == 0 {
		t.Fatalf("no backup codes in %+v", n.Attributes.Text)
	}
	return codes
}

func hasAnyMessage(f flowForm, id int64) bool {
	if hasMessage(f.Messages, id) {
		return true
	}
	for _, n := range f.UI.Nodes {
		if hasMessage(n.Messages, id) {
			return true
		}
	}
	return false
}

func signInTo(t *testing.T, c *client, email, pw, want string) line {
	t.Helper()
	c.send("LoginFlowRequested", nil)
	c.await("LoginFormShown")
	c.send("SignInSubmitted", map[string]any{"identifier": email, "password": pw})
	return c.await(want)
}

func signOut(t *testing.T, c *client) {
	t.Helper()
	c.send("SignOutRequested", nil)
	if out := decode[signedOut](t, c.await("SignedOut")); out.Reason != "signed_out" {
		t.Fatalf("sign-out: %+v", out)
	}
}

func TestTOTPEnrolAndSignIn(t *testing.T) {
	srv := kratosServer(t)
	c := startClient(t, srv.PublicURL, clientOptions{reveal: true})
	email := uniqueEmail(t)
	signUp(t, c, email)

	c.send("SettingsRequested", nil)
	secret := totpSecret(t, decode[flowForm](t, c.await("SettingsFormShown")).UI)
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c.send("SettingsSubmitted", map[string]any{"method": "totp", "values": map[string]string{"totp_code": code}})
	if saved := decode[flowForm](t, c.await("SettingsFormShown")); saved.Notice != fsm.MessageSettingsSaved {
		t.Fatalf("TOTP not enrolled: %+v", saved)
	}
	c.send("HomeRequested", nil)
	c.await("SignedIn")
	signOut(t, c)

	sf := decode[flowForm](t, signInTo(t, c, email, password, "SecondFactorFormShown"))
	if sf.FlowID == "" {
		t.Fatal("second-factor form without a flow")
	}
	c.send("SecondFactorSubmitted", map[string]any{"method": "totp", "code": "000000"})
	if bad := decode[flowForm](t, c.await("SecondFactorFormShown")); !hasAnyMessage(bad, 4000008) {
		t.Fatalf("wrong TOTP code: want message 4000008, got %+v", bad)
	}
	code, _ = totp.GenerateCode(secret, time.Now())
	c.send("SecondFactorSubmitted", map[string]any{"method": "totp", "code": code})
	in := decode[struct {
		signedIn
		AAL string `json:"aal"`
	}](t, c.await("SignedIn"))
	if in.AAL != "aal2" || in.Email != email {
		t.Fatalf("after TOTP: %+v", in)
	}
}

func TestBackupCodeSignInOnce(t *testing.T) {
	srv := kratosServer(t)
	c := startClient(t, srv.PublicURL, clientOptions{reveal: true})
	email := uniqueEmail(t)
	signUp(t, c, email)

	c.send("SettingsRequested", nil)
	c.await("SettingsFormShown")
	c.send("SettingsSubmitted", map[string]any{"method": "lookup_secret", "values": map[string]string{"lookup_secret_regenerate": "true"}})
	codes := lookupCodes(t, decode[flowForm](t, c.await("SettingsFormShown")).UI)
	c.send("SettingsSubmitted", map[string]any{"method": "lookup_secret", "values": map[string]string{"lookup_secret_confirm": "true"}})
	if saved := decode[flowForm](t, c.await("SettingsFormShown")); saved.Notice != fsm.MessageSettingsSaved {
		t.Fatalf("backup codes not confirmed: %+v", saved)
	}
	c.send("HomeRequested", nil)
	c.await("SignedIn")
	signOut(t, c)

	signInTo(t, c, email, password, "SecondFactorFormShown")
	c.send("SecondFactorSubmitted", map[string]any{"method": "lookup_secret", "code": codes[0]})
	c.await("SignedIn")
	signOut(t, c)

	signInTo(t, c, email, password, "SecondFactorFormShown")
	c.send("SecondFactorSubmitted", map[string]any{"method": "lookup_secret", "code": codes[0]})
	if again := decode[flowForm](t, c.await("SecondFactorFormShown")); !hasAnyMessage(again, 4000012) {
		t.Fatalf("used backup code: want message 4000012, got %+v", again)
	}
	c.send("SecondFactorSubmitted", map[string]any{"method": "lookup_secret", "code": codes[1]})
	c.await("SignedIn")
}

func courierServer(t *testing.T, opts kratostest.Options) (*kratostest.Server, *kratostest.Courier) {
	t.Helper()
	if _, err := kratostest.BinaryPath(); err != nil && !strings.EqualFold(getenv("KRATOS_REQUIRED"), "1") {
		t.Skipf("no Kratos binary: %v", err)
	}
	courier := kratostest.NewCourier(t)
	opts.CourierURL = courier.URL()
	return kratostest.New(t, opts), courier
}

func TestRecoverForgottenPassword(t *testing.T) {
	srv, courier := courierServer(t, kratostest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	email := uniqueEmail(t)
	if _, err := srv.CreateVerifiedIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	c.send("LoginFlowRequested", nil)
	c.await("LoginFormShown")
	c.send("RecoveryRequested", nil)
	c.await("RecoveryFormShown")
	c.send("RecoverySubmitted", map[string]any{"email": email})
	if sent := decode[flowForm](t, c.await("RecoveryFormShown")); sent.State != "sent_email" {
		t.Fatalf("recovery email not sent: %+v", sent)
	}
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateRecoveryCode)
	if err != nil {
		t.Fatal(err)
	}
	c.send("RecoverySubmitted", map[string]any{"code": "000000"})
	if wrong := decode[flowForm](t, c.await("RecoveryFormShown")); !hasAnyMessage(wrong, 4060006) {
		t.Fatalf("wrong recovery code: want 4060006, got %+v", wrong)
	}
	c.send("RecoverySubmitted", map[string]any{"code": code})
	if set := decode[flowForm](t, c.await("SettingsFormShown")); set.Notice != fsm.MessageRecoveryPassed {
		t.Fatalf("after the recovery code: %+v", set)
	}
	const newPassword = "a-brand-new-password-77"
	c.send("SettingsSubmitted", map[string]any{"method": "password", "values": map[string]string{"password": newPassword}})
	if saved := decode[flowForm](t, c.await("SettingsFormShown")); saved.Notice != fsm.MessageSettingsSaved {
		t.Fatalf("new password not saved: %+v", saved)
	}
	c.send("HomeRequested", nil)
	c.await("SignedIn")
	signOut(t, c)
	if in := decode[signedIn](t, signInTo(t, c, email, newPassword, "SignedIn")); in.Email != email {
		t.Fatalf("sign-in with the new password: %+v", in)
	}
}

func TestVerifyAddressAfterSignUp(t *testing.T) {
	srv, courier := courierServer(t, kratostest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := startClient(t, srv.PublicURL, clientOptions{})
	email := uniqueEmail(t)
	signUp(t, c, email)
	c.send("VerificationRequested", nil)
	c.await("VerificationFormShown")
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateVerificationCode)
	if err != nil {
		t.Fatal(err)
	}
	c.send("VerificationSubmitted", map[string]any{"code": code})
	if done := decode[flowForm](t, c.await("VerificationFormShown")); done.Notice != fsm.MessageVerified || !hasAnyMessage(done, 1080002) {
		t.Fatalf("after the verification code: %+v", done)
	}
	c.send("HomeRequested", nil)
	home := decode[struct {
		Verified bool `json:"verified"`
	}](t, c.await("SignedIn"))
	if !home.Verified {
		t.Fatal("home does not show the address as verified")
	}
}

func TestPasswordChangeAfterPrivilegedWindowReauthenticates(t *testing.T) {
	if _, err := kratostest.BinaryPath(); err != nil && getenv("KRATOS_REQUIRED") != "1" {
		t.Skipf("no Kratos binary: %v", err)
	}
	srv := kratostest.New(t, kratostest.Options{PrivilegedSessionMaxAge: "1s"})
	c := startClient(t, srv.PublicURL, clientOptions{})
	email := uniqueEmail(t)
	signUp(t, c, email)
	waitUntil(t, time.Now().Add(1200*time.Millisecond)) // past the privileged window
	c.send("SettingsRequested", nil)
	c.await("SettingsFormShown")
	const newPassword = "changed-after-refresh-88"
	c.send("SettingsSubmitted", map[string]any{"method": "password", "values": map[string]string{"password": newPassword}})
	c.await("ReauthenticationFormShown")
	c.send("ReauthenticationSubmitted", map[string]any{"password": "wrong-password-000"})
	c.await("ReauthenticationFormShown")
	c.send("ReauthenticationSubmitted", map[string]any{"password": password})
	if saved := decode[flowForm](t, c.await("SettingsFormShown")); saved.Notice != fsm.MessageSettingsSaved {
		t.Fatalf("change after re-authentication: %+v", saved)
	}
	c.send("HomeRequested", nil)
	c.await("SignedIn")
	signOut(t, c)
	signInTo(t, c, email, newPassword, "SignedIn")
}

func TestListAndRevokeSessions(t *testing.T) {
	srv := kratosServer(t)
	c := startClient(t, srv.PublicURL, clientOptions{})
	email := uniqueEmail(t)
	signUp(t, c, email)
	other, err := srv.LoginSessionToken(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	type listed struct {
		Sessions []struct {
			ID      string `json:"id"`
			Current bool   `json:"current"`
		} `json:"sessions"`
		Notice string `json:"notice"`
	}
	c.send("SessionsRequested", nil)
	list := decode[listed](t, c.await("SessionsListShown"))
	var otherID string
	for _, s := range list.Sessions {
		if !s.Current {
			otherID = s.ID
		}
	}
	if len(list.Sessions) != 2 || otherID == "" {
		t.Fatalf("want the current and one other session, got %+v", list)
	}
	c.send("SessionRevocationRequested", map[string]any{"session_id": otherID})
	after := decode[listed](t, c.await("SessionsListShown"))
	if len(after.Sessions) != 1 || after.Notice == "" {
		t.Fatalf("after revoking: %+v", after)
	}
	if got := whoamiStatus(t, srv, other); got != 401 {
		t.Fatalf("revoked session's whoami answered %d, want 401", got)
	}
}

func getenv(k string) string { return os.Getenv(k) }
