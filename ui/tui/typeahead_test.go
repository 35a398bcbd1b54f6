package tui_test

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
)

// autoType types a password manager's burst: user<Tab>password<Enter>.
func (h *harness) autoType(user, password string) {
	h.t.Helper()
	h.typeText(user)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyEnter)
}

// TestTypeAheadDuringLaunchReachesTheForm: a burst typed while the session
// is checked and the form fetched is delivered, in order, to the sign-in
// form when it comes: the user name in the identifier, the password in the
// password field, Enter submits (issue 11, item 4).
func TestTypeAheadDuringLaunchReachesTheForm(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(events.SessionCheckStarted{Message: "Checking your session…"})
	h.typeText("ada@exa")
	h.feed(events.SignedOut{Reason: events.ReasonNoSession})
	h.typeText("mple.com")
	h.key(tcell.KeyTab)
	h.feed(events.RequestStarted{Operation: "create_login_flow"})
	frame := h.typeText("hunter2-Secret")
	h.key(tcell.KeyEnter)
	if strings.Contains(frame, "hunter2") {
		t.Fatalf("the password typed ahead was shown:\n%s", frame)
	}
	form := loginForm(t, "login_flow_created_200.json")
	frame = h.feed(form)
	want := events.SignInSubmitted{FlowID: form.FlowID, Identifier: "ada@example.com", Password: "hunter2-Secret"}
	if got := h.host.last(); got != want {
		t.Fatalf("published %#v, want %#v", got, want)
	}
	if strings.Contains(frame, "hunter2") {
		t.Fatalf("the password is shown:\n%s", frame)
	}
}

// TestTypeAheadAfterSubmitWaitsForTheNextForm: keys typed while a submit
// is in flight are not typed into the old form; they go to the form that
// comes back.
func TestTypeAheadAfterSubmitWaitsForTheNextForm(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	form := loginForm(t, "login_flow_created_200.json")
	h.feed(form)
	h.autoType("ada@example.com", "wrong-one")
	n := len(h.host.intents())
	// Enter published the sign-in; the answer has not come yet.
	h.typeText("x")
	h.feed(events.RequestStarted{Operation: "sign_in"})
	h.typeText("yz")
	if len(h.host.intents()) != n {
		t.Fatalf("keys during the call published %v", h.host.intents()[n:])
	}
	frame := h.feed(loginForm(t, "login_wrong_password_400.json"))
	// The wrong-password form focuses the password: the keys land there,
	// masked, and the identifier is untouched.
	if strings.Contains(frame, "xyz") {
		t.Fatalf("keys typed ahead went into a visible field:\n%s", frame)
	}
	h.key(tcell.KeyEnter)
	got, ok := h.host.last().(events.SignInSubmitted)
	if !ok || got.Password != "xyz" || strings.Contains(got.Identifier, "xyz") || strings.Contains(got.Identifier, "wrong") {
		t.Fatalf("published %#v", h.host.last())
	}
}

// TestTypeAheadIsNotRoutedToALaunchFailure: keys typed for a sign-in form
// that does not come (Kratos timed out) are not fed to the failure's
// screen, where the r of the password would retry and its rest fill the
// next form's e-mail, shown in clear: they are dropped, the user told, and
// the next form starts empty.
func TestTypeAheadIsNotRoutedToALaunchFailure(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(events.SessionCheckStarted{Message: "Checking your session…"})
	h.feed(events.SignedOut{Reason: events.ReasonNoSession})
	h.feed(events.RequestStarted{Operation: "create_login_flow"})
	h.autoType("me@example.com", "a-long-dev-password-42")
	before := len(h.host.intents())
	frame := h.feed(events.SignedOut{Reason: events.ReasonFlowFailed, Message: "Kratos has not answered (timed out)."})
	if !strings.Contains(frame, "was not used") {
		t.Fatalf("the dropped keys are not told:\n%s", frame)
	}
	if got := h.host.intents()[before:]; len(got) != 0 {
		t.Fatalf("keys typed ahead published %#v on the failure's screen", got)
	}
	frame = h.feed(loginForm(t, "login_flow_created_200.json"))
	if strings.Contains(frame, "password") && strings.Contains(frame, "d-42") || strings.Contains(frame, "me@example.com") {
		t.Fatalf("keys typed ahead reached the next form:\n%s", frame)
	}
}

// TestTypeAheadDroppedByEscIsTold: keys typed while the sign-in form was
// on its way go with an Esc that cancels the request; the user is told,
// as when the form does not come, and nothing typed is published.
func TestTypeAheadDroppedByEscIsTold(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(events.SessionCheckStarted{Message: "Checking your session…"})
	h.feed(events.SignedOut{Reason: events.ReasonNoSession})
	h.feed(events.RequestStarted{Operation: "create_login_flow"})
	h.typeText("abc@example.com")
	before := len(h.host.intents())
	h.key(tcell.KeyEscape)
	if _, ok := h.host.last().(events.RequestCancelled); !ok {
		t.Fatalf("Esc published %#v, want RequestCancelled", h.host.last())
	}
	frame := h.feed(events.SignedOut{Reason: events.ReasonFlowFailed, Message: "The request was cancelled before Kratos answered."})
	if !strings.Contains(frame, "was not used") {
		t.Fatalf("the keys dropped with the cancel are not told:\n%s", frame)
	}
	if got := h.host.intents()[before:]; len(got) != 1 {
		t.Fatalf("published %#v after the typed keys, want only the cancel", got)
	}
}
