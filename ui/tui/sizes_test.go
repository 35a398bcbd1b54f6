package tui_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// screenCase shows one screen on a harness and returns its frame.
type screenCase struct {
	name string
	show func(t *testing.T, h *harness) string
}

func feedCase(name string, ev func(t *testing.T) events.Event) screenCase {
	return screenCase{name, func(t *testing.T, h *harness) string { return h.feed(ev(t)) }}
}

// everyScreen is every screen of the client, fed from captured answers.
var everyScreen = []screenCase{
	feedCase("launch", func(*testing.T) events.Event { return events.SessionCheckStarted{Message: "Checking your session…"} }),
	feedCase("launch_failed", func(*testing.T) events.Event {
		return events.SessionCheckFailed{Message: "Could not check your session: Kratos is unreachable (connection refused). Retry when it is back."}
	}),
	feedCase("sign_in", func(t *testing.T) events.Event { return loginForm(t, "login_flow_created_200.json") }),
	feedCase("sign_in_wrong_password", func(t *testing.T) events.Event { return loginForm(t, "login_wrong_password_400.json") }),
	feedCase("sign_up", func(t *testing.T) events.Event { return registrationForm(t, "registration_flow_created_200.json") }),
	feedCase("sign_up_duplicate", func(t *testing.T) events.Event { return registrationForm(t, "registration_duplicate_email_400.json") }),
	feedCase("sign_in_identifier_first", func(t *testing.T) events.Event { return loginForm(t, "login_identifier_first_created_200.json") }),
	feedCase("sign_in_identifier_first_methods", func(t *testing.T) events.Event {
		return loginForm(t, "login_identifier_first_methods_400.json")
	}),
	feedCase("second_factor_code_offered", func(t *testing.T) events.Event { return secondFactorForm(t, "login_aal2_code_offered_200.json") }),
	feedCase("second_factor_code_sent", func(t *testing.T) events.Event { return secondFactorForm(t, "login_aal2_code_sent_400.json") }),
	feedCase("sign_in_passkey_browser", func(t *testing.T) events.Event { return loginForm(t, "login_browser_passkey_200.json") }),
	feedCase("sign_in_code_offered", func(t *testing.T) events.Event { return loginForm(t, "login_code_flow_created_200.json") }),
	feedCase("sign_in_code_sent", func(t *testing.T) events.Event { return loginForm(t, "login_code_sent_400.json") }),
	feedCase("sign_up_code_sent", func(t *testing.T) events.Event { return registrationForm(t, "registration_code_sent_400.json") }),
	feedCase("sign_up_two_step_profile", func(t *testing.T) events.Event {
		return registrationForm(t, "registration_two_step_flow_created_200.json")
	}),
	feedCase("sign_up_two_step_credential", func(t *testing.T) events.Event {
		return registrationForm(t, "registration_two_step_choose_credential_400.json")
	}),
	feedCase("home", func(t *testing.T) events.Event { return signedInFixture(t) }),
	feedCase("home_notice", func(t *testing.T) events.Event {
		in := signedInFixture(t)
		in.Notice = "Signed in, but the session could not be stored for next time: keyring locked"
		return in
	}),
	feedCase("second_factor", func(t *testing.T) events.Event { return secondFactorForm(t, "login_totp_wrong_code_400.json") }),
	feedCase("second_factor_backup", func(t *testing.T) events.Event { return secondFactorForm(t, "login_lookup_used_code_400.json") }),
	feedCase("reauthentication", func(t *testing.T) events.Event { return reauthForm(t) }),
	feedCase("settings_profile", func(t *testing.T) events.Event {
		return settingsForm(t, "settings_profile_saved_200.json", fsm.MessageSettingsSaved)
	}),
	feedCase("settings_password_error", func(t *testing.T) events.Event {
		return settingsForm(t, "settings_password_too_short_400.json", "")
	}),
	{"settings_totp", func(t *testing.T, h *harness) string {
		h.feed(settingsForm(t, "settings_flow_created_200.json", ""))
		h.key(tcell.KeyPgDn)
		return h.key(tcell.KeyPgDn)
	}},
	{"settings_backup_codes", func(t *testing.T, h *harness) string {
		h.feed(settingsForm(t, "settings_lookup_revealed_200.json", fsm.MessageSettingsSaved))
		return h.key(tcell.KeyPgUp)
	}},
	feedCase("recovery", func(t *testing.T) events.Event { return recoveryForm(t, "recovery_flow_created_200.json") }),
	feedCase("recovery_wrong_code", func(t *testing.T) events.Event { return recoveryForm(t, "recovery_wrong_code_200.json") }),
	feedCase("verification_sent", func(t *testing.T) events.Event { return verificationForm(t, "verification_code_sent_200.json", "") }),
	feedCase("verification_passed", func(t *testing.T) events.Event {
		return verificationForm(t, "verification_passed_200.json", fsm.MessageVerified)
	}),
	feedCase("sessions", func(t *testing.T) events.Event { return sessionsFixture(t) }),
	feedCase("sign_in_social", func(t *testing.T) events.Event { return loginForm(t, "oidc/login_oidc_flow_created_200.json") }),
	{"social_waiting", func(t *testing.T, h *harness) string { return h.feed(socialStarted(t)) }},
	{"social_pasted_wrong", func(t *testing.T, h *harness) string {
		ev := socialStarted(t)
		ev.Error = "That address is not this sign-in's callback: it must start with " + ev.ReturnTo + " (the page your browser could not open at the end)."
		return h.feed(ev)
	}},
	feedCase("social_account_linking", func(t *testing.T) events.Event {
		f := loginForm(t, "oidc/login_oidc_account_linking_200.json")
		f.Notice = fmt.Sprintf(fsm.MessageSocialLink, "Hydra")
		return f
	}),
	{"help", func(t *testing.T, h *harness) string {
		h.feed(loginForm(t, "login_flow_created_200.json"))
		return h.key(tcell.KeyF1)
	}},
}

