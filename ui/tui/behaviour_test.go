package tui_test

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

func TestSignInSubmitsTypedValues(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	form := loginForm(t, "login_flow_created_200.json")
	h.feed(form)
	h.typeText("zoë@example.com")
	h.key(tcell.KeyTab)
	frame := h.typeText("pässwörd-名前")
	if strings.Contains(frame, "pässwörd") {
		t.Fatalf("password shown in clear:\n%s", frame)
	}
	if !strings.Contains(frame, "zoë@example.com") {
		t.Fatalf("typed e-mail not shown:\n%s", frame)
	}
	h.key(tcell.KeyEnter)
	want := events.SignInSubmitted{FlowID: form.FlowID, Identifier: "zoë@example.com", Password: "pässwörd-名前"}
	if got := h.host.last(); got != want {
		t.Fatalf("published %#v, want %#v", got, want)
	}
}

func TestSignInButtonSubmits(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	form := loginForm(t, "login_flow_created_200.json")
	h.feed(form)
	h.typeText("a@b.c")
	h.key(tcell.KeyTab)
	h.typeText("secret-123")
	h.key(tcell.KeyTab) // to "Sign in with password"
	h.key(tcell.KeyEnter)
	if got, ok := h.host.last().(events.SignInSubmitted); !ok || got.Identifier != "a@b.c" || got.Password != "secret-123" {
		t.Fatalf("published %#v", h.host.last())
	}
}

func TestLoadingIgnoresKeysAndFormReturns(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	h.feed(events.RequestStarted{Operation: "sign_in"})
	n := len(h.host.intents())
	h.key(tcell.KeyF2)
	if len(h.host.intents()) != n {
		t.Fatalf("a key during a call published %v", h.host.intents()[n:])
	}
	frame := h.feed(loginForm(t, "login_wrong_password_400.json"))
	if strings.Contains(frame, "Signing in") || !strings.Contains(frame, "The provided credentials are invalid") {
		t.Fatalf("after the call:\n%s", frame)
	}
}

func TestEditClearsErrorsThroughFieldChanged(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	wrong := loginForm(t, "login_wrong_password_400.json")
	h.feed(wrong)
	// The focus is on the password after a general error.
	h.typeText("x")
	fc, ok := h.host.last().(events.FieldChanged)
	if !ok || fc.Field != "password" || fc.Value != "" {
		t.Fatalf("published %#v, want FieldChanged{password} without its value", h.host.last())
	}
	n := len(h.host.intents())
	h.typeText("y")
	if len(h.host.intents()) != n {
		t.Fatalf("second edit published again: %v", h.host.intents()[n:])
	}
	// The machine answers with the form without the errors: what was typed
	// and the focus stay.
	cleared := wrong
	cleared.GeneralError = ""
	frame := h.feed(cleared)
	if strings.Contains(frame, "credentials are invalid") {
		t.Fatalf("error still shown:\n%s", frame)
	}
	h.typeText("z")
	h.key(tcell.KeyEnter)
	if got, ok := h.host.last().(events.SignInSubmitted); !ok || got.Password != "xyz" || got.Identifier != "fixture-user@example.com" {
		t.Fatalf("published %#v", h.host.last())
	}
}

func TestFieldChangedCarriesNonSecretValue(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_empty_identifier_400.json"))
	h.typeText("a")
	if fc, ok := h.host.last().(events.FieldChanged); !ok || fc.Field != "identifier" || fc.Value != "a" {
		t.Fatalf("published %#v", h.host.last())
	}
}

func TestSwitchBetweenForms(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	h.key(tcell.KeyF2)
	if h.host.last() != (events.RegistrationFlowRequested{}) {
		t.Fatalf("F2 published %#v", h.host.last())
	}
	h.feed(registrationForm(t, "registration_flow_created_200.json"))
	h.key(tcell.KeyEscape)
	if h.host.last() != (events.LoginFlowRequested{}) {
		t.Fatalf("Esc published %#v", h.host.last())
	}
	h.feed(registrationForm(t, "registration_flow_created_200.json"))
	// The link button: Tab past the four inputs and the submit button.
	for range 5 {
		h.key(tcell.KeyTab)
	}
	h.key(tcell.KeyEnter)
	if h.host.last() != (events.LoginFlowRequested{}) {
		t.Fatalf("the sign-in link published %#v", h.host.last())
	}
}

func TestHomeSignOut(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(signedInFixture(t))
	h.press('s')
	if h.host.last() != (events.SignOutRequested{}) {
		t.Fatalf("published %#v", h.host.last())
	}
}

