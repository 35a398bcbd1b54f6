// Package hydratest runs a real Ory Hydra v2.3.0 as the OpenID Connect
// provider of tests: SQLite on a temporary directory, loopback ports,
// `hydra serve all --dev`, one OAuth2 client for Kratos, and a login and
// consent handler that accepts a test user through Hydra's admin API (what
// a provider's login page does once the user typed their password). With
// KratosEnv a Kratos started by kratostest uses it as a `generic` OIDC
// provider; a Browser (an HTTP client with a cookie jar) follows the real
// redirects between Kratos, Hydra and the handler.
package hydratest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ErrBinaryNotFound is wrapped by the errors of BinaryPath, Start and New
// when no Hydra binary is available.
var ErrBinaryNotFound = errors.New("hydra binary not found")

// ProviderID is the id of the Kratos OIDC provider KratosEnv configures.
const ProviderID = "hydra"

// ProviderLabel is the provider's label Kratos shows ("Sign in with …").
const ProviderLabel = "Hydra"

const (
	loopback     = "127.0.0.1"
	clientID     = "kratos-tui-test"
	clientSecret = "kratos-tui-test-client-secret-not-secure"
	readyTimeout = 30 * time.Second
)

// mapper gives Kratos the identity's traits from the id_token's claims.
const mapper = `local claims = std.extVar('claims');
{
  identity: {
    traits: {
      email: claims.email,
    },
  },
}
`

// User is whom the login handler signs in at Hydra.
type User struct {
	// Subject is the user's id at the provider (the id_token's sub).
	Subject string
	// Email goes into the id_token's email claim (email_verified true).
	Email string
}

// Options configures a Hydra started by Start or New.
type Options struct {
	// LogWriter receives Hydra's stdout and stderr; default discard. The
	// last lines are part of start errors in any case.
	LogWriter io.Writer
}

// Server is a running Hydra with its login and consent handler.
type Server struct {
	// PublicURL is Hydra's public URL and issuer, without a trailing slash.
	PublicURL string
	// AdminURL is Hydra's admin API, without a trailing slash.
	AdminURL string
	// ClientID and ClientSecret are the OAuth2 client Kratos uses.
	ClientID, ClientSecret string

	dir     string
	cmd     *exec.Cmd
	done    chan struct{}
	log     *tail
	handler *httptest.Server
	http    *http.Client

	mu     sync.Mutex
	user   User
	logins int
}

// BinaryPath returns $HYDRA_BIN when set, else <repo root>/.bin/hydra.
func BinaryPath() (string, error) {
	p := os.Getenv("HYDRA_BIN")
	if p == "" {
		root, err := repoRoot()
		if err != nil {
			return "", fmt.Errorf("%w: %v (run `make hydra` or set HYDRA_BIN)", ErrBinaryNotFound, err)
		}
		p = filepath.Join(root, ".bin", "hydra")
	}
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("%w at %s (run `make hydra` or set HYDRA_BIN)", ErrBinaryNotFound, p)
	}
	return p, nil
}

func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod at or above %s", wd)
		}
		dir = parent
	}
}

// New starts Hydra for the test and stops it when the test ends. A missing
// binary skips the test with a hint to run `make hydra`, or fails it when
// KRATOS_REQUIRED=1 (the real servers are required).
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*readyTimeout)
	defer cancel()
	s, err := Start(ctx, opts)
	if errors.Is(err, ErrBinaryNotFound) {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("hydra is required (KRATOS_REQUIRED=1): %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("%v", err)
		}
	})
	return s
}