// TestEveryScreenAtEverySize draws every screen at 60x16 (the minimum),
// 80x24 and 120x40: each frame matches its golden, no line is wider than
// the terminal, the body's border is whole (nothing runs over it) and the
// help bar is the last line, uncovered (issue 11, item 8).
func TestEveryScreenAtEverySize(t *testing.T) {
	for _, size := range [][2]int{{60, 16}, {80, 24}, {120, 40}} {
		for _, sc := range everyScreen {
			w, hh := size[0], size[1]
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, w, hh), func(t *testing.T) {
				h := newHarness(t, w, hh, testOpts)
				frame := sc.show(t, h)
				checkFrame(t, frame, w, hh)
				golden(t, frame)
			})
		}
	}
}

// checkFrame checks a frame's structure.
func checkFrame(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(frame, "\n"), "\n")
	for i, l := range lines {
		if n := utf8.RuneCountInString(l); n > w {
			t.Errorf("line %d is %d wide, more than %d: %q", i+1, n, w, l)
		}
	}
	if len(lines) != h {
		t.Fatalf("the frame has %d lines, want %d (the help bar last):\n%s", len(lines), h, frame)
	}
	if bar := lines[h-1]; !strings.Contains(bar, "help") || !strings.Contains(bar, "quit") {
		t.Errorf("the last line is not the help bar: %q\n%s", bar, frame)
	}
	top, bottom := -1, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "╔") && top < 0 {
			top = i
		}
		if strings.HasPrefix(l, "╚") {
			bottom = i
		}
	}
	if top < 0 || bottom < 0 {
		return // an overlay or the launch screen's own frame
	}
	if bottom != h-3 {
		t.Errorf("the body's border ends on line %d, want %d (above the status and help lines):\n%s", bottom+1, h-2, frame)
	}
	for i := top + 1; i < bottom; i++ {
		r := []rune(lines[i])
		if len(r) != w || r[0] != '║' || r[w-1] != '║' {
			t.Errorf("line %d runs over the border: %q", i+1, lines[i])
		}
	}
}
