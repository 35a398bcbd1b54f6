package tui_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
)

// press types one rune key and returns the next frame.
func (h *harness) press(r rune) string {
	h.t.Helper()
	return h.step(func() { h.sim.InjectKey(tcell.KeyRune, r, tcell.ModNone) })
}

// want fails unless the last intent is want.
func (h *harness) want(want events.Event) {
	h.t.Helper()
	if got := h.host.last(); !reflect.DeepEqual(got, want) {
		h.t.Fatalf("published %#v, want %#v", got, want)
	}
}

func TestHomeKeys(t *testing.T) {
	for key, want := range map[rune]events.Event{
		'g': events.SettingsRequested{}, 'l': events.SessionsRequested{}, 'v': events.VerificationRequested{},
		'R': events.SessionRefreshRequested{}, 's': events.SignOutRequested{},
	} {
		h := newHarness(t, 80, 24, testOpts)
		h.feed(signedInFixture(t))
		h.press(key)
		h.want(want)
	}
}

func TestHomeVerifiedHasNoVerify(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	in := signedInFixture(t)
	in.Verified = true
	if frame := h.feed(in); strings.Contains(frame, "Verify email") {
		t.Fatalf("verify offered for a verified address:\n%s", frame)
	}
	n := len(h.host.intents())
	h.press('v')
	if len(h.host.intents()) != n {
		t.Fatalf("v published %v", h.host.intents()[n:])
	}
}

// TestHomeMenuIsKeys: the home menu is a line of keys (it fits 60x16):
// each entry's key does it; Enter and the arrows, bound to nothing there,
// do nothing.
func TestHomeMenuIsKeys(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(signedInFixture(t))
	h.key(tcell.KeyDown)
	h.key(tcell.KeyEnter)
	if n := len(h.host.intents()); n != 1 { // AppStarted
		t.Fatalf("Enter on the home screen published %v", h.host.intents()[1:])
	}
	h.press('g')
	h.want(events.SettingsRequested{})
}

func TestSignInForgotPassword(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	h.key(tcell.KeyF3)
	h.want(events.RecoveryRequested{})
}

func TestSecondFactorSubmitsTOTPAndBackupCode(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(secondFactorForm(t, "login_flow_aal2_created_200.json"))
	h.typeText("123456")
	h.key(tcell.KeyEnter)
	h.want(events.SecondFactorSubmitted{Method: "totp", Code: "123456"})

	// A flow without backup codes offers none: F3 is no switch.
	frame := h.feed(secondFactorForm(t, "login_totp_wrong_code_400.json"))
	if strings.Contains(frame, "F3") || strings.Contains(frame, "Use a backup code") {
		t.Fatalf("a backup code is offered by a flow without them:\n%s", frame)
	}
	// A flow with backup codes only asks for one; Enter submits it as
	// such.
	frame = h.feed(secondFactorForm(t, "login_lookup_used_code_400.json"))
	if !strings.Contains(frame, "Backup recovery code") || strings.Contains(frame, "Authentication code") {
		t.Fatalf("backup code form:\n%s", frame)
	}
	h.typeText("abcd1234")
	h.key(tcell.KeyEnter)
	h.want(events.SecondFactorSubmitted{Method: "lookup_secret", Code: "abcd1234"})

	h.feed(secondFactorForm(t, "login_totp_wrong_code_400.json"))
	h.key(tcell.KeyEscape)
	h.want(events.SignOutRequested{})
}

func TestReauthenticationKeys(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(reauthForm(t))
	h.typeText("pässword-1")
	h.key(tcell.KeyEnter)
	h.want(events.ReauthenticationSubmitted{Password: "pässword-1"})
	h.feed(reauthForm(t))
	h.key(tcell.KeyEscape)
	h.want(events.HomeRequested{})
}

