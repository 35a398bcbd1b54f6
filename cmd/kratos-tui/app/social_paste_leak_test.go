package app_test

// BREAKER finding: a pasted social sign-in callback address whose `code`
// events.CallbackCodes cannot parse reaches the recording in clear.
//
// events.SocialSignInCallbackReceived.Redacted finds the code with
// url.Parse(TrimSpace(raw)), but the machine (fsm.callbackQuery) accepts
// more: an address without its scheme ("127.0.0.1:PORT/callback?code=…",
// documented as accepted: "what a user pastes may … lack the scheme").
// url.Parse fails on "127.0.0.1:PORT/…" ("first path segment in URL cannot
// contain colon"), so the intent record keeps the code; and an address the
// machine refuses (pasted with quotes or angle brackets, as copied from a
// chat or a markdown file) is never learned at all, so no by-value pass
// ever replaces it.
//
// Fixed: events.ParseCallback reads the address for the machine and the
// recorder alike; an address that does not parse is recorded as
// events.NotAnAddress. Failed at e06a090.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events"
)

func TestSocialPastedCodeNeverRecorded(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := uniqueEmail(t)
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	out := &syncBuffer{}
	rec := filepath.Join(t.TempDir(), "social.jsonl")
	c := startClient(t, stack.Kratos.PublicURL, clientOptions{callbackPort: stack.CallbackPort, callbacks: noListener{}, capture: out, record: rec})
	c.await("SignedOut")
	st := startSocial(t, c)
	page := hydratest.NewBrowser().Open(context.Background(), st.URL)
	if page.Err == nil || !(strings.HasPrefix(page.URL, stack.ReturnTo+"/") && strings.Contains(page.URL, "?code=")) {
		t.Fatalf("the browser should fail to load the callback; got %+v", page)
	}
	code := events.CallbackCodes(page.URL)[0]

	// 1. Copied with quotes (refused: "That is not an address").
	c.send("SocialSignInCallbackReceived", map[string]any{"url": `"` + page.URL + `"`, "pasted": true})
	c.await("SocialSignInStarted")
	// 2. Copied with angle brackets (refused).
	c.send("SocialSignInCallbackReceived", map[string]any{"url": "<" + page.URL + ">", "pasted": true})
	c.await("SocialSignInStarted")
	// 3. Without the scheme: accepted, exchanged, signed in.
	c.send("SocialSignInCallbackReceived", map[string]any{"url": strings.TrimPrefix(page.URL, "http://"), "pasted": true})
	c.await("SignedIn")
	c.send("SignOutRequested", nil)
	c.await("SignedOut")
	c.in.Close()
	for range c.lines {
	}
	if err := <-c.done; err != nil {
		t.Fatal(err)
	}
	c.done <- nil
	recorded, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(recorded), "\n") {
		if strings.Contains(l, code) {
			masked := strings.ReplaceAll(l, code, code[:3]+"…MASKED")
			if len(masked) > 400 {
				masked = masked[:400]
			}
			t.Errorf("recording line %d holds the exchange code in clear: %s", i+1, masked)
		}
	}
	if strings.Contains(out.String(), code) {
		t.Errorf("the output / debug log holds the exchange code in clear")
	}
}
