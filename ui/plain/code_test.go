package plain_test

import (
	"context"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TestPlainTwoStepSignUpAndCodeSignIn: with Kratos's default two-step
// registration and sign-in by code, the plain UI asks for the profile,
// then the password; and signs in with an e-mail address alone, then the
// code Kratos e-mailed.
func TestPlainTwoStepSignUpAndCodeSignIn(t *testing.T) {
	courier := kratostest.NewCourier(t)
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.code.schema.json", CourierURL: courier.URL(),
		Env: map[string]string{
			"SELFSERVICE_METHODS_CODE_PASSWORDLESS_ENABLED":         "true",
			"SELFSERVICE_FLOWS_REGISTRATION_ENABLE_LEGACY_ONE_STEP": "false",
		}})
	s := start(t, srv.PublicURL)
	email := uniqueEmail(t)
	s.await("Sign in")
	s.await("E-Mail")
	s.send("signup")
	s.await("Sign up")
	// The profile: E-Mail, First Name, Last Name; no password yet.
	s.await("E-Mail")
	s.send(email, "Ada", "")
	s.await("Please choose a credential")
	s.await("Password")
	s.send(password)
	s.await("Session information")
	s.await("Command")
	s.send("logout")
	s.await("You are signed out.")
	s.await("E-Mail")
	s.send(email, "") // no password: Kratos e-mails a code
	s.await("An email containing a code has been sent")
	s.await("Login code")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateLoginCode)
	if err != nil {
		t.Fatal(err)
	}
	s.send(code)
	s.await("Session information")
	s.await("Command")
	s.send("quit")
}
