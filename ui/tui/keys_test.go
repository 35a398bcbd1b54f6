package tui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// TestHelpBarFollowsResize: the help bar is laid out again for the new
// size: on one line at 120 columns, on two at 60, naming the same keys
// (issue 11, items 5 and 8).
func TestHelpBarFollowsResize(t *testing.T) {
	h := newHarness(t, 120, 30, testOpts)
	wide := barLines(h.feed(signedInFixture(t)))
	h.sim.SetSize(60, 16)
	_ = h.sim.PostEvent(tcell.NewEventResize(60, 16))
	narrow := barLines(h.waitFor("the narrow frame", func(f string) bool { return len(barLines(f)) > 1 }))
	if len(wide) != 1 || len(narrow) != 2 {
		t.Fatalf("the help bar takes %d lines at 120 columns and %d at 60:\n%q\n%q", len(wide), len(narrow), wide, narrow)
	}
	if a, b := barKeys(t, strings.Join(wide, " · ")), barKeys(t, strings.Join(narrow, " · ")); fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("other keys at 60 columns:\n%q\n%q", wide, narrow)
	}
}

// TestQQuitsOutsideTextFields: q quits where no text field has the
// focus; in a text field it is a letter.
func TestQQuitsOutsideTextFields(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	h.typeText("q@example.com")
	h.key(tcell.KeyTab)
	h.typeText("pw")
	h.key(tcell.KeyEnter)
	if in, ok := h.host.last().(events.SignInSubmitted); !ok || in.Identifier != "q@example.com" {
		t.Fatalf("published %#v", h.host.last())
	}
	h.feed(signedInFixture(t))
	h.sim.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	select {
	case err := <-h.done:
		h.done <- err
		if err != nil {
			t.Fatalf("Run ended with %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("q on the home screen did not quit")
	}
}

// TestSettingsNoticeBelongsToItsSection: "saved" shows on the section that
// was saved, not on the others (issue 11, item 8).
func TestSettingsNoticeBelongsToItsSection(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(settingsForm(t, "settings_flow_created_200.json", ""))
	h.key(tcell.KeyTab)   // 1 Profile: from the tabs into the form
	h.key(tcell.KeyEnter) // save
	frame := h.feed(settingsForm(t, "settings_profile_saved_200.json", fsm.MessageSettingsSaved))
	if !strings.Contains(frame, "Your changes have been saved!") {
		t.Fatalf("the saved section does not say so:\n%s", frame)
	}
	frame = h.key(tcell.KeyPgDn)
	if strings.Contains(frame, "saved") {
		t.Fatalf("another section says it was saved:\n%s", frame)
	}
	if frame = h.key(tcell.KeyPgUp); !strings.Contains(frame, "Your changes have been saved!") {
		t.Fatalf("back on the saved section, its message is gone:\n%s", frame)
	}
}

// TestAfterRecoveryThePasswordSectionSaysSetItNow: after a recovery code
// the settings open on the password section with a line to set it now
// and for how long Kratos allows it (issue 11, item 7).
func TestAfterRecoveryThePasswordSectionSaysSetItNow(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(recoveryForm(t, "recovery_code_sent_200.json"))
	after := settingsForm(t, "settings_password_after_recovery_200.json", fsm.MessageRecoveryPassed)
	after.AfterRecovery = true // the machine says so
	frame := h.feed(after)
	for _, want := range []string{"[2 Password]", "Set a new password now", "privileged"} {
		if !strings.Contains(frame, want) {
			t.Fatalf("no %q after recovery:\n%s", want, frame)
		}
	}
}
