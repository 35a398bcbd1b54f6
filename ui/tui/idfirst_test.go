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

// Identifier-first login, from captured answers.
func TestSignInIdentifierFirstScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_identifier_first_created_200.json")))
}

func TestSignInIdentifierFirstMethodsScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_identifier_first_methods_400.json")))
}

func TestSignInIdentifierFirstUnknownScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_identifier_first_unknown_400.json")))
}

// TestSignInIdentifierFirstChange: on the methods screen, Esc changes the
// e-mail (a new flow); the password sent names no method.
func TestSignInIdentifierFirstChange(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_identifier_first_methods_400.json"))
	if f := h.frame(); !has("fixture-user@example.com", "Change e-mail")(f) {
		t.Fatalf("the methods screen should show whose they are and offer a change:\n%s", f)
	}
	h.typeText("a-long-password-42")
	h.key(tcell.KeyEnter)
	if in, ok := h.host.last().(events.SignInSubmitted); !ok || in.Password != "a-long-password-42" || in.Method != "" {
		t.Fatalf("Enter published %#v", h.host.last())
	}
	h.feed(loginForm(t, "login_identifier_first_methods_400.json"))
	h.key(tcell.KeyEscape)
	if h.host.last() != (events.LoginFlowRequested{}) {
		t.Fatalf("Esc published %#v", h.host.last())
	}
}

// TestEndToEndIdentifierFirstSignIn: the identifier, then the password,
// through the TUI against the real Kratos.
func TestEndToEndIdentifierFirstSignIn(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.code.schema.json",
		Env: map[string]string{"SELFSERVICE_METHODS_CODE_PASSWORDLESS_ENABLED": "true", "SELFSERVICE_FLOWS_LOGIN_STYLE": "identifier_first"}})
	email := fmt.Sprintf("tui-idf-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	h := startApp(t, srv.PublicURL)
	h.waitFor("the identifier", has("Sign in with ORY", "E-Mail", "Continue"))
	h.typeText(email)
	h.key(tcell.KeyEnter)
	h.waitFor("the methods", has("Password", "Send sign in code", "Change e-mail"))
	h.typeText(password)
	h.key(tcell.KeyEnter)
	h.waitFor("the session", has("Session information"))
}
