package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// runCLI runs the command line with stdin empty and returns the exit code,
// stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return run3(t, append([]string{"--env-file", os.DevNull}, args...)...)
}

func TestBadSettingsGiveClearErrors(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"status"}, "KRATOS_API is not set"},
		{[]string{"--kratos-api", "localhost:4433", "status"}, "has no scheme: write http://localhost:4433"},
		{[]string{"--kratos-api", "ftp://x", "status"}, "must be an absolute"},
		{[]string{"--kratos-api", "http://127.0.0.1:1", "--ui", "nope"}, `unknown UI "nope"`},
		{[]string{"--kratos-api", "http://127.0.0.1:1", "--timeout", "-1s", "status"}, "--timeout must be positive"},
		{[]string{"--kratos-api", "http://127.0.0.1:1", "--callback-port", "70000", "status"}, "--callback-port must be a TCP port"},
		{[]string{"--kratos-api", "http://127.0.0.1:1", "--log-level", "loud", "status"}, "--log-level"},
		{[]string{"--no-such-flag"}, "unknown flag"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

func TestEnvFileIsRead(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	if err := os.WriteFile(env, []byte("KRATOS_API=not-a-url\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "--env-file", env, "status")
	if code != 2 || !strings.Contains(stderr, `"not-a-url"`) {
		t.Fatalf("exit %d, stderr %q: the .env value was not used", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "kratos-tui ") {
		t.Fatalf("exit %d, out %q", code, out)
	}
}

func TestStatusAndLogoutAgainstKratos(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{})
	ctx := context.Background()
	email := "status@example.com"
	if _, err := srv.CreateIdentity(ctx, email, "status-password-123"); err != nil {
		t.Fatal(err)
	}
	tokenDir := filepath.Join(t.TempDir(), "tokens") // made 0700 by the store
	common := []string{"--kratos-api", srv.PublicURL, "--token-store", "file", "--token-dir", tokenDir}

	code, out, stderr := runCLI(t, append(common, "status")...)
	if code != 1 || !strings.Contains(out, "Not signed in") {
		t.Fatalf("status without a token: exit %d, out %q, err %q", code, out, stderr)
	}

	// Sign in through the json UI so the token lands in the file store.
	dir := t.TempDir()
	inPath := filepath.Join(dir, "in")
	lines := `{"type":"LoginFlowRequested"}` + "\n" +
		`{"type":"SignInSubmitted","data":{"identifier":"` + email + `","password":"status-password-123"}}` + "\n"
	if err := os.WriteFile(inPath, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	in, _ := os.Open(inPath)
	defer in.Close()
	outF, _ := os.Create(filepath.Join(dir, "out"))
	defer outF.Close()
	errF, _ := os.Create(filepath.Join(dir, "err"))
	defer errF.Close()
	if code := run(ctx, append([]string{"--env-file", os.DevNull, "--ui", "json"}, common...), in, outF, errF); code != 0 {
		b, _ := os.ReadFile(filepath.Join(dir, "err"))
		t.Fatalf("json sign-in exit %d: %s", code, b)
	}
	jsonOut, _ := os.ReadFile(filepath.Join(dir, "out"))
	if !strings.Contains(string(jsonOut), `"type":"SignedIn"`) {
		t.Fatalf("json UI did not sign in: %s", jsonOut)
	}

	code, out, _ = runCLI(t, append(common, "status")...)
	if code != 0 || !strings.Contains(out, "Signed in as "+email) {
		t.Fatalf("status after sign-in: exit %d, out %q", code, out)
	}
	code, out, _ = runCLI(t, append(common, "logout")...)
	if code != 0 || !strings.Contains(out, "signed out") {
		t.Fatalf("logout: exit %d, out %q", code, out)
	}
	code, out, _ = runCLI(t, append(common, "status")...)
	if code != 1 {
		t.Fatalf("status after logout: exit %d, out %q", code, out)
	}
}

// An explicit --env-file that does not exist is an error naming it (exit
// 2), not silently ignored; without --env-file a missing ./.env is fine.
func TestMissingEnvFileIsAnError(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	missing := filepath.Join(t.TempDir(), "typo.env")
	code, _, stderr := run3(t, "--env-file", missing, "--kratos-api", "http://127.0.0.1:1", "status")
	if code != 2 || !strings.Contains(stderr, missing) || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing --env-file: exit %d, stderr %q; want exit 2 naming %s", code, stderr, missing)
	}
	t.Chdir(t.TempDir()) // no ./.env, no repository
	code, _, stderr = run3(t, "--kratos-api", "http://127.0.0.1:1", "--timeout", "1s", "status")
	if code == 2 && strings.Contains(stderr, "env") {
		t.Errorf("no --env-file and no ./.env: exit %d, stderr %q", code, stderr)
	}
}

// run3 runs the command line as given (no --env-file added) with stdin
// empty and returns the exit code, stdout and stderr.
func run3(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	open := func(name string) *os.File {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	in, out, errOut := open("in"), open("out"), open("err")
	code := run(context.Background(), args, in, out, errOut)
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return string(b)
	}
	return code, read("out"), read("err")
}

// completion with a shell it does not know is an error listing the ones it
// does (exit 2), not the help and exit 0.
func TestCompletionUnknownShell(t *testing.T) {
	code, out, stderr := runCLI(t, "completion", "tcsh")
	for _, want := range []string{`"tcsh"`, "bash", "zsh", "fish", "powershell"} {
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("completion tcsh: exit %d, stderr %q, want exit 2 and %q", code, stderr, want)
		}
	}
	if out != "" {
		t.Errorf("completion tcsh printed on stdout: %.200s", out)
	}
	if code, out, _ := runCLI(t, "completion", "bash"); code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash: exit %d, %.100s", code, out)
	}
}
