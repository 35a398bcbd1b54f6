package kratos

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/loopback"
)

// socialBrowse starts a social sign-in, lets the browser sign in at Hydra
// and returns the start and the URL the browser brought to the callback.
func socialBrowse(t *testing.T, st *hydratest.Stack, c *Client, b *hydratest.Browser, registration bool) (*adapters.SocialSignInStart, string) {
	t.Helper()
	ctx := testCtx(t)
	start, err := c.StartSocialSignIn(ctx, adapters.SocialSignInRequest{Provider: hydratest.ProviderID, ReturnTo: st.ReturnTo, Registration: registration})
	if err != nil {
		t.Fatalf("StartSocialSignIn: %v", err)
	}
	if !strings.HasPrefix(start.RedirectTo, st.Hydra.PublicURL+"/oauth2/auth?") || start.ExchangeCode == "" || start.FlowID == "" {
		t.Fatalf("start = %+v, want Hydra's authorize URL, a flow and an exchange code", start)
	}
	var rcv loopback.Receiver
	got := make(chan string, 4)
	if err := rcv.Listen(st.ReturnTo, func(u string) { got <- u }); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rcv.Stop() }()
	page := b.Open(ctx, start.RedirectTo)
	if page.Err != nil || page.Status != 200 {
		t.Fatalf("browser: %+v (visited %v)", page, b.Visited)
	}
	select {
	case u := <-got:
		return start, u
	case <-time.After(10 * time.Second):
		t.Fatalf("no callback; browser visited %v", b.Visited)
	}
	return nil, ""
}

func TestSocialSignInExchangesTheCodeForASession(t *testing.T) {
	st := hydratest.NewStack(t, kratostest.Options{})
	c := realClient(t, st.Kratos, Options{})
	email := uniqueEmail()
	st.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})

	// First time: Kratos turns the login into a registration (session hook).
	start, cb := socialBrowse(t, st, c, hydratest.NewBrowser(), false)
	u, _ := url.Parse(cb)
	code := u.Query().Get("code")
	if code == "" {
		t.Fatalf("callback %s has no code", cb)
	}
	sess, err := c.ExchangeSessionToken(testCtx(t), adapters.SessionTokenExchange{InitCode: start.ExchangeCode, ReturnToCode: code})
	if err != nil {
		t.Fatalf("ExchangeSessionToken: %v", err)
	}
	if sess.Token == "" || sess.Email != email || sess.IdentityID == "" {
		t.Fatalf("session = %+v, want a token for %s", sess, email)
	}
	who, err := c.Whoami(testCtx(t), sess.Token)
	if err != nil || who.IdentityID != sess.IdentityID {
		t.Fatalf("whoami = %+v, %v", who, err)
	}
	if !slices.ContainsFunc(who.Methods, func(m adapters.AuthenticationMethod) bool { return m.Method == "oidc" }) {
		t.Errorf("whoami methods %+v, want oidc", who.Methods)
	}

	// From a sign-up form: a registration flow, a new identity.
	other := uniqueEmail()
	st.Hydra.SetUser(hydratest.User{Subject: "sub-" + other, Email: other})
	startReg, cbReg := socialBrowse(t, st, c, hydratest.NewBrowser(), true)
	reg, err := c.ExchangeSessionToken(testCtx(t), adapters.SessionTokenExchange{InitCode: startReg.ExchangeCode, ReturnToCode: mustQuery(t, cbReg, "code")})
	if err != nil || reg.Email != other || reg.IdentityID == sess.IdentityID {
		t.Fatalf("sign-up with the provider = %+v, %v", reg, err)
	}
	st.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})

	// Wrong half: Kratos has no session for it.
	_, err = c.ExchangeSessionToken(testCtx(t), adapters.SessionTokenExchange{InitCode: start.ExchangeCode, ReturnToCode: code + "x"})
	wantClass(t, err, adapters.ClassFlowNotFound)

	// Second time, a fresh browser: a login of the same identity.
	start2, cb2 := socialBrowse(t, st, c, hydratest.NewBrowser(), false)
	u2, _ := url.Parse(cb2)
	sess2, err := c.ExchangeSessionToken(testCtx(t), adapters.SessionTokenExchange{InitCode: start2.ExchangeCode, ReturnToCode: u2.Query().Get("code")})
	if err != nil || sess2.IdentityID != sess.IdentityID || sess2.Token == sess.Token {
		t.Fatalf("second sign-in = %+v, %v; want a new session of %s", sess2, err, sess.IdentityID)
	}
}

