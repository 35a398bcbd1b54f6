package app_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

const password = "correct-horse-battery-staple-42"

// kratosServer returns the Kratos shared by the tests that need no special
// configuration.
func kratosServer(t *testing.T) *kratostest.Server {
	return kratostest.Shared(t)
}

func TestMain(m *testing.M) {
	code := m.Run()
	kratostest.StopShared()
	os.Exit(code)
}

// signUp signs a new user up through the client and returns the client,
// ending in the authenticated state.
func signUp(t *testing.T, c *client, email string) signedIn {
	t.Helper()
	c.await("SignedOut")
	c.send("RegistrationFlowRequested", nil)
	c.await("RegistrationFormShown")
	c.send("SignUpSubmitted", map[string]any{"email": email, "password": password})
	return decode[signedIn](t, c.await("SignedIn"))
}

func TestSignUpSucceeds(t *testing.T) {
	srv := kratosServer(t)
	tokens := tokenstore.NewMemory()
	c := startClient(t, srv.PublicURL, clientOptions{tokens: tokens})
	email := uniqueEmail(t)
	in := signUp(t, c, email)
	if in.Email != email || in.IdentityID == "" {
		t.Fatalf("signed in as %+v", in)
	}
	if in.Token != fields.MaskToken("ory_st_x") {
		t.Fatalf("json UI printed the session token in clear")
	}
	stored, _ := tokens.Load()
	if !strings.HasPrefix(stored, "ory_st_") {
		t.Fatalf("token not stored (got %d chars)", len(stored))
	}
}

func TestSignUpErrorsShowKratosMessages(t *testing.T) {
	srv := kratosServer(t)
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	c.send("RegistrationFlowRequested", nil)
	c.await("RegistrationFormShown")

	c.send("SignUpSubmitted", map[string]any{"email": email, "password": password})
	dup := decode[form](t, c.await("RegistrationFormShown"))
	if !hasMessage(dup.Messages, 4000007) || dup.GeneralError == "" {
		t.Fatalf("duplicate email: want Kratos message 4000007 as the general error, got %+v", dup)
	}

	c.send("SignUpSubmitted", map[string]any{"email": uniqueEmail(t), "password": "short"})
	short := decode[form](t, c.await("RegistrationFormShown"))
	if !hasMessage(short.FieldErrors["password"], 4000032) || !strings.Contains(short.PasswordError, "at least 8 characters") {
		t.Fatalf("short password: want Kratos message 4000032 on the password, got %+v", short)
	}
}

func TestSignInErrorsShowKratosMessages(t *testing.T) {
	srv := kratosServer(t)
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	c.send("LoginFlowRequested", nil)
	c.await("LoginFormShown")

	c.send("SignInSubmitted", map[string]any{"identifier": email, "password": "wrong-password-123"})
	wrong := decode[form](t, c.await("LoginFormShown"))
	if !hasMessage(wrong.Messages, 4000006) || !strings.Contains(wrong.GeneralError, "credentials are invalid") {
		t.Fatalf("wrong password: want Kratos message 4000006 as the general error, got %+v", wrong)
	}

	c.send("SignInSubmitted", map[string]any{"identifier": "", "password": "whatever-123"})
	empty := decode[form](t, c.await("LoginFormShown"))
	if empty.EmailError == "" || len(empty.FieldErrors["identifier"]) == 0 {
		t.Fatalf("empty identifier: want a field error on identifier, got %+v", empty)
	}

	c.send("FieldChanged", map[string]any{"field": "identifier", "value": email})
	cleared := decode[form](t, c.await("LoginFormShown"))
	if cleared.EmailError != "" || cleared.GeneralError != "" {
		t.Fatalf("FieldChanged did not clear errors: %+v", cleared)
	}

	c.send("SignInSubmitted", map[string]any{"identifier": email, "password": password})
	in := decode[signedIn](t, c.await("SignedIn"))
	if in.Email != email {
		t.Fatalf("signed in as %+v", in)
	}
}

