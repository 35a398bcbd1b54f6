package tui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
)

// typedSecret is the password a user types in these tests.
const typedSecret = "S3cret-Typed-9"

// typeInFieldOrder types each value followed by Tab, as a user (or a
// password manager's auto-type) who fills a form from its top does, then
// presses Enter; it returns the last frame before Enter.
func (h *harness) typeInFieldOrder(values ...string) string {
	h.t.Helper()
	var frame string
	for i, v := range values {
		h.typeText(v)
		if i < len(values)-1 {
			frame = h.key(tcell.KeyTab)
		}
	}
	frame = h.frame()
	h.key(tcell.KeyEnter)
	return frame
}

// secretOutside fails if the typed secret shows on the frame or went out
// in a field of the intent that is not the password.
func secretOutside(t *testing.T, frame string, intent events.Event) {
	t.Helper()
	if strings.Contains(frame, typedSecret) || strings.Contains(frame, typedSecret[:6]) {
		t.Fatalf("the password shows in clear:\n%s", frame)
	}
	switch in := intent.(type) {
	case events.SignUpSubmitted:
		if strings.Contains(in.Email+fmt.Sprint(in.Traits), typedSecret[:6]) {
			t.Fatalf("the password went out as a trait: %#v", in)
		}
	case events.SignInSubmitted:
		if strings.Contains(in.Identifier+in.Code, typedSecret[:6]) {
			t.Fatalf("the password went out as the identifier: %#v", in)
		}
	case events.RecoverySubmitted:
		if strings.Contains(in.Email+in.Code, typedSecret[:6]) {
			t.Fatalf("the password went out as the e-mail: %#v", in)
		}
	}
}

// TestTypingInFieldOrderNeverShowsThePassword: on every form that starts
// with carried values (sign-in to sign-up and back, sign-up sent back
// without its values, a wrong password), a user who types the form from
// its top, in field order, never puts the password into a field shown in
// clear (issue 11, item 1; the e-mail carried to the sign-up form put the
// focus on Password, so the password typed next went into First Name).
func TestTypingInFieldOrderNeverShowsThePassword(t *testing.T) {
	const email = "ada@example.com"
	cases := []struct {
		name  string
		setup func(t *testing.T, h *harness)
		// typed is the form, top to bottom.
		typed []string
		// want checks the intent (the values landed where meant).
		want func(t *testing.T, in events.Event)
	}{
		{"sign-in to sign-up", func(t *testing.T, h *harness) {
			h.feed(loginForm(t, "login_flow_created_200.json"))
			h.typeText(email)
			h.key(tcell.KeyF2)
			h.feed(registrationForm(t, "registration_flow_created_200.json"))
		}, []string{email, typedSecret, "Ada", "Lovelace"}, func(t *testing.T, in events.Event) {
			up, ok := in.(events.SignUpSubmitted)
			if !ok || up.Email != email || up.Password != typedSecret || up.Traits["name.first"] != "Ada" || up.Traits["name.last"] != "Lovelace" {
				t.Fatalf("published %#v", in)
			}
		}},
		{"sign-in to sign-up, auto-type", func(t *testing.T, h *harness) {
			h.feed(loginForm(t, "login_flow_created_200.json"))
			h.typeText(email)
			h.key(tcell.KeyF2)
			h.feed(registrationForm(t, "registration_flow_created_200.json"))
		}, []string{email, typedSecret}, func(t *testing.T, in events.Event) {
			up, ok := in.(events.SignUpSubmitted)
			if !ok || up.Email != email || up.Password != typedSecret {
				t.Fatalf("published %#v", in)
			}
		}},
		{"sign-up to sign-in", func(t *testing.T, h *harness) {
			h.feed(registrationForm(t, "registration_flow_created_200.json"))
			h.typeText(email)
			h.key(tcell.KeyF2)
			h.feed(loginForm(t, "login_flow_created_200.json"))
		}, []string{email, typedSecret}, nil},
		{"sign-up sent back without its values", func(t *testing.T, h *harness) {
			h.feed(registrationForm(t, "registration_flow_created_200.json"))
			h.typeInFieldOrder(email, "first-Password-1", "Ada", "")
			h.feed(registrationForm(t, "registration_duplicate_email_400.json"))
		}, []string{"ada2@example.com", typedSecret, "Ada", "Lovelace"}, func(t *testing.T, in events.Event) {
			up, ok := in.(events.SignUpSubmitted)
			if !ok || up.Email != "ada2@example.com" || up.Password != typedSecret || up.Traits["name.first"] != "Ada" {
				t.Fatalf("published %#v", in)
			}
		}},
		{"wrong password", func(t *testing.T, h *harness) {
			h.feed(loginForm(t, "login_flow_created_200.json"))
			h.typeInFieldOrder(email, "wrong-Password-1")
			h.feed(loginForm(t, "login_wrong_password_400.json"))
		}, []string{email, typedSecret}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, 80, 24, testOpts)
			c.setup(t, h)
			n := len(h.host.intents())
			frame := h.typeInFieldOrder(c.typed...)
			var last events.Event
			if in := h.host.intents(); len(in) > n {
				last = in[len(in)-1]
			}
			secretOutside(t, frame, last)
			if c.want != nil {
				c.want(t, last)
			}
		})
	}
}
