package tui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
)

// TestEndToEndEscCancelsAHangingCall: Kratos hangs on the sign-in; Esc
// abandons the call at once (not after the 30 s timeout), the form comes
// back as it was (the password too) and says so; Enter then signs in
// (issue 11, item 10).
func TestEndToEndEscCancelsAHangingCall(t *testing.T) {
	srv := kratosServer(t)
	email := fmt.Sprintf("tui-cancel-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	h := startApp(t, proxy.URL())
	h.waitFor("the sign-in form", signInForm)
	proxy.Add(faultproxy.Rule{Method: "POST", PathPrefix: "/self-service/login", Kind: faultproxy.Delay, Delay: time.Minute})
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyEnter)
	h.waitFor("the call under way", has("Signing in", "Esc cancel"))
	start := time.Now()
	h.key(tcell.KeyEscape)
	frame := h.waitFor("the form back", has("cancelled", "E-Mail"))
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Esc took %s to give the form back", d)
	}
	if !strings.Contains(frame, email[:30]) {
		t.Fatalf("the e-mail is gone:\n%s", frame)
	}
	proxy.Clear()
	h.key(tcell.KeyEnter) // the password is still there
	h.waitFor("the session", has("Session information", email))
}