func TestLaunchWithStoredTokenUsesBackend(t *testing.T) {
	srv := kratosServer(t)
	email := uniqueEmail(t)
	id, err := srv.CreateIdentity(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	token, err := srv.LoginSessionToken(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	tokens := tokenstore.NewMemory()
	_ = tokens.Save(token)
	c := startClient(t, srv.PublicURL, clientOptions{backend: startBackend(t, srv), tokens: tokens})
	in := decode[signedIn](t, c.await("SignedIn"))
	if in.IdentityID != id || in.Email != email {
		t.Fatalf("launch signed in as %+v, want %s %s", in, id, email)
	}
}

func TestLaunchWithRevokedTokenDeletesIt(t *testing.T) {
	srv := kratosServer(t)
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	token, err := srv.LoginSessionToken(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	revoke(t, srv, token)
	tokens := tokenstore.NewMemory()
	_ = tokens.Save(token)
	c := startClient(t, srv.PublicURL, clientOptions{backend: startBackend(t, srv), tokens: tokens})
	out := decode[signedOut](t, c.await("SignedOut"))
	if out.Reason != "session_expired" || out.Message != fsm.MessageSessionExpired {
		t.Fatalf("got %+v", out)
	}
	if left, _ := tokens.Load(); left != "" {
		t.Fatal("revoked token was not deleted")
	}
}

func revoke(t *testing.T, srv *kratostest.Server, token string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, srv.PublicURL+"/self-service/logout/api",
		strings.NewReader(`{"session_token":"`+token+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
}

func whoamiStatus(t *testing.T, srv *kratostest.Server, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.PublicURL+"/sessions/whoami", nil)
	req.Header.Set("X-Session-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSignOutRevokesAtKratos(t *testing.T) {
	srv := kratosServer(t)
	tokens := tokenstore.NewMemory()
	c := startClient(t, srv.PublicURL, clientOptions{tokens: tokens})
	signUp(t, c, uniqueEmail(t))
	token, _ := tokens.Load()
	if whoamiStatus(t, srv, token) != http.StatusOK {
		t.Fatal("session not valid before sign-out")
	}
	c.send("SignOutRequested", nil)
	out := decode[signedOut](t, c.await("SignedOut"))
	if out.Reason != "signed_out" {
		t.Fatalf("got %+v", out)
	}
	if got := whoamiStatus(t, srv, token); got != http.StatusUnauthorized {
		t.Fatalf("whoami after sign-out answered %d, want 401", got)
	}
	if left, _ := tokens.Load(); left != "" {
		t.Fatal("token not deleted at sign-out")
	}
}

func TestSignOutWithStaleTokenEndsLocalSession(t *testing.T) {
	srv := kratosServer(t)
	tokens := tokenstore.NewMemory()
	c := startClient(t, srv.PublicURL, clientOptions{tokens: tokens})
	signUp(t, c, uniqueEmail(t))
	token, _ := tokens.Load()
	revoke(t, srv, token) // another device signed this session out
	c.send("SignOutRequested", nil)
	if out := decode[signedOut](t, c.await("SignedOut")); out.Reason != "signed_out" {
		t.Fatalf("got %+v", out)
	}
	if left, _ := tokens.Load(); left != "" {
		t.Fatal("stale token kept")
	}
}

func TestExpiredFlowStillSignsIn(t *testing.T) {
	if _, err := kratostest.BinaryPath(); err != nil && os.Getenv("KRATOS_REQUIRED") != "1" {
		t.Skipf("no Kratos binary: %v", err)
	}
	srv := kratostest.New(t, kratostest.Options{LoginLifespan: "1s"})
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	c.send("LoginFlowRequested", nil)
	shown := decode[struct {
		ExpiresAt time.Time `json:"expires_at"`
	}](t, c.await("LoginFormShown"))
	if shown.ExpiresAt.IsZero() {
		t.Fatal("form has no expiry")
	}
	// Let the flow expire on Kratos's clock (the same machine's).
	waitUntil(t, shown.ExpiresAt.Add(100*time.Millisecond))
	c.send("SignInSubmitted", map[string]any{"identifier": email, "password": password})
	in := decode[signedIn](t, c.await("SignedIn"))
	if in.Email != email {
		t.Fatalf("signed in as %+v", in)
	}
}

func TestKratosDownThenBack(t *testing.T) {
	if _, err := kratostest.BinaryPath(); err != nil && os.Getenv("KRATOS_REQUIRED") != "1" {
		t.Skipf("no Kratos binary: %v", err)
	}
	srv := kratostest.New(t, kratostest.Options{})
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	c.send("LoginFlowRequested", nil)
	down := decode[signedOut](t, c.await("SignedOut"))
	if down.Reason != "flow_failed" || !strings.Contains(down.Message, "cannot reach Kratos") || down.Error == nil {
		t.Fatalf("Kratos down: got %+v", down)
	}
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.send("LoginFlowRequested", nil)
	c.await("LoginFormShown")
}

// waitUntil blocks until the wall clock passes when: a server-side expiry
// cannot be injected into a real Kratos.
func waitUntil(t *testing.T, when time.Time) {
	t.Helper()
	if d := time.Until(when); d > 0 {
		<-time.After(d)
	}
}

func TestUnreachableBackendGivesClearMessageAndKeepsToken(t *testing.T) {
	srv := kratosServer(t)
	tokens := tokenstore.NewMemory()
	_ = tokens.Save("ory_st_placeholder_not_a_real_token")
	c := startClient(t, srv.PublicURL, clientOptions{backend: "http://127.0.0.1:1", tokens: tokens})
	failed := decode[signedOut](t, c.await("SessionCheckFailed"))
	if !strings.Contains(failed.Message, "cannot reach the backend") {
		t.Fatalf("message %q does not say the backend is unreachable", failed.Message)
	}
	if left, _ := tokens.Load(); left == "" {
		t.Fatal("token lost because the backend was down")
	}
}
