package tui_test

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
)

// TestRefusedSignUpKeepsWhatWasTyped: Kratos sends the sign-up form back
// without the values (4000007, the account exists); every non-secret field
// is refilled, the password is not; the e-mail carries on to the sign-in
// form and to "Forgot password?" (issue 11, item 3).
func TestRefusedSignUpKeepsWhatWasTyped(t *testing.T) {
	h := newHarness(t, 80, 30, testOpts)
	h.feed(registrationForm(t, "registration_flow_created_200.json"))
	h.typeText("ada@example.com")
	h.key(tcell.KeyTab)
	h.typeText("secret-Password-1")
	h.key(tcell.KeyTab)
	h.typeText("Ada")
	h.key(tcell.KeyTab)
	h.typeText("Lovelace")
	h.key(tcell.KeyEnter)
	if _, ok := h.host.last().(events.SignUpSubmitted); !ok {
		t.Fatalf("published %#v", h.host.last())
	}
	frame := h.feed(registrationForm(t, "registration_duplicate_email_400.json"))
	for _, want := range []string{"ada@example.com", "Ada", "Lovelace", "An account with the same identifier"} {
		if !strings.Contains(frame, want) {
			t.Fatalf("refused sign-up lost %q:\n%s", want, frame)
		}
	}
	// Submitting again sends every value but the password, which is
	// typed anew.
	h.key(tcell.KeyEnter)
	up, ok := h.host.last().(events.SignUpSubmitted)
	if !ok || up.Email != "ada@example.com" || up.Traits["name.first"] != "Ada" || up.Traits["name.last"] != "Lovelace" || up.Password != "" {
		t.Fatalf("second submit published %#v", h.host.last())
	}
	h.feed(registrationForm(t, "registration_duplicate_email_400.json"))
	h.key(tcell.KeyF2)
	h.want(events.LoginFlowRequested{})
	frame = h.feed(loginForm(t, "login_flow_created_200.json"))
	if !strings.Contains(frame, "ada@example.com") {
		t.Fatalf("the sign-in form does not start with the e-mail typed on sign-up:\n%s", frame)
	}
	h.key(tcell.KeyF3)
	h.want(events.RecoveryRequested{})
	frame = h.feed(recoveryForm(t, "recovery_flow_created_200.json"))
	if !strings.Contains(frame, "ada@example.com") {
		t.Fatalf("the recovery form does not start with the e-mail:\n%s", frame)
	}
}

// TestMessagesAreNoTabStops: Tab from a field with an error goes to the
// next field, not to the error's text, so what is typed next lands there
// (issue 11, item 5).
func TestMessagesAreNoTabStops(t *testing.T) {
	h := newHarness(t, 80, 30, testOpts)
	h.feed(registrationForm(t, "registration_short_password_400.json"))
	// The focus is on the password (its error under it); Tab goes to the
	// first name, past the error text.
	h.key(tcell.KeyBacktab)
	h.key(tcell.KeyTab)
	h.key(tcell.KeyTab)
	h.typeText("Ada")
	h.key(tcell.KeyEnter)
	up, ok := h.host.last().(events.SignUpSubmitted)
	if !ok || up.Traits["name.first"] != "Ada" {
		t.Fatalf("published %#v", h.host.last())
	}
}