// Start migrates a fresh SQLite database, runs `hydra serve all --dev` on
// free loopback ports, waits until it is ready, starts the login and
// consent handler and creates the OAuth2 client. Stop ends it all.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := BinaryPath()
	if err != nil {
		return nil, fmt.Errorf("start hydra: %w", err)
	}
	if opts.LogWriter == nil {
		opts.LogWriter = io.Discard
	}
	dir, err := os.MkdirTemp("", "hydratest-")
	if err != nil {
		return nil, fmt.Errorf("start hydra: %w", err)
	}
	s := &Server{
		dir: dir, log: &tail{w: opts.LogWriter}, http: &http.Client{Timeout: 10 * time.Second},
		ClientID: clientID, ClientSecret: clientSecret,
		user: User{Subject: "hydra-user-1", Email: "social@example.com"},
	}
	s.handler = httptest.NewServer(http.HandlerFunc(s.serveLoginConsent))
	if err := s.start(ctx, bin); err != nil {
		_ = s.Stop()
		return nil, fmt.Errorf("start hydra: %w%s", err, s.log.suffix())
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, bin string) error {
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	s.PublicURL = fmt.Sprintf("http://%s:%d", loopback, ports[0])
	s.AdminURL = fmt.Sprintf("http://%s:%d", loopback, ports[1])
	env := []string{
		"DSN=sqlite://" + filepath.ToSlash(filepath.Join(s.dir, "db.sqlite")) + "?_fk=true&mode=rwc",
		"SERVE_PUBLIC_HOST=" + loopback, fmt.Sprintf("SERVE_PUBLIC_PORT=%d", ports[0]),
		"SERVE_ADMIN_HOST=" + loopback, fmt.Sprintf("SERVE_ADMIN_PORT=%d", ports[1]),
		"URLS_SELF_ISSUER=" + s.PublicURL,
		"URLS_LOGIN=" + s.handler.URL + "/login",
		"URLS_CONSENT=" + s.handler.URL + "/consent",
		`SECRETS_SYSTEM=["kratos-tui-hydra-test-system-secret"]`,
		"LOG_LEVEL=warn",
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	migrate := exec.CommandContext(ctx, bin, "migrate", "sql", "-e", "--yes")
	migrate.Env, migrate.Stdout, migrate.Stderr = env, s.log, s.log
	if err := migrate.Run(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	s.cmd = exec.Command(bin, "serve", "all", "--dev", "--sqa-opt-out")
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = env, s.log, s.log
	s.cmd.WaitDelay = 2 * time.Second
	dieWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(readyTimeout)
	for !s.ready(ctx) {
		select {
		case <-s.done:
			return errors.New("hydra exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w", ctx.Err())
		case <-time.After(25 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s", readyTimeout)
		}
	}
	return s.admin(ctx, http.MethodPost, "/admin/clients", map[string]any{
		"client_id": s.ClientID, "client_secret": s.ClientSecret,
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code", "id_token"},
		"scope": "openid offline_access email", "redirect_uris": []string{s.handler.URL + "/unused"},
		"token_endpoint_auth_method": "client_secret_post",
	}, nil)
}

func (s *Server) ready(ctx context.Context) bool {
	for _, u := range []string{s.PublicURL, s.AdminURL} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u+"/health/ready", nil)
		resp, err := s.http.Do(req)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false
		}
	}
	return true
}

// Stop ends Hydra and the handler and removes the data directory.
func (s *Server) Stop() error {
	if s.handler != nil {
		s.handler.Close()
	}
	if s.cmd != nil && s.cmd.Process != nil && s.done != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	return os.RemoveAll(s.dir)
}

// SetUser chooses whom the login handler signs in from now on.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	s.user = u
	s.mu.Unlock()
}

// Logins counts the logins the handler accepted.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// AllowRedirect sets the client's redirect URI: Kratos's OIDC callback,
// <kratos public>/self-service/methods/oidc/callback/<ProviderID>.
func (s *Server) AllowRedirect(ctx context.Context, kratosPublicURL string) error {
	patch := []map[string]any{{"op": "replace", "path": "/redirect_uris",
		"value": []string{strings.TrimRight(kratosPublicURL, "/") + "/self-service/methods/oidc/callback/" + ProviderID}}}
	return s.admin(ctx, http.MethodPatch, "/admin/clients/"+s.ClientID, patch, nil)
}

