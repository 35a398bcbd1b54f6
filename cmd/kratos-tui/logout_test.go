package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"

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
	const token = "ory_st_0123456789abcdefghijklmnopqrstuv"
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
