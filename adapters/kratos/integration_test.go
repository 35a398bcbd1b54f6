package kratos

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// goodPassword passes Kratos's password policy (haveibeenpwned is off).
const goodPassword = "Correct-Horse-9417-battery"

// realClient returns a Client for srv.
func realClient(t *testing.T, srv *kratostest.Server, opts Options) *Client {
	t.Helper()
	if opts.Timeout == 0 {
		// A guard against a hang, not a goal: a Kratos on SQLite may wait
		// up to its 10 s busy timeout for a lock under a loaded machine.
		opts.Timeout = 30 * time.Second
	}
	c, err := New(srv.PublicURL+"/", opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signUp registers a fresh identity and returns its email and session.
func signUp(t *testing.T, c *Client) (string, *adapters.Session) {
	t.Helper()
	ctx := testCtx(t)
	flow, err := c.CreateRegistrationFlow(ctx)
	if err != nil {
		t.Fatalf("CreateRegistrationFlow: %v", err)
	}
	email := uniqueEmail()
	s, err := c.SubmitRegistration(ctx, adapters.RegistrationRequest{
		FlowID: flow.ID, Traits: map[string]any{"email": email}, Password: goodPassword})
	if err != nil {
		t.Fatalf("SubmitRegistration: %v", err)
	}
	return email, s
}

// validation submits a login or registration expected to be rejected and
// returns the error.
func wantValidation(t *testing.T, err error) *adapters.Error {
	t.Helper()
	ae := wantClass(t, err, adapters.ClassValidation)
	if ae.Flow == nil || ae.Flow.ID == "" || ae.Status != http.StatusBadRequest {
		t.Fatalf("validation error without flow: %+v", ae)
	}
	t.Logf("validation: message %q, ids %v", ae.Message, messageIDs(ae.Flow))
	return ae
}

func TestIntegrationCreateFlows(t *testing.T) {
	c := realClient(t, kratosServer(t, "default"), Options{})
	ctx := testCtx(t)
	login, err := c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatalf("CreateLoginFlow: %v", err)
	}
	reg, err := c.CreateRegistrationFlow(ctx)
	if err != nil {
		t.Fatalf("CreateRegistrationFlow: %v", err)
	}
	for _, tc := range []struct {
		flow  *adapters.Flow
		names []string
	}{{login, []string{"identifier", "password", "method"}}, {reg, []string{"traits.email", "password", "method"}}} {
		f := tc.flow
		if f.ID == "" || f.Type != "api" || f.ExpiresAt == nil || f.IssuedAt == nil ||
			f.UI.Method != "POST" || !strings.Contains(f.UI.Action, f.ID) {
			t.Errorf("flow %+v", f)
		}
		var names []string
		for _, n := range f.UI.Nodes {
			names = append(names, n.Attributes.Name)
		}
		for _, want := range tc.names {
			if !slices.Contains(names, want) {
				t.Errorf("flow %s has nodes %v, want %q", f.ID, names, want)
			}
		}
	}
}

func TestIntegrationSignUpSignInWhoamiLogout(t *testing.T) {
	c := realClient(t, kratosServer(t, "default"), Options{})
	ctx := testCtx(t)
	email, reg := signUp(t, c)
	if !strings.HasPrefix(reg.Token, "ory_st_") || reg.ID == "" || reg.IdentityID == "" ||
		reg.Email != email || reg.Verified || reg.AAL != "aal1" || reg.ExpiresAt == nil ||
		reg.AuthenticatedAt == nil || reg.Traits["email"] != email {
		t.Errorf("registration session %+v", reg)
	}
	t.Logf("registration continue_with: %v", reg.ContinueWith)

	flow, err := c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: email, Password: goodPassword})
	if err != nil {
		t.Fatalf("SubmitLogin: %v", err)
	}
	if !strings.HasPrefix(s.Token, "ory_st_") || s.Token == reg.Token || s.IdentityID != reg.IdentityID || s.Email != email {
		t.Errorf("login session %+v", s)
	}

	who, err := c.Whoami(ctx, s.Token)
	if err != nil {
		t.Fatalf("Whoami: %v", err)
	}
	if who.ID != s.ID || who.IdentityID != reg.IdentityID || who.Email != email || who.Token != s.Token {
		t.Errorf("whoami %+v, login %+v", who, s)
	}
	cur, err := c.CurrentSession(ctx, s.Token)
	if err != nil || cur.ID != s.ID {
		t.Errorf("CurrentSession = %+v, %v", cur, err)
	}

	// A valid token makes a new login flow pointless.
	_, err = c.CreateLoginFlowWithToken(ctx, s.Token)
	ae := wantClass(t, err, adapters.ClassSessionAlreadyAvailable)
	t.Logf("create login flow with token: status %d id %q message %q", ae.Status, ae.ID, ae.Message)
	if strings.Contains(ae.Error(), s.Token) {
		t.Error("token in error")
	}

	// Re-submitting the completed flow.
	again, err := c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: email, Password: goodPassword})
	if ae := adapters.AsError(err); ae != nil {
		t.Logf("re-submit completed login flow: %v (id %q, use_flow_id %q)", err, ae.ID, ae.UseFlowID)
	} else {
		t.Logf("re-submit completed login flow: new session %v", again.ID != s.ID)
	}

	if err := c.Logout(ctx, s.Token); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	_, err = c.Whoami(ctx, s.Token)
	ae = wantClass(t, err, adapters.ClassUnauthorized)
	if ae.Status != http.StatusUnauthorized {
		t.Errorf("whoami after logout: %+v", ae)
	}
	// The other session (from registration) is untouched.
	if _, err := c.Whoami(ctx, reg.Token); err != nil {
		t.Errorf("registration session: %v", err)
	}
	// Logging out a revoked token again.
	err = c.Logout(ctx, s.Token)
	t.Logf("logout of a revoked token: %v", err)
}

