package tui_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events"
)

// Kratos's default registration (two steps), from captured answers.
func TestSignUpTwoStepProfileScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(registrationForm(t, "registration_two_step_flow_created_200.json")))
}

func TestSignUpTwoStepChooseCredentialScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(registrationForm(t, "registration_two_step_choose_credential_400.json")))
}

// TestSignUpTwoStepButtons: Enter on the profile sends it without naming
// a method (the machine chooses the profile step); on the second screen
// Enter in the password sends the password with the hidden traits, and
// Back sends screen "previous".
func TestSignUpTwoStepButtons(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(registrationForm(t, "registration_two_step_flow_created_200.json"))
	h.typeText("ada@example.org")
	h.key(tcell.KeyEnter)
	up, ok := h.host.last().(events.SignUpSubmitted)
	if !ok || up.Method != "" || up.Email != "ada@example.org" || up.Password != "" {
		t.Fatalf("the profile's Enter published %#v", h.host.last())
	}

	h.feed(registrationForm(t, "registration_two_step_choose_credential_400.json"))
	h.typeText("a-long-password-42")
	h.key(tcell.KeyEnter)
	up, ok = h.host.last().(events.SignUpSubmitted)
	if !ok || up.Method != "" || up.Password != "a-long-password-42" || up.Traits["email"] != "fixture-user@example.com" {
		t.Fatalf("Enter in the password published %#v", h.host.last())
	}

	h.feed(registrationForm(t, "registration_two_step_choose_credential_400.json"))
	// Back: past the password and "Sign up".
	h.key(tcell.KeyTab)
	h.key(tcell.KeyTab)
	h.key(tcell.KeyEnter)
	up, ok = h.host.last().(events.SignUpSubmitted)
	if !ok || up.Screen != "previous" {
		t.Fatalf("Back published %#v", h.host.last())
	}
}

// TestEndToEndTwoStepSignUp signs up through the TUI with Kratos's
// default registration: profile, Back, profile again, password.
func TestEndToEndTwoStepSignUp(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{Env: map[string]string{"SELFSERVICE_FLOWS_REGISTRATION_ENABLE_LEGACY_ONE_STEP": "false"}})
	h := startApp(t, srv.PublicURL)
	email := fmt.Sprintf("tui-two-step-%d@example.com", time.Now().UnixNano())

	h.waitFor("the sign-in form", signInForm)
	h.key(tcell.KeyF2)
	h.waitFor("the profile", has("Sign up with ORY", "First Name"))
	if f := h.frame(); has("Password")(f) {
		t.Fatalf("the profile screen asks for a password:\n%s", f)
	}
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText("Ada")
	h.key(tcell.KeyTab)
	h.key(tcell.KeyEnter) // Enter in the last field submits the profile
	h.waitFor("the choice of credential", has("Please choose a credential", "Password", "Back"))

	h.key(tcell.KeyTab)
	h.key(tcell.KeyTab)
	h.key(tcell.KeyEnter) // Back
	back := h.waitFor("the profile again", has("First Name", "tui-two-step-", "Ada"))
	if has("Please choose a credential")(back) {
		t.Fatalf("Back did not leave the choice of credential:\n%s", back)
	}
	h.key(tcell.KeyEnter)
	h.waitFor("the choice of credential", has("Please choose a credential", "Password", "Back"))
	h.typeText(password)
	h.key(tcell.KeyEnter)
	h.waitFor("the session", has("Session information", email))
}
