package tui_test

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// TestKeysTypedWhileTooSmallReachTheForm: keys typed while the terminal is
// too small wait and go, in order, to the form once it is shown; the first
// frame after the resize has the form's help bar.
func TestKeysTypedWhileTooSmallReachTheForm(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	form := loginForm(t, "login_flow_created_200.json")
	h.feed(form)
	resize := func(w, hh int) {
		h.sim.SetSize(w, hh)
		_ = h.sim.PostEvent(tcell.NewEventResize(w, hh))
	}
	resize(40, 12)
	h.waitFor("the too-small message", func(f string) bool { return strings.Contains(f, "Terminal too small") })
	before := len(h.host.intents())
	for _, r := range "zoë@example.com" {
		h.sim.InjectKey(tcell.KeyRune, r, tcell.ModNone)
	}
	h.sim.InjectKey(tcell.KeyTab, 0, tcell.ModNone)
	for _, r := range "pässword-1" {
		h.sim.InjectKey(tcell.KeyRune, r, tcell.ModNone)
	}
	h.key(tcell.KeyEnter)
	if n := len(h.host.intents()); n != before {
		t.Fatalf("keys acted while the terminal was too small: %v", h.host.intents()[before:])
	}
	resize(60, 16)
	frame := h.waitFor("the form again", func(f string) bool { return !strings.Contains(f, "Terminal too small") })
	if !strings.Contains(frame, "Tab/↑↓ move") {
		t.Fatalf("the first frame after the resize has no form keys in its help bar:\n%s", frame)
	}
	h.waitFor("the submit", func(f string) bool { return strings.Contains(f, "Esc cancel") })
	h.want(events.SignInSubmitted{FlowID: form.Form.FlowID, Identifier: "zoë@example.com", Password: "pässword-1"})
}

// TestFailedCallKeepsWhatWasTyped: a submit that fails before Kratos
// answers (a timeout: the machine sends the same form back with the error)
// keeps everything typed, the password too, as a cancelled one does.
func TestFailedCallKeepsWhatWasTyped(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	form := loginForm(t, "login_flow_created_200.json")
	h.feed(form)
	h.typeText("zoë@example.com")
	h.key(tcell.KeyTab)
	h.typeText("pässword-1")
	h.key(tcell.KeyEnter)
	h.want(events.SignInSubmitted{FlowID: form.Form.FlowID, Identifier: "zoë@example.com", Password: "pässword-1"})
	failed := form
	failed.Form.GeneralError = "Kratos did not answer within 10s."
	frame := h.feed(failed)
	if !strings.Contains(frame, "Kratos did not answer") || !strings.Contains(frame, "**********") || strings.Contains(frame, "Password (required)") {
		t.Fatalf("the failed submit lost the password:\n%s", frame)
	}
	h.key(tcell.KeyEnter)
	if got, ok := h.host.last().(events.SignInSubmitted); !ok || got.Identifier != "zoë@example.com" || got.Password != "pässword-1" {
		t.Fatalf("submitted again %#v", h.host.last())
	}
}

// TestSwitchingSecondFactorMethodDropsItsErrors: a wrong authenticator code
// is not the backup code's fault: F3 shows the backup code form without
// it.
func TestSwitchingSecondFactorMethodDropsItsErrors(t *testing.T) {
	wrong := secondFactorForm(t, "login_totp_wrong_code_400.json")
	lookup := secondFactorForm(t, "login_lookup_used_code_400.json")
	for _, n := range lookup.Form.UI.Nodes {
		if n.Group == "lookup_secret" {
			wrong.Form.UI.Nodes = append(wrong.Form.UI.Nodes, n)
		}
	}
	h := newHarness(t, 80, 24, testOpts)
	frame := h.feed(wrong)
	if !strings.Contains(frame, "authentication code is invalid") || !strings.Contains(frame, "F3") {
		t.Fatalf("no error or no F3 on the wrong code's form:\n%s", frame)
	}
	frame = h.key(tcell.KeyF3)
	if !strings.Contains(frame, "Backup recovery code") || strings.Contains(frame, "invalid") {
		t.Fatalf("the backup code form shows the authenticator code's error:\n%s", frame)
	}
}

// TestUnconfirmedBackupCodesAreNotSaved: new backup codes that wait to be
// confirmed are not "saved", even when the flow's state says success.
func TestUnconfirmedBackupCodesAreNotSaved(t *testing.T) {
	form := settingsForm(t, "settings_lookup_regenerated_200.json", fsm.MessageSettingsSaved)
	form.Form.State = "success"
	form.Form.Messages = append(form.Form.Messages, adapters.Message{ID: 1050001, Type: "success", Text: "Your changes have been saved!"})
	h := newHarness(t, 80, 24, testOpts)
	frame := h.feed(form)
	if strings.Contains(frame, "saved") || !strings.Contains(frame, "then Confirm") {
		t.Fatalf("codes not confirmed yet are said to be saved:\n%s", frame)
	}
}

// TestEscWhileTooSmallCancelsTheCall: Esc typed while the terminal is too
// small during a call cancels it once the terminal is large enough (it is
// not kept for the form that comes next, where it would go back).
func TestEscWhileTooSmallCancelsTheCall(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	form := loginForm(t, "login_flow_created_200.json")
	h.feed(form)
	h.typeText("zoë@example.com")
	h.key(tcell.KeyTab)
	h.typeText("pässword-1")
	h.key(tcell.KeyEnter)
	h.waitFor("the call in flight", func(f string) bool { return strings.Contains(f, "Esc cancel") })
	resize := func(w, hh int) {
		h.sim.SetSize(w, hh)
		_ = h.sim.PostEvent(tcell.NewEventResize(w, hh))
	}
	resize(40, 12)
	h.waitFor("the too-small message", func(f string) bool { return strings.Contains(f, "Terminal too small") })
	h.key(tcell.KeyEscape)
	if _, ok := h.host.last().(events.SignInSubmitted); !ok {
		t.Fatalf("Esc acted while the terminal was too small: %#v", h.host.last())
	}
	resize(80, 24)
	h.waitIntent(events.RequestCancelled{})
}
