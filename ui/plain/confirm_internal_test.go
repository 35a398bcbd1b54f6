package plain

import (
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// TestPlainAsksBeforeDestructiveActions: unlinking the authenticator app
// and ending sessions ask y/n first, as in the TUI; anything but yes does
// nothing.
func TestPlainAsksBeforeDestructiveActions(t *testing.T) {
	settings := events.SettingsFormShown{Form: fixtureForm(t, "settings_flow_totp_linked_200.json")}
	out, intent := runPrompt(t, settings, "unlink-totp\nn\n")
	if !strings.Contains(out, fields.Destructive["totp_unlink"]) || !strings.Contains(out, "Not done.") {
		t.Errorf("unlink-totp did not ask first:\n%s", out)
	}
	if intent != nil {
		t.Errorf("unlink-totp answered no published %#v", intent)
	}
	if _, intent = runPrompt(t, settings, "unlink-totp\ny\n"); intent == nil {
		t.Error("unlink-totp answered yes published nothing")
	} else if s, ok := intent.(events.SettingsSubmitted); !ok || s.Method != "totp" {
		t.Errorf("unlink-totp answered yes published %#v", intent)
	}

	list := events.SessionsListShown{Sessions: []events.SessionSummary{{ID: "me", Current: true}, {ID: "other"}}}
	for _, c := range []struct{ line, question string }{
		{"revoke 2", fields.QuestionRevokeSession},
		{"revoke-others", fields.QuestionRevokeOthers},
	} {
		out, intent := runPrompt(t, list, c.line+"\nno\n")
		if !strings.Contains(out, c.question) || intent != nil {
			t.Errorf("%s answered no: published %#v\n%s", c.line, intent, out)
		}
		if _, intent := runPrompt(t, list, c.line+"\nyes\n"); intent == nil {
			t.Errorf("%s answered yes published nothing", c.line)
		}
	}
}

// TestPlainNeverTakesASecretFromTheCommandLine: the settings prompt does
// not offer "password <Password>", and a password typed after the command
// anyway is not used: it is asked again, hidden.
func TestPlainNeverTakesASecretFromTheCommandLine(t *testing.T) {
	settings := events.SettingsFormShown{Form: fixtureForm(t, "settings_flow_created_200.json")}
	out, intent := runPrompt(t, settings, "password shown-on-screen-1\nhidden-typed-2\n")
	if strings.Contains(out, "password [<") {
		t.Errorf("the prompt offers the password on the command line:\n%s", out)
	}
	s, ok := intent.(events.SettingsSubmitted)
	if !ok {
		t.Fatalf("published %#v\n%s", intent, out)
	}
	if got := s.Values["password"]; got != "hidden-typed-2" {
		t.Errorf("password sent %q, want the one asked hidden", got)
	}
}

// TestPlainSavedSaysItOnce: the machine's "saved" notice and Kratos's own
// message say the same thing: one line.
func TestPlainSavedSaysItOnce(t *testing.T) {
	f := fixtureForm(t, "settings_profile_saved_200.json")
	f.Notice = fsm.MessageSettingsSaved
	out, _ := runPrompt(t, events.SettingsFormShown{Form: f}, "home\n")
	if n := strings.Count(out, "Your changes have been saved"); n != 1 {
		t.Errorf("said %d times:\n%s", n, out)
	}
}

// TestNewBackupCodesAskOnlyWhenOldOnesExist: the first backup codes are
// made at once; new ones over shown codes ask first (the old ones stop
// working).
func TestNewBackupCodesAskOnlyWhenOldOnesExist(t *testing.T) {
	first := events.SettingsFormShown{Form: fixtureForm(t, "settings_flow_created_200.json")}
	out, intent := runPrompt(t, first, "regenerate-codes\n")
	if strings.Contains(out, "(y/n)") || intent == nil {
		t.Errorf("the first backup codes asked or were not made: %#v\n%s", intent, out)
	}
	again := events.SettingsFormShown{Form: fixtureForm(t, "settings_lookup_revealed_200.json")}
	out, intent = runPrompt(t, again, "regenerate-codes\nn\n")
	if !strings.Contains(out, fields.Destructive["lookup_secret_regenerate"]) || intent != nil {
		t.Errorf("new codes over old ones did not ask: %#v\n%s", intent, out)
	}
}
