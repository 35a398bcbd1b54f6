package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// socialStarted is the part of SocialSignInStarted the tests read.
type socialStarted struct {
	Provider      string `json:"provider"`
	ProviderLabel string `json:"provider_label"`
	URL           string `json:"url"`
	ReturnTo      string `json:"return_to"`
	FlowID        string `json:"flow_id"`
	Error         string `json:"error"`
}

// syncBuffer is a bytes.Buffer safe for the client's writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startSocial opens the sign-in form and asks for the Hydra provider.
func startSocial(t *testing.T, c *client) socialStarted {
	t.Helper()
	c.send("LoginFlowRequested", nil)
	f := decode[form](t, c.await("LoginFormShown"))
	if f.FlowID == "" {
		t.Fatal("no sign-in form")
	}
	c.send("SocialSignInRequested", map[string]any{"provider": hydratest.ProviderID})
	st := decode[socialStarted](t, c.await("SocialSignInStarted"))
	if st.URL == "" || st.ProviderLabel != hydratest.ProviderLabel {
		t.Fatalf("SocialSignInStarted = %+v, want the provider's URL and label", st)
	}
	return st
}

// TestSocialSignInJSON signs in with Hydra through the real client and
// the json UI: the browser (a cookie-jar HTTP client) follows the real
// redirects to the client's loopback callback, and the client exchanges
// the code. The recording and every output hold neither the code nor
// the session token.
func TestSocialSignInJSON(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := uniqueEmail(t)
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	tokens := tokenstore.NewMemory()
	out := &syncBuffer{}
	rec := filepath.Join(t.TempDir(), "social.jsonl")
	c := startClient(t, stack.Kratos.PublicURL, clientOptions{tokens: tokens, capture: out, record: rec, callbackPort: stack.CallbackPort})
	c.await("SignedOut")

	st := startSocial(t, c)
	// The configured callback, with this sign-in's nonce as the last
	// path segment.
	if nonce, ok := strings.CutPrefix(st.ReturnTo, stack.ReturnTo+"/"); !ok || len(nonce) < 22 || strings.Contains(nonce, "/") {
		t.Fatalf("return_to %s, want %s/<nonce>", st.ReturnTo, stack.ReturnTo)
	}
	b := hydratest.NewBrowser()
	page := b.Open(context.Background(), st.URL)
	if page.Err != nil || page.Status != 200 || !strings.Contains(page.Body, "go back to the terminal") {
		t.Fatalf("browser ended at %+v (visited %v)", page, b.Visited)
	}
	code := events.CallbackCodes(page.URL)
	if len(code) == 0 {
		t.Fatalf("the browser's last page %s has no code", page.URL)
	}
	s := decode[signedIn](t, c.await("SignedIn"))
	if s.Email != email {
		t.Fatalf("signed in as %q, want %q", s.Email, email)
	}
	token, err := tokens.Load()
	if err != nil || token == "" {
		t.Fatalf("stored token %q, %v", token, err)
	}

	// Sign out, and the browser's return after it is refused: no sign-in
	// waits for it.
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
	for what, secret := range map[string]string{"session token": token, "exchange code": code[0]} {
		for name, data := range map[string]string{"recording": string(recorded), "output and debug log": out.String()} {
			if strings.Contains(data, secret) {
				t.Errorf("the %s holds the %s in clear", name, what)
			}
		}
	}
	for _, want := range []string{"SocialSignInRequested", "SocialSignInStarted", "SocialSignInCallbackReceived", "kratos.exchange_session_token", "/sessions/token-exchange"} {
		if !strings.Contains(string(recorded), want) {
			t.Errorf("the recording lacks %s", want)
		}
	}
}

// noListener stands for a terminal over SSH: the browser on the user's
// own machine cannot reach the client's loopback port.
type noListener struct{}

func (noListener) Listen(string, func(string)) error { return nil }
func (noListener) Stop() error                       { return nil }

