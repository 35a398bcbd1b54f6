package plain_test

import (
	"context"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
	"github.com/kratos-tui/kratos-tui/ui"
)

// TestPlainCancelsACallInFlight: Kratos hangs on the sign-in; a typed
// "cancel" (or an Esc line) abandons the call at once, not after the
// timeout, and the form comes back with the e-mail typed as its default;
// signing in then works (issue 11, items 10 and 11).
func TestPlainCancelsACallInFlight(t *testing.T) {
	email, proxy, s := signInFormBehindProxy(t)
	proxy.Add(faultproxy.Rule{Method: "POST", PathPrefix: "/self-service/login", Kind: faultproxy.Delay, Delay: time.Minute})
	s.send(email, password)
	s.await("type cancel")
	// Ctrl-C reaches the UI as ui.Interrupted (cmd/kratos-tui's signal
	// handler calls it on SIGINT).
	for i, abandon := range []string{"cancel", "\x1b", "Ctrl-C"} {
		began := time.Now()
		if abandon == "Ctrl-C" {
			if !ui.Interrupted() {
				t.Fatal("Ctrl-C during a call was not taken by the UI")
			}
		} else {
			s.send(abandon)
		}
		s.await("cancelled")
		if d := time.Since(began); d > 5*time.Second {
			t.Fatalf("%q took %s to abandon the call", abandon, d)
		}
		s.await("E-Mail [" + email + "]")
		if i < 2 {
			s.send("", password) // the e-mail as typed
			s.await("type cancel")
		}
	}
	proxy.Clear()
	s.send("", password)
	s.await("Session information")
	if ui.Interrupted() {
		t.Fatal("Ctrl-C with no call in flight was taken by the UI (it must end the client)")
	}
}

// TestPlainTypedInACall: lines typed while a
// call is in flight (Kratos slow) are kept, in order, for the prompts that
// follow; the call ends normally and the client goes on (a second line
// once made the watcher keep and re-read its kept line for ever: the
// client hung at full CPU, deaf to cancel and Ctrl-C).
func TestPlainTypedInACall(t *testing.T) {
	email, proxy, s := signInFormBehindProxy(t)
	proxy.Add(faultproxy.Rule{Method: "POST", PathPrefix: "/self-service/login", Kind: faultproxy.Delay, Delay: 2 * time.Second})
	s.send(email, password)
	s.await("type cancel")
	// Typed while Kratos thinks: two commands for the home screen.
	s.send("token", "sessions")
	s.await("Session information")
	s.await("ory_st_") // the token command's answer
	s.await("Sessions")
	proxy.Clear()
}

// signInFormBehindProxy starts the plain client against a real Kratos
// behind a fault proxy, with an identity to sign in as, and waits for the
// sign-in form.
func signInFormBehindProxy(t *testing.T) (string, *faultproxy.Proxy, *session) {
	t.Helper()
	srv := kratosServer(t)
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	s := start(t, proxy.URL())
	s.await("E-Mail")
	return email, proxy, s
}
