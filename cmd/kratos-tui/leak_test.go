package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// stdFiles opens stdin (empty), stdout and stderr files in dir.
func stdFiles(t *testing.T, dir string) (in, out, errOut *os.File) {
	t.Helper()
	open := func(name string) *os.File {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	return open("stdin"), open("stdout"), open("stderr")
}

func TestLeakPlainHTTPWarning(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	t.Setenv("BACKEND", "")
	cases := []struct {
		kratos, backend string
		warn            []string
	}{
		{"http://kratos.example.com:4433", "", []string{"KRATOS_API http://kratos.example.com:4433 uses plain http://"}},
		{"http://10.1.2.3:4433/", "http://192.168.1.9:8080", []string{"KRATOS_API", "BACKEND http://192.168.1.9:8080"}},
		{"https://kratos.example.com", "http://127.0.0.1:8080", nil},
		{"http://127.0.0.1:4433", "", nil},
		{"http://127.8.9.1:4433", "", nil},
		{"http://localhost:4433", "http://[::1]:8080", nil},
		{"http://app.localhost:4433", "", nil},
	}
	// A URL with credentials is refused before any warning (see
	// TestURLSecretsRefusedBeforeAnythingIsWritten).
	for _, c := range cases {
		dir := t.TempDir()
		in, out, errOut := stdFiles(t, dir)
		s := settings{kratosAPI: c.kratos, backend: c.backend, uiName: "json", tokenStore: "memory",
			timeout: time.Second, logLevel: "warn"}
		_, closeLog, err := s.config(in, out, errOut)
		if err != nil {
			t.Fatalf("%s: %v", c.kratos, err)
		}
		closeLog()
		got, _ := os.ReadFile(errOut.Name())
		if len(c.warn) == 0 && len(got) != 0 {
			t.Errorf("%s %s: unexpected stderr %q", c.kratos, c.backend, got)
		}
		for _, w := range c.warn {
			if !strings.Contains(string(got), w) || !strings.Contains(string(got), "use https://") {
				t.Errorf("%s %s: stderr %q lacks %q", c.kratos, c.backend, got, w)
			}
		}
		if strings.Contains(string(got), "secret") {
			t.Errorf("the warning prints the URL's password: %q", got)
		}
	}
}

// A token file or directory that others can read is refused end to end:
// `kratos-tui status` says what is wrong and how to fix it, and exits 2.
func TestLeakLooseTokenFileStatusExits2(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	const kratosURL = "http://127.0.0.1:1"
	for _, c := range []struct {
		dirMode, fileMode os.FileMode
		want              string
	}{
		{0o700, 0o644, "chmod 600"},
		{0o700, 0o640, "chmod 600"},
		{0o755, 0o600, "chmod 700"},
	} {
		dir := filepath.Join(t.TempDir(), "tokens")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, tokenstore.FileName(kratosURL))
		if err := os.WriteFile(file, []byte("ory_st_canaryLooseFile123"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, c.fileMode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, c.dirMode); err != nil {
			t.Fatal(err)
		}
		code, out, stderr := runCLI(t, "--kratos-api", kratosURL, "--token-store", "file", "--token-dir", dir, "status")
		if code != 2 || !strings.Contains(stderr, "too open") || !strings.Contains(stderr, c.want) {
			t.Errorf("dir %o file %o: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.dirMode, c.fileMode, code, out, stderr, c.want)
		}
		if strings.Contains(out+stderr, "ory_st_canaryLooseFile123") {
			t.Errorf("the token of a loose file was printed")
		}
	}
}

// runPhase runs the json UI with the given input lines and common flags,
// appending to the log file, and returns its stdout and stderr.
func runPhase(t *testing.T, dir, name string, args []string, lines ...string) (string, string) {
	t.Helper()
	inPath := filepath.Join(dir, name+".in")
	if err := os.WriteFile(inPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(inPath)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, _ := os.Create(filepath.Join(dir, name+".out"))
	defer out.Close()
	errF, _ := os.Create(filepath.Join(dir, name+".err"))
	defer errF.Close()
	code := run(context.Background(), append(args, "--record", filepath.Join(dir, name+".flowlog")), in, out, errF)
	o, _ := os.ReadFile(out.Name())
	e, _ := os.ReadFile(errF.Name())
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", name, code, e)
	}
	return string(o), string(e)
}

// TestLeakCanaryFullRun signs up, signs out, signs in and signs out with a
// canary password through the command, at debug log level with a log file
// and a recording, and scans everything it wrote (stdout, stderr, log,
// recordings; not the token store) for the password and both session
// tokens.
func TestLeakCanaryFullRun(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	const canary = "Canary-Pa55word-7f3e9c1d"
	email := "canary-" + time.Now().Format("150405.000000") + "@example.com"
	dir := t.TempDir()
	tokenDir := filepath.Join(t.TempDir(), "tokens")
	logFile := filepath.Join(dir, "kratos-tui.log")
	args := []string{"--env-file", os.DevNull, "--kratos-api", srv.PublicURL, "--ui", "json",
		"--token-store", "file", "--token-dir", tokenDir, "--log-level", "debug", "--log-file", logFile}
	store := tokenstore.NewFile(tokenDir, srv.PublicURL)
	found := 0
	reliability.Report(t, reliability.SuiteSecrets, func(r *reliability.Record) {
		r.Tried, r.SecretsFound = 1, found
		if !t.Failed() {
			r.Survived = 1
		}
	})

	out1, _ := runPhase(t, dir, "signup", args,
		`{"type":"RegistrationFlowRequested"}`,
		`{"type":"SignUpSubmitted","data":{"email":"`+email+`","password":"`+canary+`"}}`)
	if !strings.Contains(out1, `"type":"SignedIn"`) {
		t.Fatalf("sign-up did not sign in: %s", out1)
	}
	tok1, err := store.Load()
	if err != nil || !strings.HasPrefix(tok1, "ory_st_") {
		t.Fatalf("no token after sign-up: %v", err)
	}
	out2, _ := runPhase(t, dir, "signout-signin", args,
		`{"type":"SignOutRequested"}`,
		`{"type":"LoginFlowRequested"}`,
		`{"type":"SignInSubmitted","data":{"identifier":"`+email+`","password":"`+canary+`"}}`)
	if !strings.Contains(out2, `"type":"SignedIn"`) {
		t.Fatalf("sign-in failed: %s", out2)
	}
	tok2, _ := store.Load()
	if tok2 == "" || tok2 == tok1 {
		t.Fatal("no new token after sign-in")
	}
	out3, _ := runPhase(t, dir, "signout", args, `{"type":"SignOutRequested"}`)
	if !strings.Contains(out3, `"reason":"signed_out"`) {
		t.Fatalf("sign-out failed: %s", out3)
	}

	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	scanned := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".in") {
			continue // the input holds the password by design
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scanned += len(b)
		for name, secret := range map[string]string{"password": canary, "sign-up token": tok1, "sign-in token": tok2} {
			if strings.Contains(string(b), secret) {
				t.Errorf("the %s appears in %s", name, filepath.Base(f))
				found++
			}
		}
	}
	if log, _ := os.ReadFile(logFile); len(log) == 0 {
		t.Error("the debug log is empty: nothing was scanned")
	}
	// The recordings read back and hold placeholders where secrets were.
	for _, phase := range []string{"signup", "signout-signin", "signout"} {
		_, recs, err := flowlog.ReadAll(filepath.Join(dir, phase+".flowlog"))
		if err != nil || len(recs) == 0 {
			t.Errorf("recording %s: %d records, %v", phase, len(recs), err)
		}
	}
	rec, _ := os.ReadFile(filepath.Join(dir, "signup.flowlog"))
	if !strings.Contains(string(rec), "«secret:") {
		t.Error("the recording has no secret placeholder: was the password recorded at all?")
	}
	t.Logf("scanned %d bytes in %d files", scanned, len(files))
}

// TestLeakNoFlagOrChildTakesTheToken checks that no flag takes a session
// token (so it never lands in argv) and that no package of this module
// linked into kratos-tui can start a process (so the token cannot reach a
// child's environment).
func TestLeakNoFlagOrChildTakesTheToken(t *testing.T) {
	root := newRootCommand(os.Stdin, os.Stdout, os.Stderr)
	allowed := map[string]bool{"token-store": true, "token-dir": true, "reveal-token": true}
	flagName := regexp.MustCompile(`--([a-z0-9-]+)`)
	for _, cmd := range append(root.Commands(), root) {
		usage := cmd.Flags().FlagUsages() + cmd.PersistentFlags().FlagUsages()
		for _, m := range flagName.FindAllStringSubmatch(usage, -1) {
			if strings.Contains(m[1], "token") && !allowed[m[1]] {
				t.Errorf("flag --%s of %s may take a token on the command line", m[1], cmd.Name())
			}
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies")
	}
	out, err := exec.Command(goBin, "list", "-deps", "-json", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Dir        string
			GoFiles    []string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.ImportPath, "github.com/kratos-tui/kratos-tui") {
			continue
		}
		for _, imp := range p.Imports {
			if imp == "os/exec" && !execAllowed[p.ImportPath] {
				t.Errorf("%s imports os/exec: kratos-tui could pass its environment to a child", p.ImportPath)
			}
		}
		// Nothing puts a token (or anything) into the process environment
		// that a child would inherit.
		for _, f := range p.GoFiles {
			b, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "os.Setenv(") {
				t.Errorf("%s/%s sets an environment variable", p.ImportPath, f)
			}
		}
	}
	// The one process kratos-tui can start is the streaming benchmark
	// helper of fsm/replay (MeasureStreaming), which no command calls.
	srcs, _ := filepath.Glob("*.go")
	for _, f := range srcs {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "MeasureStreaming") {
			t.Errorf("%s calls MeasureStreaming, which starts a process", f)
		}
	}
}

// execAllowed are the packages linked into kratos-tui that may start a
// process, and why it carries no token.
var execAllowed = map[string]bool{
	// MeasureStreaming re-runs `kratos-tui replay --bench-stream N` for
	// `make bench`; the environment holds no token (nothing sets one).
	"github.com/kratos-tui/kratos-tui/fsm/replay": true,
	// OpenInBrowser starts the user's browser ($BROWSER, else xdg-open and
	// the like through github.com/pkg/browser) for social sign-in, with the
	// provider's address as its only argument (no code, no token: the
	// exchange code comes back later, to the client); $BROWSER gets the
	// environment without KRATOS_TUI_* variables.
	"github.com/kratos-tui/kratos-tui/ui": true,
}
