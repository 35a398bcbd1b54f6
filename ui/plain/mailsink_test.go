package plain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
	"github.com/kratos-tui/kratos-tui/ui"
)

// Against the dev stack (a mail sink), "mail" at the recovery code prompt
// submits the e-mailed code, with the real Kratos.
func TestPlainRecoveryWithTheMailSink(t *testing.T) {
	kratosServer(t) // fails without the binary when required
	dir := t.TempDir()
	sink, err := mailsink.Start("127.0.0.1:0", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sink.Close() })
	srv := kratostest.New(t, kratostest.Options{CourierURL: sink.URL()})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	email := uniqueEmail(t)
	if _, err := srv.CreateVerifiedIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	s := startWith(t, srv.PublicURL, ui.Options{MailDir: dir})
	s.await("E-Mail")
	s.send("forgot")
	s.await("Recover your account")
	s.await("Email")
	s.send(email)
	s.await("mail (the e-mailed code, dev stack)")
	s.await("Recovery code")
	// The mail may come a moment after the prompt; "mail" says so.
	for {
		s.send("mail")
		line := s.awaitAny("Code filled in from the dev mail sink.", "no new e-mailed code", "no recovery message")
		if line == "Code filled in from the dev mail sink." {
			break
		}
		s.await("Recovery code")
		time.Sleep(200 * time.Millisecond) // the courier's next round
	}
	s.await("Note: You are signed in. Choose a new password.")
}

// awaitAny waits for a line holding one of texts and returns that text.
func (s *session) awaitAny(texts ...string) string {
	s.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				s.t.Fatalf("output ended while waiting for %q", texts)
			}
			s.all = append(s.all, l)
			for _, text := range texts {
				if strings.Contains(l, text) {
					return text
				}
			}
		case <-deadline:
			s.t.Fatalf("none of %q within 60s", texts)
		}
	}
}