func TestSettingsSubmitsEachMethod(t *testing.T) {
	created := settingsForm(t, "settings_flow_created_200.json", "")
	id := created.FlowID
	open := func() *harness {
		h := newHarness(t, 80, 24, testOpts)
		h.feed(created)
		return h
	}
	// Profile: the focus is on the tabs; Tab goes into the form, on the
	// first empty input (First Name).
	h := open()
	h.key(tcell.KeyTab)
	h.typeText("Ada")
	h.key(tcell.KeyTab)
	h.typeText("Lovelace")
	h.key(tcell.KeyEnter)
	h.want(events.SettingsSubmitted{FlowID: id, Method: "profile", Values: map[string]any{
		"traits.email": fixtureEmail, "traits.name.first": "Ada", "traits.name.last": "Lovelace"}})

	h = open()
	h.key(tcell.KeyPgDn)
	h.typeText("a-new-password-1")
	h.key(tcell.KeyEnter)
	h.want(events.SettingsSubmitted{FlowID: id, Method: "password", Values: map[string]any{"password": "a-new-password-1"}})

	h = open()
	h.key(tcell.KeyPgDn)
	if frame := h.key(tcell.KeyPgDn); !strings.Contains(frame, "[3 Authenticator app]") {
		t.Fatalf("not the authenticator app:\n%s", frame)
	}
	h.typeText("654321")
	h.key(tcell.KeyEnter)
	h.want(events.SettingsSubmitted{FlowID: id, Method: "totp", Values: map[string]any{"totp_code": "654321"}})

	h = open()
	h.key(tcell.KeyPgUp) // 4 Backup codes: the focus is on its first button
	h.key(tcell.KeyEnter)
	h.press('y') // new codes replace the old: asked first
	h.want(events.SettingsSubmitted{FlowID: id, Method: "lookup_secret", Values: map[string]any{"lookup_secret_regenerate": "true"}})

	h = open()
	h.key(tcell.KeyEscape)
	h.want(events.HomeRequested{})
}

func TestSettingsBackupCodeButtons(t *testing.T) {
	for fixture, want := range map[string][]string{
		"settings_lookup_regenerated_200.json": {"lookup_secret_confirm"},
		"settings_lookup_confirmed_200.json":   {"lookup_secret_reveal", "lookup_secret_disable"},
		"settings_lookup_revealed_200.json":    {"lookup_secret_disable", "lookup_secret_regenerate"},
	} {
		for i, name := range want {
			form := settingsForm(t, fixture, "")
			h := newHarness(t, 80, 24, testOpts)
			h.feed(form)
			h.key(tcell.KeyPgUp)
			for range i {
				h.key(tcell.KeyTab)
			}
			h.key(tcell.KeyEnter)
			if name == "lookup_secret_disable" || name == "lookup_secret_regenerate" {
				h.press('y')
			}
			h.want(events.SettingsSubmitted{FlowID: form.FlowID, Method: "lookup_secret", Values: map[string]any{name: "true"}})
		}
	}
}

func TestSettingsUnlinkTOTP(t *testing.T) {
	form := settingsForm(t, "settings_flow_totp_linked_200.json", "")
	h := newHarness(t, 80, 24, testOpts)
	h.feed(form)
	h.key(tcell.KeyPgUp)
	// Unlinking asks first: n (or any other key) cancels.
	n := len(h.host.intents())
	if frame := h.key(tcell.KeyEnter); !strings.Contains(frame, "Unlink the authenticator app? ") {
		t.Fatalf("no question before unlinking:\n%s", frame)
	}
	h.press('n')
	if len(h.host.intents()) != n {
		t.Fatalf("n published %v", h.host.intents()[n:])
	}
	h.key(tcell.KeyEnter)
	h.press('y')
	h.want(events.SettingsSubmitted{FlowID: form.FlowID, Method: "totp", Values: map[string]any{"totp_unlink": "true"}})
}