func TestIntegrationVerifiedAddress(t *testing.T) {
	srv := kratosServer(t, "default")
	c := realClient(t, srv, Options{})
	ctx := testCtx(t)
	email := uniqueEmail()
	if _, err := srv.CreateVerifiedIdentity(ctx, email, goodPassword); err != nil {
		t.Fatal(err)
	}
	flow, err := c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: strings.ToUpper(email), Password: goodPassword})
	if err != nil {
		t.Fatalf("SubmitLogin: %v", err)
	}
	if !s.Verified || s.Email != email {
		t.Errorf("session %+v: want verified %s", s, email)
	}
}

func TestIntegrationRegistrationValidation(t *testing.T) {
	srv := kratosServer(t, "default")
	c := realClient(t, srv, Options{})
	ctx := testCtx(t)
	taken := uniqueEmail()
	if _, err := srv.CreateIdentity(ctx, taken, goodPassword); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		email    string
		password string
		wantID   string
	}{
		{"duplicate email", taken, goodPassword, "4000007"},
		{"password too short", uniqueEmail(), "abc", "password:4000032"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flow, err := c.CreateRegistrationFlow(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.SubmitRegistration(ctx, adapters.RegistrationRequest{
				FlowID: flow.ID, Traits: map[string]any{"email": tt.email}, Password: tt.password})
			ae := wantValidation(t, err)
			if ids := messageIDs(ae.Flow); !slices.Contains(ids, tt.wantID) {
				t.Errorf("ids %v, want %s", ids, tt.wantID)
			}
			if ae.Flow.ID != flow.ID || ae.Message == "" {
				t.Errorf("flow id %s (want %s), message %q", ae.Flow.ID, flow.ID, ae.Message)
			}
		})
	}
}

func TestIntegrationLoginValidation(t *testing.T) {
	srv := kratosServer(t, "default")
	c := realClient(t, srv, Options{})
	ctx := testCtx(t)
	email := uniqueEmail()
	if _, err := srv.CreateIdentity(ctx, email, goodPassword); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, identifier, password, wantID string
	}{
		{"wrong password", email, "Wrong-Password-123", "4000006"},
		{"unknown identifier", uniqueEmail(), goodPassword, "4000006"},
		{"empty identifier", "", goodPassword, "identifier:4000002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flow, err := c.CreateLoginFlow(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: tt.identifier, Password: tt.password})
			ae := wantValidation(t, err)
			if ids := messageIDs(ae.Flow); !slices.Contains(ids, tt.wantID) {
				t.Errorf("ids %v, want %s", ids, tt.wantID)
			}
			if strings.Contains(ae.Error(), tt.password) {
				t.Error("password in error")
			}
		})
	}
}

func TestIntegrationBadTokens(t *testing.T) {
	c := realClient(t, kratosServer(t, "default"), Options{})
	ctx := testCtx(t)
	const bogus = "ory_st_" + "NotARealTokenAtAll12345"
	_, err := c.Whoami(ctx, bogus)
	ae := wantClass(t, err, adapters.ClassUnauthorized)
	t.Logf("whoami bogus token: status %d id %q message %q", ae.Status, ae.ID, ae.Message)
	err = c.Logout(ctx, bogus)
	ae = wantClass(t, err, adapters.ClassUnauthorized)
	t.Logf("logout unknown token: status %d id %q message %q", ae.Status, ae.ID, ae.Message)
	if strings.Contains(ae.Error(), bogus) {
		t.Error("token in error")
	}
}

func TestIntegrationUnknownFlow(t *testing.T) {
	c := realClient(t, kratosServer(t, "default"), Options{})
	ctx := testCtx(t)
	_, err := c.SubmitLogin(ctx, loginReq("7b2e0c1a-5f7d-4c1e-9a51-0d2b8f3c6e11", goodPassword))
	ae := wantClass(t, err, adapters.ClassFlowNotFound)
	t.Logf("unknown flow: status %d id %q message %q", ae.Status, ae.ID, ae.Message)
	_, err = c.SubmitRegistration(ctx, adapters.RegistrationRequest{FlowID: "not-a-uuid",
		Traits: map[string]any{"email": uniqueEmail()}, Password: goodPassword})
	t.Logf("malformed flow id: %v", err)
	if err == nil {
		t.Error("malformed flow id accepted")
	}
}