// TestSocialSignInPastedAddress: the browser cannot reach the callback
// (another machine, over SSH); the user pastes the address it ended at.
func TestSocialSignInPastedAddress(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := uniqueEmail(t)
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	c := startClient(t, stack.Kratos.PublicURL, clientOptions{callbackPort: stack.CallbackPort, callbacks: noListener{}})
	c.await("SignedOut")
	st := startSocial(t, c)
	page := hydratest.NewBrowser().Open(context.Background(), st.URL)
	if page.Err == nil || !(strings.HasPrefix(page.URL, stack.ReturnTo+"/") && strings.Contains(page.URL, "?code=")) {
		t.Fatalf("the browser should fail to load the callback and show its address; got %+v", page)
	}

	// Something else first: refused on the waiting screen, which stays.
	c.send("SocialSignInCallbackReceived", map[string]any{"url": "https://example.com/?code=abc", "pasted": true})
	bad := decode[socialStarted](t, c.await("SocialSignInStarted"))
	if !strings.Contains(bad.Error, st.ReturnTo) || bad.URL != st.URL {
		t.Fatalf("a wrong address: %+v", bad)
	}
	// What the address bar shows, pasted with stray spaces.
	c.send("SocialSignInCallbackReceived", map[string]any{"url": "  " + page.URL + " ", "pasted": true})
	if s := decode[signedIn](t, c.await("SignedIn")); s.Email != email {
		t.Fatalf("signed in as %q, want %q", s.Email, email)
	}
}

// TestSocialSignInTrapsJSON: a browser already signed in to Kratos brings
// no code (the client says so and suggests a private window); an address
// that has a password account asks to sign in with it, which links the
// provider.
func TestSocialSignInTrapsJSON(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	c := startClient(t, stack.Kratos.PublicURL, clientOptions{callbackPort: stack.CallbackPort})
	c.await("SignedOut")

	t.Run("browser with a Kratos session", func(t *testing.T) {
		email := uniqueEmail(t)
		stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
		b := hydratest.NewBrowser()
		if _, err := b.SignInAtKratos(context.Background(), stack.Kratos.PublicURL); err != nil || !b.HasKratosSession(stack.Kratos.PublicURL) {
			t.Fatalf("browser sign-in at Kratos: %v", err)
		}
		st := startSocial(t, c)
		b.Open(context.Background(), st.URL)
		f := decode[form](t, c.await("LoginFormShown"))
		if f.GeneralError != fsm.MessageSocialNoCode {
			t.Fatalf("general error %q, want %q", f.GeneralError, fsm.MessageSocialNoCode)
		}
	})

	t.Run("account linking", func(t *testing.T) {
		email := uniqueEmail(t)
		c.send("RegistrationFlowRequested", nil)
		c.await("RegistrationFormShown")
		c.send("SignUpSubmitted", map[string]any{"email": email, "password": "Correct-Horse-9417-battery"})
		c.await("SignedIn")
		c.send("SignOutRequested", nil)
		c.await("SignedOut")

		stack.Hydra.SetUser(hydratest.User{Subject: "sub-link-" + email, Email: email})
		st := startSocial(t, c)
		hydratest.NewBrowser().Open(context.Background(), st.URL)
		f := decode[form](t, c.await("LoginFormShown"))
		if !hasMessage(f.Messages, 1010016) || !strings.Contains(f.Notice, "to link Hydra") || f.Email != email {
			t.Fatalf("linking form: %+v", f)
		}
		c.send("SignInSubmitted", map[string]any{"identifier": email, "password": "Correct-Horse-9417-battery"})
		c.await("SignedIn")
		c.send("SignOutRequested", nil)
		c.await("SignedOut")

		// Linked: the provider now signs the same account in.
		st = startSocial(t, c)
		hydratest.NewBrowser().Open(context.Background(), st.URL)
		if s := decode[signedIn](t, c.await("SignedIn")); s.Email != email {
			t.Fatalf("after linking, signed in as %q", s.Email)
		}
	})
}
