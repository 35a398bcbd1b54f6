package app_test

// BREAKER finding: the loopback callback takes the first request from
// anyone. Any web page the user has open while the sign-in waits (an
// <img src="http://127.0.0.1:4446/callback?code=x">), or any local user
// or process, can send a forged `code`: the client exchanges it, Kratos
// answers 404, the client drops the sign-in (m.social = nil), stops the
// listener, and the real browser's return finds a closed port: the
// sign-in cannot finish. Nothing ties the request to this sign-in (no
// state, no Sec-Fetch-Site / Origin check), and a failed exchange does
// not keep waiting for the real code.
//
// Fixed: the callback is /callback/<nonce> (a request without it is
// answered 404 and never delivered), and a refused code keeps the sign-in
// waiting. Failed at e06a090 ("want SignedIn").

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

func TestForgedCallbackDoesNotEndSignIn(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := uniqueEmail(t)
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	c := startClient(t, stack.Kratos.PublicURL, clientOptions{callbackPort: stack.CallbackPort})
	c.await("SignedOut")
	st := startSocial(t, c)

	// A web page in the user's browser, cross-site.
	req, _ := http.NewRequest("GET", stack.ReturnTo+"?code=forged-by-some-web-page", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		// Not this sign-in's callback path (/callback/<nonce>): never
		// delivered.
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("a request without the sign-in's nonce answered %d, want 404", resp.StatusCode)
		}
	}
	time.Sleep(500 * time.Millisecond)

	// Then the user finishes the sign-in in the browser.
	page := hydratest.NewBrowser().Open(context.Background(), st.URL)
	if page.Err != nil || !strings.Contains(page.Body, "go back to the terminal") {
		t.Errorf("the real browser's return was not received: %+v", page.Err)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l := <-c.lines:
			if l.Type == "SignedIn" {
				return
			}
			if l.Type == "LoginFormShown" {
				t.Fatalf("a forged callback ended the sign-in: %s", l.Data)
			}
			if l.Type == "SocialSignInCallbackReceived" && strings.Contains(string(l.Data), "forged") {
				t.Errorf("the forged request reached the machine: %s", l.Data)
			}
		case <-deadline:
			t.Fatal("want SignedIn after the real browser came back")
		}
	}
}

// TestWrongCodeKeepsWaiting: a callback address of this sign-in (its
// nonce) with a code Kratos refuses (pasted from another sign-in, say)
// does not end the sign-in: the machine says so and keeps waiting, and
// the real browser's return still signs in.
func TestWrongCodeKeepsWaiting(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := uniqueEmail(t)
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	c := startClient(t, stack.Kratos.PublicURL, clientOptions{callbackPort: stack.CallbackPort})
	c.await("SignedOut")
	st := startSocial(t, c)
	c.send("SocialSignInCallbackReceived", map[string]any{"url": st.ReturnTo + "?code=not-the-real-code", "pasted": true})
	again := decode[socialStarted](t, c.await("SocialSignInStarted"))
	if !strings.Contains(again.Error, "did not sign you in") || again.FlowID != st.FlowID {
		t.Fatalf("after a wrong code: %+v, want the same sign-in still waiting, saying why", again)
	}
	page := hydratest.NewBrowser().Open(context.Background(), st.URL)
	if page.Err != nil || !strings.Contains(page.Body, "go back to the terminal") {
		t.Fatalf("the real browser's return was not received: %+v", page.Err)
	}
	c.await("SignedIn")
}