// KratosEnv is the Kratos configuration (kratostest.Options.Env) that makes
// Hydra the OIDC provider ProviderID and allows the native flows' return
// to each of returnTo (the client's loopback callback). OIDC registration
// issues a session (its hook), as a native client needs.
func (s *Server) KratosEnv(returnTo ...string) map[string]string {
	// Kratos reads lists from the environment one item a variable
	// (NAME_0_FIELD), not as JSON.
	p := "SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_"
	env := map[string]string{
		"SELFSERVICE_METHODS_OIDC_ENABLED": "true",
		p + "ID":                           ProviderID,
		p + "PROVIDER":                     "generic",
		p + "LABEL":                        ProviderLabel,
		p + "CLIENT_ID":                    s.ClientID,
		p + "CLIENT_SECRET":                s.ClientSecret,
		p + "ISSUER_URL":                   s.PublicURL,
		p + "MAPPER_URL":                   "base64://" + base64.StdEncoding.EncodeToString([]byte(mapper)),
		p + "SCOPE_0":                      "openid",
		p + "SCOPE_1":                      "email",
		"SELFSERVICE_FLOWS_REGISTRATION_AFTER_OIDC_HOOKS_0_HOOK": "session",
	}
	for i, u := range returnTo {
		env[fmt.Sprintf("SELFSERVICE_ALLOWED_RETURN_URLS_%d", i)] = u
	}
	return env
}

// serveLoginConsent is the provider's login and consent "pages": each
// accepts its challenge through the admin API and redirects the browser
// on, as a user who signs in and consents would.
func (s *Server) serveLoginConsent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var out struct {
		RedirectTo string `json:"redirect_to"`
	}
	switch r.URL.Path {
	case "/login":
		ch := r.URL.Query().Get("login_challenge")
		var req struct {
			Skip    bool   `json:"skip"`
			Subject string `json:"subject"`
		}
		if err := s.admin(ctx, http.MethodGet, "/admin/oauth2/auth/requests/login?login_challenge="+url.QueryEscape(ch), nil, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		s.mu.Lock()
		subject := s.user.Subject
		s.logins++
		s.mu.Unlock()
		if req.Skip {
			subject = req.Subject
		}
		if err := s.admin(ctx, http.MethodPut, "/admin/oauth2/auth/requests/login/accept?login_challenge="+url.QueryEscape(ch),
			map[string]any{"subject": subject, "remember": false}, &out); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
	case "/consent":
		ch := r.URL.Query().Get("consent_challenge")
		var req struct {
			RequestedScope    []string `json:"requested_scope"`
			RequestedAudience []string `json:"requested_access_token_audience"`
		}
		if err := s.admin(ctx, http.MethodGet, "/admin/oauth2/auth/requests/consent?consent_challenge="+url.QueryEscape(ch), nil, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		s.mu.Lock()
		email := s.user.Email
		s.mu.Unlock()
		if err := s.admin(ctx, http.MethodPut, "/admin/oauth2/auth/requests/consent/accept?consent_challenge="+url.QueryEscape(ch),
			map[string]any{
				"grant_scope": req.RequestedScope, "grant_access_token_audience": req.RequestedAudience,
				"remember": false,
				"session":  map[string]any{"id_token": map[string]any{"email": email, "email_verified": true}},
			}, &out); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
	default:
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, out.RedirectTo, http.StatusFound)
}

// admin calls Hydra's admin API with a JSON body and decodes the answer.
func (s *Server) admin(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.AdminURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("hydra admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("hydra admin %s %s: HTTP %d: %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("hydra admin %s %s: %w", method, path, err)
		}
	}
	return nil
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", loopback+":0")
		if err != nil {
			return nil, fmt.Errorf("find free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// tail keeps the last 16 KiB of Hydra's output for start errors.
type tail struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 16<<10 {
		t.buf = t.buf[len(t.buf)-16<<10:]
	}
	_, _ = t.w.Write(p)
	return len(p), nil
}

func (t *tail) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.buf) == 0 {
		return ""
	}
	return "\nhydra output (last lines):\n" + string(t.buf)
}