func TestSocialSignInTraps(t *testing.T) {
	st := hydratest.NewStack(t, kratostest.Options{})
	c := realClient(t, st.Kratos, Options{})

	t.Run("unknown provider", func(t *testing.T) {
		_, err := c.StartSocialSignIn(testCtx(t), adapters.SocialSignInRequest{Provider: "nope", ReturnTo: st.ReturnTo})
		ae := wantClass(t, err, adapters.ClassValidation)
		if !strings.Contains(ae.Message, hydratest.ProviderID) {
			t.Errorf("message %q does not name the providers Kratos offers", ae.Message)
		}
	})

	t.Run("return_to not allowed", func(t *testing.T) {
		_, err := c.StartSocialSignIn(testCtx(t), adapters.SocialSignInRequest{Provider: hydratest.ProviderID, ReturnTo: "http://127.0.0.1:1/elsewhere"})
		if err == nil {
			t.Fatal("Kratos accepted a return_to it does not allow")
		}
		t.Logf("%v", err)
	})

	t.Run("a browser that holds a Kratos session brings no code", func(t *testing.T) {
		email := uniqueEmail()
		st.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
		b := hydratest.NewBrowser()
		// A browser sign-in leaves Kratos's session cookie in the browser.
		page, err := b.SignInAtKratos(testCtx(t), st.Kratos.PublicURL)
		if err != nil || !b.HasKratosSession(st.Kratos.PublicURL) {
			t.Fatalf("browser sign-in at Kratos: %+v, %v (visited %v)", page, err, b.Visited)
		}
		_, cb2 := socialBrowse(t, st, c, b, false)
		u2, _ := url.Parse(cb2)
		t.Logf("second callback: %s", cb2)
		if u2.Query().Get("code") != "" {
			t.Fatalf("a browser with a Kratos session brought a code: %s", cb2)
		}
	})

	t.Run("an address with a password account asks to link", func(t *testing.T) {
		email, _ := signUp(t, c)
		st.Hydra.SetUser(hydratest.User{Subject: "sub-link-" + email, Email: email})
		_, cb := socialBrowse(t, st, c, hydratest.NewBrowser(), false)
		u, _ := url.Parse(cb)
		t.Logf("callback: %s", cb)
		if u.Query().Get("code") != "" || u.Query().Get("flow") == "" {
			t.Fatalf("callback %s: want no code and the login flow to link in", cb)
		}
		flow, err := c.GetLoginFlow(testCtx(t), u.Query().Get("flow"))
		if err != nil {
			t.Fatalf("GetLoginFlow: %v", err)
		}
		if !slices.Contains(messageIDs(flow), "1010016") {
			t.Fatalf("linking flow messages %v, want 1010016", messageIDs(flow))
		}
		// Signing in with the password on that flow links the provider.
		body := map[string]any{"method": "password", "identifier": email, "password": goodPassword}
		sess, err := c.SubmitLoginForm(testCtx(t), "", flow.ID, body)
		if err != nil {
			t.Fatalf("password on the linking flow: %v", err)
		}
		// Now the provider signs the same identity in.
		start, cb2 := socialBrowse(t, st, c, hydratest.NewBrowser(), false)
		u2, _ := url.Parse(cb2)
		sess2, err := c.ExchangeSessionToken(testCtx(t), adapters.SessionTokenExchange{InitCode: start.ExchangeCode, ReturnToCode: u2.Query().Get("code")})
		if err != nil || sess2.IdentityID != sess.IdentityID {
			t.Fatalf("after linking, social sign-in = %+v, %v; want identity %s (callback %s)", sess2, err, sess.IdentityID, cb2)
		}
	})
	_ = errors.New
	_ = context.Background
}

// A user who takes longer in the browser than the flow lives: Kratos does
// not send the browser back to the callback with a code, and the flow's
// codes never give a session. The client must start a fresh flow (never
// continue through use_flow_id: the replacement has no exchange code).
func TestSocialSignInFlowExpiredInTheBrowser(t *testing.T) {
	st := hydratest.NewStack(t, kratostest.Options{LoginLifespan: "2s", RegistrationLifespan: "2s"})
	c := realClient(t, st.Kratos, Options{})
	email := uniqueEmail()
	st.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	ctx := testCtx(t)
	start, err := c.StartSocialSignIn(ctx, adapters.SocialSignInRequest{Provider: hydratest.ProviderID, ReturnTo: st.ReturnTo})
	if err != nil {
		t.Fatal(err)
	}
	// Wait for the flow's own expiry (a server-side deadline, not a UI).
	for time.Now().Before(start.ExpiresAt.Add(200 * time.Millisecond)) {
		time.Sleep(50 * time.Millisecond)
	}
	var rcv loopback.Receiver
	got := make(chan string, 4)
	if err := rcv.Listen(st.ReturnTo, func(u string) { got <- u }); err != nil {
		t.Fatal(err)
	}
	page := hydratest.NewBrowser().Open(ctx, start.RedirectTo)
	_ = rcv.Stop()
	t.Logf("browser ended at %s (HTTP %d, %v)", page.URL, page.Status, page.Err)
	select {
	case u := <-got:
		t.Fatalf("an expired flow came back to the callback: %s", u)
	default:
	}
	if !strings.Contains(page.URL, "/ui/error?id=") {
		t.Errorf("the browser ended at %s, want Kratos's error page", page.URL)
	}
	// A fresh flow works.
	start2, cb := socialBrowse(t, st, c, hydratest.NewBrowser(), false)
	sess, err := c.ExchangeSessionToken(ctx, adapters.SessionTokenExchange{InitCode: start2.ExchangeCode, ReturnToCode: mustQuery(t, cb, "code")})
	if err != nil || sess.Email != email {
		t.Fatalf("fresh flow after expiry: %+v, %v", sess, err)
	}
}

func mustQuery(t *testing.T, raw, key string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(key)
}