func TestSettingsKeepsSectionAndShowsQR(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(settingsForm(t, "settings_flow_created_200.json", ""))
	h.key(tcell.KeyPgDn)
	h.key(tcell.KeyPgDn)
	frame := h.feed(settingsForm(t, "settings_totp_wrong_code_400.json", ""))
	if !strings.Contains(frame, "[3 Authenticator app]") || !strings.Contains(frame, "The provided authentication code is invalid") {
		t.Fatalf("wrong code not shown in the authenticator section:\n%s", frame)
	}
	h.key(tcell.KeyTab) // to Verify: out of the text field
	if frame := h.press('z'); !strings.Contains(frame, "Scan it with your authenticator app") {
		t.Fatalf("z did not show the QR code:\n%s", frame)
	}
	if frame := h.press('z'); strings.Contains(frame, "Scan it") {
		t.Fatalf("z did not close the QR code:\n%s", frame)
	}
}

func TestRecoveryKeys(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(recoveryForm(t, "recovery_flow_created_200.json"))
	h.typeText("zoë@example.com")
	h.key(tcell.KeyEnter)
	h.want(events.RecoverySubmitted{Email: "zoë@example.com"})

	sent := recoveryForm(t, "recovery_code_sent_200.json")
	h.feed(sent)
	h.typeText("123456")
	h.key(tcell.KeyEnter)
	h.want(events.RecoverySubmitted{Code: "123456"})

	h.feed(sent)
	h.key(tcell.KeyTab) // Continue
	h.key(tcell.KeyTab) // Resend code
	h.key(tcell.KeyEnter)
	h.want(events.RecoverySubmitted{Email: "u1795761275818943817-1@example.org"})

	h.feed(sent)
	h.key(tcell.KeyEscape)
	h.want(events.LoginFlowRequested{})
}

func TestVerificationKeys(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(verificationForm(t, "verification_flow_created_200.json", ""))
	h.key(tcell.KeyEnter) // the prefilled address
	h.want(events.VerificationSubmitted{Email: fixtureEmail})

	h.feed(verificationForm(t, "verification_code_sent_200.json", ""))
	h.typeText("654321")
	h.key(tcell.KeyEnter)
	h.want(events.VerificationSubmitted{Code: "654321"})

	h.feed(verificationForm(t, "verification_passed_200.json", ""))
	h.key(tcell.KeyEscape)
	h.want(events.HomeRequested{})
}

func TestSessionsKeys(t *testing.T) {
	list := sessionsFixture(t)
	h := newHarness(t, 80, 24, testOpts)
	h.feed(list)
	n := len(h.host.intents())
	if frame := h.press('d'); !strings.Contains(frame, "session you are using") {
		t.Fatalf("d on the current session:\n%s", frame)
	}
	if len(h.host.intents()) != n {
		t.Fatalf("d on the current session published %v", h.host.intents()[n:])
	}
	h.key(tcell.KeyDown)
	h.press('d')
	if len(h.host.intents()) != n {
		t.Fatalf("d published %v before it was confirmed", h.host.intents()[n:])
	}
	h.press('y')
	h.want(events.SessionRevocationRequested{SessionID: list.Sessions[1].ID})
	h.feed(list)
	h.press('D')
	h.press('y')
	h.want(events.OtherSessionsRevocationRequested{})
	h.feed(list)
	h.press('r')
	h.want(events.SessionsRequested{})
	h.feed(list)
	h.key(tcell.KeyEscape)
	h.want(events.HomeRequested{})
}

// TestEveryStateEventIsShown feeds a zero value of every registered state
// event type: the UI draws a frame for each and keeps running.
func TestEveryStateEventIsShown(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	n := 0
	for _, name := range events.Types() {
		ev, err := events.DecodeEvent(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ev.EventKind() != events.KindState {
			continue
		}
		n++
		h.feed(ev)
		select {
		case err := <-h.done:
			t.Fatalf("after %s the UI ended with %v", name, err)
		default:
		}
	}
	if n < 14 {
		t.Fatalf("only %d state event types", n)
	}
}
