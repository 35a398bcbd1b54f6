package plain_test

import (
	"strings"
	"testing"
)

// TestPlainPromptsHelpAndSaves: the home screen lists its commands once
// (in the prompt), help writes a line per command, and a settings save
// writes the section that changed, not the whole page again (issue 11,
// item 11).
func TestPlainPromptsHelpAndSaves(t *testing.T) {
	srv := kratosServer(t)
	s := start(t, srv.PublicURL)
	email := uniqueEmail(t)
	s.await("E-Mail")
	s.send("signup")
	s.await("Sign up")
	s.await("E-Mail")
	s.send(email, password, "Zoë", "")
	s.await("Session information")
	from := len(s.all)
	s.await("Command (")
	lists := 0
	for _, l := range s.all[from:] {
		if strings.Contains(l, "settings") && strings.Contains(l, "logout") {
			lists++
		}
	}
	if lists != 1 {
		t.Fatalf("%d command lists for one prompt:\n%s", lists, strings.Join(s.all[from:], "\n"))
	}

	s.send("help")
	s.await("Commands:")
	for _, cmd := range []string{"logout", "sessions", "settings", "quit"} {
		if l := s.await("  " + cmd); !strings.HasPrefix(strings.TrimSpace(l), cmd) || len(strings.Fields(l)) < 2 {
			t.Fatalf("help line for %s: %q", cmd, l)
		}
	}

	s.send("settings")
	s.await("== Profile ==")
	s.await("== Password ==")
	s.await("Command (")
	s.send("profile")
	s.await("E-Mail")
	s.send("")
	s.await("First Name")
	s.send("Ada")
	s.await("Last Name")
	s.send("")
	from = len(s.all)
	s.await("Your changes have been saved")
	s.await("== Profile ==")
	s.await("Command (")
	for _, l := range s.all[from:] {
		if strings.Contains(l, "== Password ==") || strings.Contains(l, "Key URI") {
			t.Fatalf("a save wrote the whole settings page again:\n%s", strings.Join(s.all[from:], "\n"))
		}
	}
	s.send("quit")
}
