package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

func TestClientArgs(t *testing.T) {
	const dir, env = "/r/tokens", "/r/kratos-tui.env"
	pre := []string{"--env-file=" + env, "--token-store=file", "--token-dir=" + dir}
	for _, c := range []struct {
		user, want []string
	}{
		{nil, pre},
		{[]string{"status"}, append(slices.Clone(pre), "status")},
		{[]string{"--ui", "json", "--token-store", "memory"}, []string{"--env-file=" + env, "--token-dir=" + dir, "--ui", "json", "--token-store", "memory"}},
		{[]string{"--token-dir=/mine"}, []string{"--env-file=" + env, "--token-store=file", "--token-dir=/mine"}},
		{[]string{"--token-store=keyring", "--token-dir", "/mine", "--env-file", "x"}, []string{"--token-store=keyring", "--token-dir", "/mine", "--env-file", "x"}},
		// After `--` nothing is a flag.
		{[]string{"--", "--token-store=x"}, append(slices.Clone(pre), "--", "--token-store=x")},
	} {
		if got := clientArgs(c.user, dir, env); !slices.Equal(got, c.want) {
			t.Errorf("clientArgs(%q) = %q, want %q", c.user, got, c.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"--run-dir", "rel", "--fresh", "--free-ports", "--", "status", "--ui", "json"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(o.runDir) || !o.fresh || !o.freePorts || o.noClient || !slices.Equal(o.clientArgs, []string{"status", "--ui", "json"}) {
		t.Fatalf("options = %+v", o)
	}
	if _, err := parseFlags([]string{"--no-client", "--", "status"}, io.Discard); err == nil {
		t.Error("--no-client with client arguments was accepted")
	}
	if _, err := parseFlags([]string{"--up", "--down"}, io.Discard); err == nil {
		t.Error("--up with --down was accepted")
	}
	// make run ARGS="...": the dev stack's own flags anywhere, the rest
	// for the client in order (the banner's `make run ARGS=--fresh`).
	for _, c := range []struct {
		args   []string
		fresh  bool
		runDir string
		client []string
	}{
		{[]string{"--fresh"}, true, "", nil},
		{[]string{"--ui", "plain", "--fresh"}, true, "", []string{"--ui", "plain"}},
		{[]string{"status", "--json", "--run-dir", "/x"}, false, "/x", []string{"status", "--json"}},
		{[]string{"--run-dir=/y", "--nope", "--", "--fresh"}, false, "/y", []string{"--nope", "--fresh"}},
	} {
		o, err := parseFlags(c.args, io.Discard)
		if err != nil {
			t.Errorf("parseFlags(%q): %v", c.args, err)
			continue
		}
		if o.fresh != c.fresh || (c.runDir != "" && o.runDir != c.runDir) || !slices.Equal(o.clientArgs, c.client) {
			t.Errorf("parseFlags(%q) = fresh %t, run dir %s, client %q", c.args, o.fresh, o.runDir, o.clientArgs)
		}
	}
}

// The usage text names each flag's value (a backtick in a flag's usage is
// the placeholder: `make kratos` once became "-kratos-bin make kratos").
func TestUsage(t *testing.T) {
	var b bytes.Buffer
	if _, err := parseFlags([]string{"--help"}, &b); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"-kratos-bin binary", "-run-dir string", "Examples:", "kratos-tui-dev --up"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "make kratos\n") && strings.Contains(b.String(), "-kratos-bin make") {
		t.Errorf("a backtick became a placeholder:\n%s", b.String())
	}
}

// renderedConfig is shaped like kratostest's rendered kratos.yml; the SMTP
// port starts with the public port's digits.
const renderedConfig = `serve:
  public:
    host: 127.0.0.1
    port: 41234
    base_url: http://127.0.0.1:41234/
  admin:
    host: 127.0.0.1
    port: 41999
    base_url: http://127.0.0.1:41999/
selfservice:
  default_browser_return_url: http://127.0.0.1:41234/ui/welcome
courier:
  smtp:
    connection_uri: smtp://127.0.0.1:412345/?disable_starttls=true
`

func TestRewritePorts(t *testing.T) {
	got, err := rewritePorts([]byte(renderedConfig), 41234, 4433, 41999, 4434)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"port: 41234", "port: 4433", "127.0.0.1:41234/", "127.0.0.1:4433/",
		"port: 41999", "port: 4434", "127.0.0.1:41999/", "127.0.0.1:4434/",
	).Replace(renderedConfig)
	if string(got) != want {
		t.Fatalf("rewritten config:\n%s\nwant:\n%s", got, want)
	}
	if _, err := rewritePorts([]byte(renderedConfig), 1111, 4433, 41999, 4434); err == nil {
		t.Error("a config without the public port was rewritten")
	}
}

// requireKratos applies kratostest's rule: skip without a Kratos binary,
// unless KRATOS_REQUIRED=1, then fail.
func requireKratos(t *testing.T) string {
	t.Helper()
	bin, err := kratostest.BinaryPath()
	if errors.Is(err, kratostest.ErrBinaryNotFound) {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("kratos is required (KRATOS_REQUIRED=1): %v", err)
		}
		t.Skipf("skipping: %v; run `make kratos` to build it", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestMoveToPorts(t *testing.T) {
	k := kratostest.New(t, kratostest.Options{})
	public, admin := freePortT(t), freePortT(t)
	for public == admin {
		admin = freePortT(t)
	}
	msg, err := moveToPorts(t.Context(), k, public, admin)
	if err != nil || msg != "" {
		t.Fatalf("moveToPorts = %q, %v", msg, err)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", public); k.PublicURL != want {
		t.Fatalf("PublicURL = %s, want %s", k.PublicURL, want)
	}
	getOK(t, k.PublicURL+"/health/ready")
	getOK(t, k.AdminURL+"/health/ready")

	// A taken port leaves Kratos where it is, with a note.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	before := k.PublicURL
	msg, err = moveToPorts(t.Context(), k, l.Addr().(*net.TCPAddr).Port, freePortT(t))
	if err != nil || !strings.Contains(msg, "in use") || k.PublicURL != before || !k.Running() {
		t.Fatalf("moveToPorts onto a taken port = %q, %v; PublicURL %s (was %s), running %t", msg, err, k.PublicURL, before, k.Running())
	}
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// buildCommands builds kratos-tui, kratos-tui-backend and kratos-tui-dev
// into one directory, once per test binary; TestMain removes it.
func buildCommands(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := kratostest.RepoRoot()
		if err != nil {
			buildErr = err
			return
		}
		gobin, err := exec.LookPath("go")
		if err != nil {
			gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		if buildDir, err = os.MkdirTemp("", "kratos-tui-dev-test-*"); err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command(gobin, "build", "-o", buildDir+string(filepath.Separator),
			"./cmd/kratos-tui", "./cmd/kratos-tui-backend", "./cmd/kratos-tui-dev")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func freePortT(t *testing.T) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func getOK(t *testing.T, u string) {
	t.Helper()
	resp, err := httpClient.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s = %d: %s", u, resp.StatusCode, b)
	}
}

func createIdentity(t *testing.T, admin, email string) {
	t.Helper()
	body := fmt.Sprintf(`{"schema_id":"default","traits":{"email":%q},"credentials":{"password":{"config":{"password":"dev stack test password"}}}}`, email)
	resp, err := httpClient.Post(admin+"/admin/identities", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("create identity = %d: %s", resp.StatusCode, b)
	}
}

func hasIdentity(t *testing.T, admin, email string) bool {
	t.Helper()
	resp, err := httpClient.Get(admin + "/admin/identities?credentials_identifier=" + url.QueryEscape(email))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ids []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&ids); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("list identities = %d: %v", resp.StatusCode, err)
	}
	return len(ids) > 0
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
