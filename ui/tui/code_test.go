package tui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events"
)

// Sign-in and sign-up by e-mailed codes, from captured answers.
func TestSignInCodeOfferedScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_code_flow_created_200.json")))
}

func TestSignInCodeSentScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_code_sent_400.json")))
}

func TestSignUpCodeSentScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(registrationForm(t, "registration_code_sent_400.json")))
}

// TestSignInCodeKeys: Enter with an identifier alone lets the machine
// choose (a code, as the form offers one); the button names the code;
// on the code screen Enter sends the code, Resend asks for a new one.
func TestSignInCodeKeys(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_code_flow_created_200.json"))
	h.typeText("ada@example.org")
	h.key(tcell.KeyEnter)
	in, ok := h.host.last().(events.SignInSubmitted)
	if !ok || in.Identifier != "ada@example.org" || in.Method != "" || in.Password != "" {
		t.Fatalf("Enter published %#v", h.host.last())
	}

	h.feed(loginForm(t, "login_code_flow_created_200.json"))
	h.key(tcell.KeyTab) // "Send sign in code"
	h.key(tcell.KeyEnter)
	if in, ok := h.host.last().(events.SignInSubmitted); !ok || in.Method != "code" {
		t.Fatalf("the code button published %#v", h.host.last())
	}

	h.feed(loginForm(t, "login_code_sent_400.json"))
	h.typeText("123456")
	h.key(tcell.KeyEnter)
	if in, ok := h.host.last().(events.SignInSubmitted); !ok || in.Code != "123456" || in.Resend {
		t.Fatalf("Enter in the code published %#v", h.host.last())
	}

	h.feed(loginForm(t, "login_code_sent_400.json"))
	h.key(tcell.KeyTab) // Continue
	h.key(tcell.KeyTab) // Resend code
	h.key(tcell.KeyEnter)
	if in, ok := h.host.last().(events.SignInSubmitted); !ok || !in.Resend || in.Method != "code" {
		t.Fatalf("Resend published %#v", h.host.last())
	}
}

// TestEndToEndCodeSignIn signs in through the TUI with a code the real
// Kratos e-mailed.
func TestEndToEndCodeSignIn(t *testing.T) {
	courier := kratostest.NewCourier(t)
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.code.schema.json", CourierURL: courier.URL(),
		Env: map[string]string{"SELFSERVICE_METHODS_CODE_PASSWORDLESS_ENABLED": "true"}})
	email := fmt.Sprintf("tui-code-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	h := startApp(t, srv.PublicURL)
	h.waitFor("the sign-in form", has("Sign in with ORY", "Send sign in code"))
	h.typeText(email)
	h.key(tcell.KeyEnter)
	h.waitFor("the code screen", has("Login code", "Resend code", "An email containing a code has been sent"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateLoginCode)
	if err != nil {
		t.Fatal(err)
	}
	h.typeText(code)
	h.key(tcell.KeyEnter)
	h.waitFor("the session", has("Session information"))
}

// TestEndToEndCodeSecondFactor: with code.mfa_enabled the TUI asks where
// to send the second factor, then for the e-mailed code; the session is
// then aal2.
func TestEndToEndCodeSecondFactor(t *testing.T) {
	courier := kratostest.NewCourier(t)
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.code.schema.json", CourierURL: courier.URL(),
		Env: map[string]string{"SELFSERVICE_METHODS_CODE_MFA_ENABLED": "true"}})
	email := fmt.Sprintf("tui-mfa-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	h := startApp(t, srv.PublicURL)
	h.waitFor("the sign-in form", signInForm)
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyEnter)
	h.waitFor("the choice of address", has("Second factor", "Send code to "+email))
	h.key(tcell.KeyEnter)
	h.waitFor("the code field", has("Login code", "Resend code"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateLoginCode)
	if err != nil {
		t.Fatal(err)
	}
	h.typeText(code)
	h.key(tcell.KeyEnter)
	h.waitFor("the aal2 session", has("Session information", "aal2"))
}

func TestSecondFactorCodeOfferedScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(secondFactorForm(t, "login_aal2_code_offered_200.json")))
}

func TestSecondFactorCodeSentScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(secondFactorForm(t, "login_aal2_code_sent_400.json")))
}

// TestSecondFactorCodeKeys: the address button asks to send the code
// there; on the code screen Enter sends the code, Resend a new one.
func TestSecondFactorCodeKeys(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(secondFactorForm(t, "login_aal2_code_offered_200.json"))
	h.key(tcell.KeyEnter)
	if in, ok := h.host.last().(events.SecondFactorSubmitted); !ok || in.Method != "code" || in.Address != "fixture-user@example.com" {
		t.Fatalf("the address button published %#v", h.host.last())
	}
	h.feed(secondFactorForm(t, "login_aal2_code_sent_400.json"))
	h.typeText("654321")
	h.key(tcell.KeyEnter)
	if in, ok := h.host.last().(events.SecondFactorSubmitted); !ok || in.Method != "code" || in.Code != "654321" {
		t.Fatalf("Enter in the code published %#v", h.host.last())
	}
}
