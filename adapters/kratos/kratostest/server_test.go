package kratostest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", url, err)
	}
	return resp.StatusCode, b
}

func TestServerAnswers(t *testing.T) {
	t.Parallel()
	s := New(t, Options{})
	if strings.HasSuffix(s.PublicURL, "/") || strings.HasSuffix(s.AdminURL, "/") {
		t.Fatalf("URLs must have no trailing slash: %q %q", s.PublicURL, s.AdminURL)
	}
	for _, u := range []string{s.PublicURL + "/health/ready", s.AdminURL + "/health/ready"} {
		if code, body := get(t, u); code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", u, code, body)
		}
	}
	code, body := get(t, s.PublicURL+"/self-service/login/api")
	if code != http.StatusOK {
		t.Fatalf("create login flow = %d %s", code, body)
	}
	var flow struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &flow); err != nil || flow.ID == "" || flow.Type != "api" {
		t.Fatalf("login flow: %v %+v %s", err, flow, body)
	}
}

func TestCreateIdentityAndLogin(t *testing.T) {
	t.Parallel()
	s := New(t, Options{})
	ctx := t.Context()
	id, err := s.CreateIdentity(ctx, "alice@example.com", "correct horse battery staple")
	if err != nil || id == "" {
		t.Fatalf("CreateIdentity = %q, %v", id, err)
	}
	if _, err := s.CreateIdentity(ctx, "alice@example.com", "correct horse battery staple"); err == nil {
		t.Fatal("duplicate CreateIdentity succeeded")
	}
	tok, err := s.LoginSessionToken(ctx, "alice@example.com", "correct horse battery staple")
	if err != nil || !strings.HasPrefix(tok, "ory_st_") {
		t.Fatalf("LoginSessionToken = %q, %v", tok, err)
	}
	if _, err := s.LoginSessionToken(ctx, "alice@example.com", "wrong password!!"); err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	msgs, err := s.ListCourierMessages(ctx, "alice@example.com")
	if err != nil {
		t.Fatalf("ListCourierMessages: %v", err)
	}
	if len(msgs) != 0 {
		t.Fatalf("ListCourierMessages = %d messages, want 0", len(msgs))
	}
}

func TestRestartKeepsPortsAndData(t *testing.T) {
	t.Parallel()
	s := New(t, Options{})
	ctx := t.Context()
	if _, err := s.CreateIdentity(ctx, "bob@example.com", "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	public, admin := s.PublicURL, s.AdminURL

	if err := s.Halt(); err != nil {
		t.Fatal(err)
	}
	if s.Running() {
		t.Fatal("Running after Halt")
	}
	if _, err := http.Get(public + "/health/ready"); err == nil {
		t.Fatal("Kratos still answers after Halt")
	}
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if s.PublicURL != public || s.AdminURL != admin {
		t.Fatalf("ports changed: %s %s -> %s %s", public, admin, s.PublicURL, s.AdminURL)
	}
	if code, body := get(t, public+"/health/ready"); code != http.StatusOK {
		t.Fatalf("ready after restart = %d %s", code, body)
	}
	// Restart while running works too.
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginSessionToken(ctx, "bob@example.com", "correct horse battery staple"); err != nil {
		t.Fatalf("identity lost across restarts: %v", err)
	}
}

func TestStopIsIdempotentAndRemovesTempDir(t *testing.T) {
	t.Parallel()
	s := New(t, Options{})
	dir := s.DataDir
	if _, err := os.Stat(filepath.Join(dir, "db.sqlite")); err != nil {
		t.Fatalf("no database: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("data dir still there: %v", err)
	}
	if err := s.Restart(t.Context()); err == nil {
		t.Fatal("Restart after Stop succeeded")
	}
}

func TestCallerDataDirIsKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := New(t, Options{DataDir: dir})
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kratos.yml")); err != nil {
		t.Fatalf("caller's data dir emptied: %v", err)
	}
}

func TestMissingBinary(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-kratos")
	t.Setenv("KRATOS_BIN", missing)
	_, err := BinaryPath()
	if !errors.Is(err, ErrBinaryNotFound) {
		t.Fatalf("BinaryPath error = %v, want ErrBinaryNotFound", err)
	}
	for _, want := range []string{missing, "make kratos"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	_, err = Start(t.Context(), Options{})
	if !errors.Is(err, ErrBinaryNotFound) || !strings.Contains(err.Error(), "make kratos") {
		t.Fatalf("Start error = %v", err)
	}
}

func TestBinaryPathDefault(t *testing.T) {
	t.Setenv("KRATOS_BIN", "")
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	p, err := BinaryPath()
	want := filepath.Join(root, ".bin", "kratos")
	if err != nil {
		if !errors.Is(err, ErrBinaryNotFound) || !strings.Contains(err.Error(), want) {
			t.Fatalf("BinaryPath error = %v", err)
		}
		return
	}
	if p != want {
		t.Fatalf("BinaryPath = %q, want %q", p, want)
	}
}

// TestTemplateDatabaseIsComplete starts a Kratos binary the cache has never
// seen twice: the first start migrates and stores the template, the second
// copies it. The databases run in WAL mode, where a finished migration may
// still be only in the log: a template copied without it lacked migrations,
// and Kratos answered 503 on /health/ready for ever (make run --fresh).
func TestTemplateDatabaseIsComplete(t *testing.T) {
	bin, err := BinaryPath()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copied := filepath.Join(dir, "kratos")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copied, data, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KRATOS_BIN", copied)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	for i, name := range []string{"first", "from-template"} {
		s, err := Start(t.Context(), Options{DataDir: filepath.Join(dir, name)})
		if err != nil {
			t.Fatalf("start %d (%s): %v", i+1, name, err)
		}
		if code, body := get(t, s.PublicURL+"/health/ready"); code != http.StatusOK {
			t.Errorf("start %d (%s): ready = %d %s", i+1, name, code, body)
		}
		if err := s.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	cached, err := templateDatabasePath(copied)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cached); err != nil {
		t.Fatalf("no template was stored: %v", err)
	}
}
