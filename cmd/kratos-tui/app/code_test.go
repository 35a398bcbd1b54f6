package app_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// codeEnv turns on sign-in and sign-up by an e-mailed code, with Kratos's
// default two-step registration.
var codeEnv = map[string]string{
	"SELFSERVICE_METHODS_CODE_PASSWORDLESS_ENABLED":         "true",
	"SELFSERVICE_FLOWS_REGISTRATION_ENABLE_LEGACY_ONE_STEP": "false",
	// A session right after signing up by code, as after a password.
	"SELFSERVICE_FLOWS_REGISTRATION_AFTER_CODE_HOOKS_0_HOOK": "session",
}

// codeServer is a Kratos whose e-mails (the codes) go to the returned
// courier; the identity schema makes the e-mail a code identifier.
func codeServer(t *testing.T, env map[string]string) (*kratostest.Server, *kratostest.Courier) {
	t.Helper()
	if _, err := kratostest.BinaryPath(); err != nil && os.Getenv("KRATOS_REQUIRED") != "1" {
		t.Skip(err)
	}
	courier := kratostest.NewCourier(t)
	srv := kratostest.New(t, kratostest.Options{
		IdentitySchema: "identity.code.schema.json", CourierURL: courier.URL(), Env: env,
	})
	return srv, courier
}

func waitCode(t *testing.T, c *kratostest.Courier, email, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := c.WaitCode(ctx, email, template)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestCodeSignUpAndSignIn signs up and in by e-mailed codes: sending a
// code is Kratos's HTTP 400 with the flow in state sent_email, shown as
// the next screen; Resend makes a new code and the old one is refused.
func TestCodeSignUpAndSignIn(t *testing.T) {
	srv, courier := codeServer(t, codeEnv)
	c := startClient(t, srv.PublicURL, clientOptions{})
	email := uniqueEmail(t)
	c.await("SignedOut")
	c.send("RegistrationFlowRequested", nil)
	c.await("RegistrationFormShown")
	c.send("SignUpSubmitted", map[string]any{"email": email})
	choose := decode[flowForm](t, c.await("RegistrationFormShown"))
	if submitNode(choose.UI, "method", "code") == nil {
		t.Fatalf("the choice of credential should offer a code: %+v", choose.UI.Nodes)
	}

	c.send("SignUpSubmitted", map[string]any{"method": "code"})
	sent := decode[flowForm](t, c.await("RegistrationFormShown"))
	if sent.State != "sent_email" || !hasMessage(sent.Messages, 1040005) || node(sent.UI, "code") == nil || sent.GeneralError != "" {
		t.Fatalf("sending the code should show the code screen (sent_email, 1040005), not an error: %+v", sent)
	}
	first := waitCode(t, courier, email, kratostest.TemplateRegistrationCode)

	c.send("SignUpSubmitted", map[string]any{"method": "code", "resend": true})
	resent := decode[flowForm](t, c.await("RegistrationFormShown"))
	if resent.State != "sent_email" || resent.Notice == "" {
		t.Fatalf("resend: %+v", resent)
	}
	second := waitCode(t, courier, email, kratostest.TemplateRegistrationCode)
	if first != second {
		c.send("SignUpSubmitted", map[string]any{"code": first})
		if bad := decode[flowForm](t, c.await("RegistrationFormShown")); !hasAnyMessage(bad, 4040003) {
			t.Fatalf("the code before the resend should be refused (4040003): %+v", bad)
		}
	}
	c.send("SignUpSubmitted", map[string]any{"code": second})
	if in := decode[signedIn](t, c.await("SignedIn")); in.Email != email {
		t.Fatalf("signed up as %+v", in)
	}
	signOut(t, c)

	c.send("LoginFlowRequested", nil)
	login := decode[flowForm](t, c.await("LoginFormShown"))
	if submitNode(login.UI, "method", "code") == nil {
		t.Fatalf("the sign-in form should offer a code: %+v", login.UI.Nodes)
	}
	c.send("SignInSubmitted", map[string]any{"identifier": email})
	sentLogin := decode[flowForm](t, c.await("LoginFormShown"))
	if sentLogin.State != "sent_email" || node(sentLogin.UI, "code") == nil || sentLogin.GeneralError != "" {
		t.Fatalf("an identifier alone should send a sign-in code: %+v", sentLogin)
	}
	code := waitCode(t, courier, email, kratostest.TemplateLoginCode)
	c.send("SignInSubmitted", map[string]any{"code": "000000"})
	if bad := decode[flowForm](t, c.await("LoginFormShown")); bad.GeneralError == "" && !hasAnyMessage(bad, 4010008) {
		t.Fatalf("a wrong sign-in code should be refused: %+v", bad)
	}
	c.send("SignInSubmitted", map[string]any{"code": code})
	if in := decode[signedIn](t, c.await("SignedIn")); in.Email != email {
		t.Fatalf("signed in as %+v", in)
	}
	_ = fsm.MessageFormExpired
}

// TestCodeAsSecondFactor: with code.mfa_enabled, a password sign-in asks
// for a second factor by e-mail: the address to send it to (as Kratos
// offers it), then the e-mailed code; the session is then aal2.
func TestCodeAsSecondFactor(t *testing.T) {
	srv, courier := codeServer(t, map[string]string{"SELFSERVICE_METHODS_CODE_MFA_ENABLED": "true"})
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	sf := decode[flowForm](t, signInTo(t, c, email, password, "SecondFactorFormShown"))
	if submitNode(sf.UI, "address", email) == nil {
		t.Fatalf("the second factor should offer to send a code to %s: %+v", email, sf.UI.Nodes)
	}
	c.send("SecondFactorSubmitted", map[string]any{"method": "code", "address": email})
	sent := decode[flowForm](t, c.await("SecondFactorFormShown"))
	if sent.State != "sent_email" || node(sent.UI, "code") == nil || sent.GeneralError != "" {
		t.Fatalf("sending the code should show the code field, not an error: %+v", sent)
	}
	code := waitCode(t, courier, email, kratostest.TemplateLoginCode)
	c.send("SecondFactorSubmitted", map[string]any{"method": "code", "code": code})
	in := decode[struct {
		signedIn
		AAL string `json:"aal"`
	}](t, c.await("SignedIn"))
	if in.AAL != "aal2" || in.Email != email {
		t.Fatalf("after the code: %+v", in)
	}
}
