package tui_test

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
)

// TestSettingsSectionKeysOnArrival: arriving at Settings the focus is on
// the section tabs: 3 then 4 switch sections (nothing is typed into the
// e-mail), Tab goes into the form.
func TestSettingsSectionKeysOnArrival(t *testing.T) {
	form := settingsForm(t, "settings_profile_saved_200.json", "")
	h := newHarness(t, 80, 24, testOpts)
	h.feed(form)
	n := len(h.host.intents())
	if frame := h.press('3'); !strings.Contains(frame, "[3 Authenticator app]") {
		t.Fatalf("3 did not switch to the authenticator app:\n%s", frame)
	}
	if frame := h.press('4'); !strings.Contains(frame, "[4 Backup codes]") {
		t.Fatalf("4 did not switch to the backup codes:\n%s", frame)
	}
	frame := h.press('1')
	if !strings.Contains(frame, "[1 Profile]") || strings.Contains(frame, "example.org34") || strings.Contains(frame, "example.org341") {
		t.Fatalf("1 did not switch back, or the digits were typed:\n%s", frame)
	}
	if len(h.host.intents()) != n {
		t.Fatalf("section keys published %v", h.host.intents()[n:])
	}
	if frame := h.key(tcell.KeyTab); !strings.Contains(frame, "F1 help") {
		t.Fatalf("Tab did not go into the form:\n%s", frame)
	}
	// In a field a digit is a digit.
	h.key(tcell.KeyTab) // e-mail -> first name
	h.typeText("3")
	h.key(tcell.KeyEnter)
	h.want(events.SettingsSubmitted{FlowID: form.FlowID, Method: "profile", Values: map[string]any{
		"traits.email": "u1795761293044004579-10@example.org", "traits.name.first": "3", "traits.name.last": "Lovelace"}})
}

// TestSettingsValuesAreTypedOver: a value Kratos put in a settings field is
// typed over like a selected text (the first letter replaces it, Backspace
// removes it); End keeps it for editing.
func TestSettingsValuesAreTypedOver(t *testing.T) {
	form := settingsForm(t, "settings_profile_saved_200.json", "")
	h := newHarness(t, 80, 24, testOpts)
	h.feed(form)
	h.key(tcell.KeyTab) // into the form: the e-mail
	h.key(tcell.KeyTab) // first name: Ada
	h.typeText("Alicia")
	h.key(tcell.KeyTab) // last name: Lovelace
	h.key(tcell.KeyEnd)
	h.typeText("-King")
	h.key(tcell.KeyBacktab)
	h.key(tcell.KeyBacktab) // e-mail
	h.key(tcell.KeyBackspace2)
	h.typeText("ada@example.org")
	h.key(tcell.KeyEnter)
	h.want(events.SettingsSubmitted{FlowID: form.FlowID, Method: "profile", Values: map[string]any{
		"traits.email": "ada@example.org", "traits.name.first": "Alicia", "traits.name.last": "Lovelace-King"}})
}