// pathRecorder records "METHOD path?query -> status" for each exchange.
type pathRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (p *pathRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	p.mu.Lock()
	defer p.mu.Unlock()
	line := r.Method + " " + r.URL.RequestURI()
	if err == nil {
		line += " -> " + resp.Status
	}
	p.lines = append(p.lines, line)
	return resp, err
}

func (p *pathRecorder) snapshot() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.lines)
}

// waitPast polls the clock until it is past t.
func waitPast(tb testing.TB, t time.Time) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !time.Now().After(t) {
		if time.Now().After(deadline) {
			tb.Fatalf("clock never passed %s", t)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestIntegrationExpiredLoginFlowContinues(t *testing.T) {
	srv := kratosServer(t, "short-flows")
	rec := &pathRecorder{}
	c := realClient(t, srv, Options{Transport: rec})
	ctx := testCtx(t)
	email := uniqueEmail()
	if _, err := srv.CreateIdentity(ctx, email, goodPassword); err != nil {
		t.Fatal(err)
	}

	flow, err := c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitPast(t, flow.ExpiresAt.Add(100*time.Millisecond))
	s, err := c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: email, Password: goodPassword})
	if err != nil {
		t.Fatalf("SubmitLogin on expired flow: %v\nexchanges: %v", err, rec.snapshot())
	}
	if s.Token == "" || s.Email != email {
		t.Errorf("session %+v", s)
	}
	lines := rec.snapshot()
	t.Logf("exchanges: %v", lines)
	if len(lines) != 3 || !strings.Contains(lines[1], "410") || strings.Contains(lines[2], flow.ID) ||
		!strings.Contains(lines[2], "200") {
		t.Errorf("want create, 410 submit, 200 submit to a new flow; got %v", lines)
	}

	// A rejected continuation carries the replacement flow.
	flow, err = c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitPast(t, flow.ExpiresAt.Add(100*time.Millisecond))
	_, err = c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: email, Password: "Wrong-Password-123"})
	ae := wantValidation(t, err)
	if ae.Flow.ID == flow.ID || !slices.Contains(messageIDs(ae.Flow), "4000006") {
		t.Errorf("flow id %s (old %s), ids %v", ae.Flow.ID, flow.ID, messageIDs(ae.Flow))
	}
}

func TestIntegrationExpiredRegistrationFlowContinues(t *testing.T) {
	srv := kratosServer(t, "short-flows")
	rec := &pathRecorder{}
	c := realClient(t, srv, Options{Transport: rec})
	ctx := testCtx(t)
	flow, err := c.CreateRegistrationFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitPast(t, flow.ExpiresAt.Add(100*time.Millisecond))
	email := uniqueEmail()
	s, err := c.SubmitRegistration(ctx, adapters.RegistrationRequest{
		FlowID: flow.ID, Traits: map[string]any{"email": email}, Password: goodPassword})
	if err != nil {
		t.Fatalf("SubmitRegistration on expired flow: %v\nexchanges: %v", err, rec.snapshot())
	}
	if s.Token == "" || s.Email != email {
		t.Errorf("session %+v", s)
	}
	if lines := rec.snapshot(); len(lines) != 3 || !strings.Contains(lines[1], "410") {
		t.Errorf("want create, 410 submit, 200 submit; got %v", lines)
	}
}

func TestIntegrationRegistrationWithoutSessionHook(t *testing.T) {
	c := realClient(t, kratosServer(t, "no-hook"), Options{})
	email, s := signUp(t, c)
	if s.Token != "" || s.ID != "" || s.IdentityID == "" || s.Email != email {
		t.Errorf("session %+v: want no token, identity for %s", s, email)
	}
	// The account exists: signing in works.
	ctx := testCtx(t)
	flow, err := c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: email, Password: goodPassword})
	if err != nil || got.IdentityID != s.IdentityID || got.Token == "" {
		t.Errorf("login after registration: %+v, %v", got, err)
	}
}

func TestIntegrationKratosDownThenBack(t *testing.T) {
	srv := kratosServer(t, "default")
	c := realClient(t, srv, Options{Timeout: 30 * time.Second})
	ctx := testCtx(t)
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = srv.Restart(context.Background())
		}
	})
	_, err := c.CreateLoginFlow(ctx)
	ae := wantClass(t, err, adapters.ClassUnavailable)
	want := "cannot reach Kratos at " + srv.PublicURL + ": connection refused"
	if ae.Message != want {
		t.Errorf("message %q, want %q", ae.Message, want)
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	restarted = true
	if _, err := c.CreateLoginFlow(ctx); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}
