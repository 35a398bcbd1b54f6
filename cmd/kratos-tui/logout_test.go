package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
)

// closedURL is a loopback URL nothing listens on: Kratos unreachable.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

// With Kratos unreachable, logout keeps the token and names --local;
// logout --local forgets it without Kratos and warns that the session
// stays valid at Kratos.
func TestLogoutLocalWithoutKratos(t *testing.T) {
	api := closedURL(t)
	tokenDir := filepath.Join(t.TempDir(), "tokens")
	store, _, err := tokenstore.Open(api, tokenstore.OpenOptions{Backend: tokenstore.BackendFile, Dir: tokenDir})
	if err != nil {
		t.Fatal(err)
	}
	const token = "ory_st_" + "0123456789abcdefghijklmnopqrstuv" // split: no token-looking literal in the source
	if err := store.Save(token); err != nil {
		t.Fatal(err)
	}
	common := []string{"--kratos-api", api, "--token-store", "file", "--token-dir", tokenDir, "--timeout", "2s"}

	code, out, stderr := runCLI(t, append(common, "logout")...)
	if code == 0 || !strings.Contains(stderr, "kratos-tui logout --local") {
		t.Errorf("logout without Kratos: exit %d, want non-zero and a hint at --local\nstdout %q\nstderr %q", code, out, stderr)
	}
	if got, _ := store.Load(); got != token {
		t.Fatalf("logout without Kratos lost the token: %q", got)
	}

	code, out, stderr = runCLI(t, append(common, "logout", "--local")...)
	if code != 0 || !strings.Contains(out, "Signed out locally") ||
		!strings.Contains(stderr, "the session stays valid at Kratos until it expires") {
		t.Errorf("logout --local: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	if got, err := store.Load(); got != "" || err != nil {
		t.Errorf("after logout --local the store holds %q (%v)", got, err)
	}
	if strings.Contains(out+stderr, token) {
		t.Errorf("the token reached the output")
	}

	code, out, _ = runCLI(t, append(common, "logout", "--local")...)
	if code != 0 || !strings.Contains(out, "Not signed in; nothing to do.") {
		t.Errorf("logout --local again: exit %d, out %q", code, out)
	}
}

// Against the real Kratos: signed in, then Kratos stops answering the
// sign-out (connection reset by a fault proxy): logout keeps the token and
// names --local; logout --local deletes it, and the session is indeed
// still valid at Kratos afterwards, as the warning says.
func TestLogoutLocalAgainstKratos(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{})
	ctx := context.Background()
	const email, password = "local-logout@example.com", "local-logout-password-123"
	if _, err := srv.CreateIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	tokenDir := filepath.Join(t.TempDir(), "tokens")
	common := []string{"--kratos-api", proxy.URL(), "--token-store", "file", "--token-dir", tokenDir}

	dir := t.TempDir()
	lines := `{"type":"LoginFlowRequested"}` + "\n" +
		`{"type":"SignInSubmitted","data":{"identifier":"` + email + `","password":"` + password + `"}}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "in"), []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	in, _ := os.Open(filepath.Join(dir, "in"))
	defer in.Close()
	outF, _ := os.Create(filepath.Join(dir, "out"))
	defer outF.Close()
	errF, _ := os.Create(filepath.Join(dir, "err"))
	defer errF.Close()
	if code := run(ctx, append([]string{"--env-file", os.DevNull, "--ui", "json"}, common...), in, outF, errF); code != 0 {
		b, _ := os.ReadFile(filepath.Join(dir, "err"))
		t.Fatalf("json sign-in exit %d: %s", code, b)
	}
	store, _, err := tokenstore.Open(proxy.URL(), tokenstore.OpenOptions{Backend: tokenstore.BackendFile, Dir: tokenDir})
	if err != nil {
		t.Fatal(err)
	}
	token, err := store.Load()
	if err != nil || token == "" {
		t.Fatalf("no token after sign-in (%v)", err)
	}

	proxy.Add(faultproxy.Rule{Method: http.MethodDelete, PathPrefix: "/self-service/logout/api", Kind: faultproxy.Reset})
	code, out, stderr := runCLI(t, append(common, "logout")...)
	if code == 0 || !strings.Contains(stderr, "Could not sign out") || !strings.Contains(stderr, "kratos-tui logout --local") {
		t.Errorf("logout, Kratos resetting it: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	if got, _ := store.Load(); got != token {
		t.Fatal("the failed logout lost the token")
	}

	code, out, stderr = runCLI(t, append(common, "logout", "--local")...)
	if code != 0 || !strings.Contains(out, "Signed out locally") || !strings.Contains(stderr, "stays valid at Kratos until it expires") {
		t.Errorf("logout --local: exit %d\nstdout %q\nstderr %q", code, out, stderr)
	}
	if got, _ := store.Load(); got != "" {
		t.Error("logout --local kept the token")
	}
	if code, out, _ := runCLI(t, append(common, "status")...); code != 1 || !strings.Contains(out, "Not signed in") {
		t.Errorf("status after logout --local: exit %d, %q", code, out)
	}
	// As the warning says: Kratos still knows the session.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.PublicURL+"/sessions/whoami", nil)
	req.Header.Set("X-Session-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("whoami with the forgotten token: %d, want 200 (the session stays valid at Kratos)", resp.StatusCode)
	}
}
