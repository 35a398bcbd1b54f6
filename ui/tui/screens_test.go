package tui_test

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// The screen tests feed state events built from the captured Kratos
// fixtures and compare the 80x24 screen with testdata/tui/<Test>.golden.

// testOpts never opens a browser: the address counts as opened.
var testOpts = ui.Options{Title: "http://127.0.0.1:4433", OpenURL: func(string) error { return nil }}

func TestLaunchScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(events.SessionCheckStarted{Message: "Checking your session…"}))
	if _, ok := h.host.intents()[0].(events.AppStarted); !ok {
		t.Fatalf("first intent %v, want AppStarted", h.host.intents())
	}
}

func TestLaunchErrorScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(events.SessionCheckStarted{Message: "Checking your session…"})
	golden(t, h.feed(events.SessionCheckFailed{Message: "Could not check your session: Kratos is unreachable (connection refused). Retry when it is back."}))
	n := len(h.host.intents())
	frame := h.step(func() { h.sim.InjectKey(tcell.KeyRune, 'r', tcell.ModNone) })
	if in := h.host.intents(); len(in) != n+1 || in[n] != (events.AppStarted{}) {
		t.Fatalf("r published %v, want AppStarted", in[n:])
	}
	if !strings.Contains(frame, "Retrying") {
		t.Fatalf("no progress after retry:\n%s", frame)
	}
}

func TestFlowFailedScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(events.SignedOut{Reason: events.ReasonFlowFailed, Message: "Could not get the form from Kratos: Kratos is unreachable (connection refused)"}))
	if len(h.host.intents()) != 1 {
		t.Fatalf("a failed flow must not be requested again by itself: %v", h.host.intents())
	}
	h.step(func() { h.sim.InjectKey(tcell.KeyRune, 'r', tcell.ModNone) })
	if h.host.last() != (events.LoginFlowRequested{}) {
		t.Fatalf("r published %v", h.host.last())
	}
}

func TestSignedOutRequestsLoginForm(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(events.SignedOut{Reason: events.ReasonSignedOut, Message: "You are signed out."}))
	if h.host.last() != (events.LoginFlowRequested{}) {
		t.Fatalf("SignedOut published %v, want LoginFlowRequested", h.host.intents())
	}
}

func TestSignInScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_flow_created_200.json")))
}

func TestSignInLoadingScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	golden(t, h.feed(events.RequestStarted{Operation: "sign_in"}))
}

func TestSignInWrongPasswordScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_wrong_password_400.json")))
}

func TestSignInEmptyIdentifierScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(loginForm(t, "login_empty_identifier_400.json")))
}

func TestSignUpScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(registrationForm(t, "registration_flow_created_200.json")))
}

func TestSignUpDuplicateEmailScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	// The state machine keeps the e-mail that was submitted.
	form := registrationForm(t, "registration_duplicate_email_400.json")
	form.Email = "fixture-user@example.com"
	golden(t, h.feed(form))
}

func TestSignUpShortPasswordScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(registrationForm(t, "registration_short_password_400.json")))
}

func TestHomeScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	frame := h.feed(signedInFixture(t))
	if strings.Contains(frame, "ory_st_REDACTED") {
		t.Fatal("token shown in clear before it was asked for")
	}
	golden(t, frame)
}

func TestHomeTokenRevealedScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(signedInFixture(t))
	frame := h.step(func() { h.sim.InjectKey(tcell.KeyRune, 't', tcell.ModNone) })
	if !strings.Contains(frame, "ory_st_REDACTED") {
		t.Fatal("t did not reveal the token")
	}
	golden(t, frame)
	if frame := h.step(func() { h.sim.InjectKey(tcell.KeyRune, 't', tcell.ModNone) }); strings.Contains(frame, "ory_st_REDACTED") {
		t.Fatal("t again did not hide the token")
	}
}

func TestHomeNoticeScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	in := signedInFixture(t)
	in.Notice = "Signed in, but the session could not be stored for next time: keyring locked"
	golden(t, h.feed(in))
}

func TestIntentRejectedNoticeScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(signedInFixture(t))
	golden(t, h.feed(events.IntentRejected{Intent: "SignInSubmitted", State: "authenticated", Reason: "you are already signed in"}))
}

func TestHelpOverlayScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	golden(t, h.key(tcell.KeyF1))
	if frame := h.key(tcell.KeyEscape); strings.Contains(frame, "Keys on this screen") {
		t.Fatalf("Esc did not close the help:\n%s", frame)
	}
}

func TestTooSmallScreen(t *testing.T) {
	h := newHarness(t, 50, 12, testOpts)
	golden(t, h.feed(loginForm(t, "login_flow_created_200.json")))
}

func TestNoColorSignInScreen(t *testing.T) {
	h := newHarness(t, 80, 24, ui.Options{NoColor: true})
	frame := h.feed(loginForm(t, "login_wrong_password_400.json"))
	golden(t, frame)
}
