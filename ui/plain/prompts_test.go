package plain_test

import (
	"context"
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

// TestPlainRefusedSignUpOffersWhatWasTyped: Kratos sends the sign-up form
// back without the values (the account exists); the plain UI offers what
// was typed as defaults, and the e-mail carries to the sign-in form (issue
// 11, item 3).
func TestPlainRefusedSignUpOffersWhatWasTyped(t *testing.T) {
	srv := kratosServer(t)
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	s := start(t, srv.PublicURL)
	s.await("E-Mail")
	s.send("signup")
	s.await("Sign up")
	s.await("E-Mail")
	s.send(email, password, "Zoë", "Lovelace")
	s.await("exists already")
	if l := s.await("E-Mail"); !strings.Contains(l, "["+email+"]") {
		t.Fatalf("the e-mail is not offered: %q", l)
	}
	s.send("", password)
	if l := s.await("First Name"); !strings.Contains(l, "[Zoë]") {
		t.Fatalf("the first name is not offered: %q", l)
	}
	s.send("")
	if l := s.await("Last Name"); !strings.Contains(l, "[Lovelace]") {
		t.Fatalf("the last name is not offered: %q", l)
	}
	s.send("")
	s.await("exists already")
	s.await("E-Mail")
	s.send("signin")
	s.await("Sign in")
	if l := s.await("E-Mail"); !strings.Contains(l, "["+email+"]") {
		t.Fatalf("the e-mail does not carry to the sign-in form: %q", l)
	}
	s.send("quit")
}
