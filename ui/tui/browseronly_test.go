package tui_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestSignInPasskeyNeedsBrowserScreen: a method only a browser can do
// (a passkey, in a captured browser flow of the real Kratos) is shown as
// such, with the Kratos browser flow to open, never hidden or offered as
// a button that cannot work.
func TestSignInPasskeyNeedsBrowserScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	frame := h.feed(loginForm(t, "login_browser_passkey_200.json"))
	golden(t, frame)
	if !strings.Contains(frame, "Sign in with passkey needs a web browser; open:") ||
		!regexp.MustCompile(`http://127\.0\.0\.1:\d+/self-service/login/browser`).MatchString(frame) {
		t.Fatalf("the passkey should be shown as needing a browser, with its URL:\n%s", frame)
	}
}