func TestHelpWithQuestionMarkOutsideFields(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(signedInFixture(t))
	if frame := h.step(func() { h.sim.InjectKey(tcell.KeyRune, '?', tcell.ModNone) }); !strings.Contains(frame, "Keys on this screen") {
		t.Fatalf("? did not open the help:\n%s", frame)
	}
	if frame := h.step(func() { h.sim.InjectKey(tcell.KeyRune, '?', tcell.ModNone) }); strings.Contains(frame, "Keys on this screen") {
		t.Fatalf("? did not close the help:\n%s", frame)
	}
	// In a text field ? is a letter.
	h.feed(loginForm(t, "login_flow_created_200.json"))
	if frame := h.typeText("?"); strings.Contains(frame, "Keys on this screen") {
		t.Fatal("? in a field opened the help")
	}
}

func TestResizeRedrawsAndTooSmall(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	resize := func(w, hh int) {
		h.sim.SetSize(w, hh)
		_ = h.sim.PostEvent(tcell.NewEventResize(w, hh))
	}
	resize(50, 12)
	h.waitFor("the too-small message", func(f string) bool { return strings.Contains(f, "Terminal too small") })
	n := len(h.host.intents())
	h.key(tcell.KeyF2)
	if len(h.host.intents()) != n {
		t.Fatal("keys act while the terminal is too small")
	}
	resize(100, 30)
	h.waitFor("the form again", func(f string) bool { return strings.Contains(f, "Sign in with ORY") })
}

func TestCtrlCQuitsCleanly(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	if err := h.quit(); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	host := &fakeHost{}
	h := startHarness(t, 80, 24, testOpts, host)
	h.feed(events.SessionCheckFailed{Message: "down"})
	host.mu.Lock()
	host.onPublish = func(events.Event) { panic("boom") }
	host.mu.Unlock()
	h.sim.InjectKey(tcell.KeyRune, 'r', tcell.ModNone)
	err := <-h.done
	h.done <- err
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Run returned %v, want the recovered panic", err)
	}
}

func TestSchemaExtraTraitsAreRenderedAndSubmitted(t *testing.T) {
	// The captured registration flow of the test schema has
	// traits.name.first and traits.name.last; add a tel trait as another
	// schema would.
	form := registrationForm(t, "registration_flow_created_200.json")
	nodes := append([]adapters.Node(nil), form.UI.Nodes...)
	tel := adapters.Node{Type: "input", Group: "default",
		Attributes: adapters.NodeAttributes{Name: "traits.phone", Type: "tel", NodeType: "input"},
		Meta:       adapters.NodeMeta{Label: &adapters.Message{ID: 1070002, Text: "Phone", Type: "info"}}}
	form.UI.Nodes = append(nodes[:len(nodes)-1:len(nodes)-1], tel, nodes[len(nodes)-1])

	h := newHarness(t, 80, 24, testOpts)
	frame := h.feed(form)
	for _, label := range []string{"First Name", "Last Name", "Phone"} {
		if !strings.Contains(frame, label) {
			t.Fatalf("no %s field:\n%s", label, frame)
		}
	}
	h.typeText("new@example.com")
	h.key(tcell.KeyTab)
	h.typeText("a-long-password-1")
	h.key(tcell.KeyTab)
	h.typeText("Zoë")
	h.key(tcell.KeyTab)
	h.key(tcell.KeyTab) // last name left empty
	h.typeText("+49 30 123")
	h.key(tcell.KeyEnter)
	got, ok := h.host.last().(events.SignUpSubmitted)
	if !ok {
		t.Fatalf("published %#v", h.host.last())
	}
	if got.Email != "new@example.com" || got.Password != "a-long-password-1" || got.FlowID != form.FlowID {
		t.Fatalf("published %#v", got)
	}
	if got.Traits["name.first"] != "Zoë" || got.Traits["phone"] != "+49 30 123" || len(got.Traits) != 2 {
		t.Fatalf("traits %#v", got.Traits)
	}
}

func TestNoColorFromEnvironment(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_wrong_password_400.json"))
	h.frames.mu.Lock()
	colours := h.frames.colours
	h.frames.mu.Unlock()
	if colours != 0 {
		t.Fatalf("%d cells in colour with NO_COLOR", colours)
	}
}

func TestColoursByDefault(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_wrong_password_400.json"))
	h.frames.mu.Lock()
	colours := h.frames.colours
	h.frames.mu.Unlock()
	if colours == 0 {
		t.Fatal("no colour at all without NO_COLOR")
	}
}
