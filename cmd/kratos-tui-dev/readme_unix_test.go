//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"

	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// readmeRepo is a copy of the repository's tracked files (a fresh clone,
// without the network) with the Kratos binary in .bin, and the
// environment its commands run in: .bin on PATH, config and cache under
// the test's directory.
type readmeRepo struct {
	t   *testing.T
	dir string
	env []string
}

func newReadmeRepo(t *testing.T) *readmeRepo {
	t.Helper()
	kratosBin := requireKratos(t)
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	dir := filepath.Join(base, "repo")
	files, err := exec.Command("git", "-C", root, "ls-files", "-co", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(files)), "\n") {
		src := filepath.Join(root, f)
		fi, err := os.Stat(src)
		if err != nil || fi.IsDir() {
			continue // deleted in the work tree
		}
		copyFile(t, src, filepath.Join(dir, f), fi.Mode().Perm())
	}
	copyFile(t, kratosBin, filepath.Join(dir, ".bin", "kratos"), 0o755)
	r := &readmeRepo{t: t, dir: dir}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "KRATOS_API", "BACKEND", "KRATOS_BIN", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "PATH", "NO_COLOR":
			continue
		}
		r.env = append(r.env, kv)
	}
	r.env = append(r.env, "PATH="+filepath.Join(dir, ".bin")+":"+os.Getenv("PATH"),
		"XDG_CONFIG_HOME="+filepath.Join(base, "config"), "XDG_CACHE_HOME="+filepath.Join(base, "cache"))
	t.Cleanup(func() {
		// Whatever happened, stop the stack (make down is idempotent).
		_, _, _ = r.sh("make down", nil)
	})
	return r
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// sh runs a command line as the README shows it, with bash in the copy.
func (r *readmeRepo) sh(line string, stdin io.Reader) (stdout, stderr string, code int) {
	cmd := exec.Command("bash", "-o", "pipefail", "-c", line)
	cmd.Dir, cmd.Env, cmd.Stdin = r.dir, r.env, stdin
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("%s: %v", line, err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			code = ee.ExitCode()
		default:
			r.t.Fatalf("%s: %v", line, err)
		}
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		r.t.Fatalf("%s: still running after 5 minutes\nstdout:\n%s\nstderr:\n%s", line, o.String(), e.String())
	}
	return o.String(), e.String(), code
}

// must runs line and fails unless it exits with want.
func (r *readmeRepo) must(want int, line string, stdin io.Reader) string {
	r.t.Helper()
	out, errOut, code := r.sh(line, stdin)
	if code != want {
		r.t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", line, code, want, out, errOut)
	}
	r.t.Logf("$ %s  (exit %d)\n%s", line, code, out)
	return out
}

// processesUnder lists the live processes whose command line or working
// directory is under dir.
func processesUnder(dir string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid := e.Name()
		if pid[0] < '0' || pid[0] > '9' {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
		cwd, _ := os.Readlink(filepath.Join("/proc", pid, "cwd"))
		stat, _ := os.ReadFile(filepath.Join("/proc", pid, "stat"))
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			continue
		}
		cl := string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
		if strings.Contains(cl, dir) || strings.HasPrefix(cwd, dir) {
			found = append(found, pid+": "+cl)
		}
	}
	return found
}

// TestREADMECommands runs the README's commands as written, on a copy of
// the repository: make up; kratos-tui status (not signed in, exit 1); a
// json UI sign-up; status, status --json and token with curl (signed in);
// verification and recovery completed through the dev stack's mail sink
// (MailCodeFillRequested) with the real Kratos; logout; make down; and
// then no process of the stack is left. Each command line is the README's
// (TestREADMEListsTestedCommands holds the README to this list).
func TestREADMECommands(t *testing.T) {
	r := newReadmeRepo(t)
	const email = "me@example.com"
	const password = "a-long-dev-password-42"

	r.must(0, "make up", nil)
	// The stack's own log names the way to stop it that works: Ctrl-C
	// cannot reach a stack in the background.
	if devLog, err := os.ReadFile(filepath.Join(r.dir, ".run", "dev.log")); err != nil {
		t.Errorf("make up left no dev.log: %v", err)
	} else if !bytes.Contains(devLog, []byte("`make down` stops the stack.")) || bytes.Contains(devLog, []byte("Ctrl-C")) {
		t.Errorf("dev.log does not say that make down stops the stack:\n%s", devLog)
	}
	if _, err := os.Stat(filepath.Join(r.dir, ".run", "kratos-tui.env")); err != nil {
		t.Fatalf("make up wrote no env file: %v", err)
	}
	out := r.must(1, "kratos-tui status", nil)
	if !strings.Contains(out, "Not signed in.") || !strings.Contains(out, "Token store: file "+filepath.Join(r.dir, ".run", "tokens")) {
		t.Errorf("status before sign-up:\n%s", out)
	}
	// As the README shows it: sign out (a no-op here), then sign up.
	if out := r.must(0, "kratos-tui logout", nil); !strings.Contains(out, "Not signed in") {
		t.Errorf("logout before the sign-up: %s", out)
	}
	out = r.must(0, readmeSignUp, nil)
	if !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("sign-up did not sign in:\n%s", out)
	}
	out = r.must(0, "kratos-tui status", nil)
	for _, want := range []string{"✓ Signed in as " + email + " (e-mail not verified)", "AAL: aal1", "Session expires:", "Token: ********", "! Warning: the token is in a plain file"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	st := statusJSON(t, r.must(0, "kratos-tui status --json", nil))
	if !st.SignedIn || st.Identity == nil || st.Identity.Email != email || st.Identity.Verified {
		t.Errorf("status --json = %+v", st)
	}
	// As written, unless port 4000 was taken and the banner said so.
	out = r.must(0, strings.Replace(readmeCurl, "http://127.0.0.1:4000", st.Backend, 1), nil)
	if !strings.Contains(out, `"email":"`+email+`"`) {
		t.Errorf("whoami with the token from kratos-tui token:\n%s", out)
	}

	// Verification through the mail sink.
	out = r.must(0, readmeVerify, nil)
	if !strings.Contains(out, `"kind":"mail","intent":"VerificationSubmitted","recipient":"`+email+`"`) || !strings.Contains(out, `"state":"passed_challenge"`) {
		t.Fatalf("verification through the mail sink:\n%s", out)
	}
	if st := statusJSON(t, r.must(0, "kratos-tui status --json", nil)); st.Identity == nil || !st.Identity.Verified {
		t.Errorf("after verification status --json = %+v", st)
	}
	out = r.must(0, "kratos-tui logout", nil)
	if !strings.Contains(out, "signed out") {
		t.Errorf("logout: %s", out)
	}
	r.must(1, "kratos-tui status", nil)

	// Recovery through the mail sink signs in again.
	out = r.must(0, readmeRecover, nil)
	if !strings.Contains(out, `"kind":"mail","intent":"RecoverySubmitted","recipient":"`+email+`"`) || !strings.Contains(out, `"type":"SettingsFormShown"`) {
		t.Fatalf("recovery through the mail sink:\n%s", out)
	}
	if st := statusJSON(t, r.must(0, "kratos-tui status --json", nil)); !st.SignedIn {
		t.Errorf("after recovery status --json = %+v", st)
	}
	if out := r.must(0, "kratos-tui logout --local", nil); !strings.Contains(out, "Signed out locally") {
		t.Errorf("logout --local: %s", out)
	}
	r.must(1, "kratos-tui status", nil)

	// Recovery in the TUI, in a real terminal (tmux): F4 fills the code.
	tuiRecovery(t, r, email)
	r.must(0, "kratos-tui logout", nil)

	// Recording, replay (offline and live), trace, completion, version.
	r.must(0, "kratos-tui --record run.jsonl", nil)
	if out := r.must(0, "kratos-tui replay run.jsonl", nil); !strings.HasPrefix(out, "PASS run.jsonl") {
		t.Errorf("replay: %s", out)
	}
	live := strings.Replace(readmeReplayLive, "URL", "http://127.0.0.1:4433", 1)
	if st.KratosAPI != "http://127.0.0.1:4433" {
		live = strings.Replace(readmeReplayLive, "URL", st.KratosAPI, 1)
	}
	if out := r.must(0, live, nil); !strings.Contains(out, "PASS run.jsonl (live)") {
		t.Errorf("replay --live: %s", out)
	}
	// The README's three ways to give the secrets --live needs: a hidden
	// prompt into the environment, the environment, a 0600 file.
	api := strings.TrimPrefix(live[strings.Index(live, "--kratos-api "):], "--kratos-api ")
	if err := os.WriteFile(filepath.Join(r.dir, "run.secrets"), []byte("1=unused-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{readmeReadSecret + " && " + readmeReplayLiveEnv, readmeReplayLiveFile} {
		line = strings.ReplaceAll(line, "URL", api)
		if out := r.must(0, line, strings.NewReader("unused-secret\n")); !strings.Contains(out, "PASS run.jsonl (live)") {
			t.Errorf("%s: %s", line, out)
		}
	}
	for _, format := range []string{"", " --format text", " --format html", " --format mermaid", " --format mermaid-sequence"} {
		if out := r.must(0, "kratos-tui trace run.jsonl"+format, nil); out == "" {
			t.Errorf("trace%s printed nothing", format)
		}
	}
	if out := r.must(0, "kratos-tui completion bash", nil); !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash: %.200s", out)
	}
	if out := r.must(0, "kratos-tui version", nil); !strings.HasPrefix(out, "kratos-tui ") {
		t.Errorf("version: %s", out)
	}
	if out := r.must(0, "git check-ignore run.jsonl || true", nil); out != "" {
		t.Logf("(the copy is no git repository: %q)", out)
	}

	// The mail sink's files and notices.
	mails, _ := filepath.Glob(filepath.Join(r.dir, ".run", "mail", "*.json"))
	if len(mails) < 3 {
		t.Errorf("mail sink files = %v, want the sign-up, verification and recovery mails", mails)
	}
	if log, _ := os.ReadFile(filepath.Join(r.dir, ".run", "dev.log")); !bytes.Contains(log, []byte("mail sink: mail to "+email+`: "Recover access to your account", code `)) {
		t.Errorf("dev.log has no recovery notice:\n%s", log)
	}

	r.must(0, "make down", nil)
	if _, err := os.Stat(filepath.Join(r.dir, ".run", "kratos-tui.env")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the env file outlived make down: %v", err)
	}
	if left := processesUnder(r.dir); len(left) > 0 {
		t.Fatalf("processes left after make down:\n%s", strings.Join(left, "\n"))
	}
	// Without the stack, the client says so: no env file, no KRATOS_API.
	_, errOut, code := r.sh("kratos-tui status", nil)
	if code != 2 || !strings.Contains(errOut, "KRATOS_API is not set") {
		t.Errorf("status without the stack: exit %d, %s", code, errOut)
	}

	// make run, with the client's input not a terminal (the plain UI,
	// which ends at the end of input): the stack stops with the client.
	for _, line := range []string{"make run", `make run ARGS="--ui plain"`, "make run ARGS=--fresh"} {
		out, errOut, code := r.sh(line, nil)
		if code != 0 || !strings.Contains(out, "Sign in") || !strings.Contains(errOut, "stopping the backend and Kratos") {
			t.Errorf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", line, code, out, errOut)
		}
		if left := processesUnder(r.dir); len(left) > 0 {
			t.Fatalf("processes left after %s:\n%s", line, strings.Join(left, "\n"))
		}
	}
	if _, errOut, _ := r.sh("make run ARGS=--fresh", nil); !strings.Contains(errOut, "kratos-tui-dev: starting Kratos") {
		t.Errorf("make run ARGS=--fresh did not start the stack: %s", errOut)
	}

	// PATH and make install.
	r.env = append(r.env, "PATH=/usr/local/bin:/usr/bin:/bin:"+filepath.Dir(goBinary(t)), "GOBIN="+filepath.Join(r.dir, "..", "gobin"))
	if out := r.must(0, `export PATH="$PWD/.bin:$PATH"; kratos-tui version`, nil); !strings.HasPrefix(out, "kratos-tui ") {
		t.Errorf("with .bin on PATH: %s", out)
	}
	r.must(0, "make install", nil)
	if out := r.must(0, filepath.Join(r.dir, "..", "gobin", "kratos-tui")+" version", nil); !strings.HasPrefix(out, "kratos-tui ") {
		t.Errorf("installed kratos-tui: %s", out)
	}
}

func goBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func statusJSON(t *testing.T, out string) StatusOutput {
	t.Helper()
	var st StatusOutput
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

// StatusOutput mirrors the README's schema of `kratos-tui status --json`
// (unknown fields fail the decode).
type StatusOutput struct {
	SignedIn             bool     `json:"signed_in"`
	SecondFactorRequired bool     `json:"second_factor_required"`
	KratosAPI            string   `json:"kratos_api"`
	Backend              string   `json:"backend"`
	SettingsFrom         []string `json:"settings_from"`
	TokenStore           string   `json:"token_store"`
	TokenFile            string   `json:"token_file"`
	Warning              string   `json:"warning"`
	Token                string   `json:"token"`
	Identity             *struct {
		ID         string `json:"id"`
		Identifier string `json:"identifier"`
		Email      string `json:"email"`
		Verified   bool   `json:"verified"`
	} `json:"identity"`
	AAL             string     `json:"aal"`
	SessionID       string     `json:"session_id"`
	ExpiresAt       *time.Time `json:"expires_at"`
	AuthenticatedAt *time.Time `json:"authenticated_at"`
	Message         string     `json:"message"`
	Error           string     `json:"error"`
}

// The README's command lines that TestREADMECommands runs.
const (
	readmeReplayLive     = `KRATOS_TUI_SECRET_1=… kratos-tui replay --live run.jsonl --kratos-api URL`
	readmeReadSecret     = `read -rs KRATOS_TUI_SECRET_1 && export KRATOS_TUI_SECRET_1`
	readmeReplayLiveEnv  = `kratos-tui replay --live run.jsonl --kratos-api URL`
	readmeReplayLiveFile = `kratos-tui replay --live run.jsonl --kratos-api URL --secrets-file run.secrets`
	readmeSignUp         = `printf '%s\n' '{"type":"RegistrationFlowRequested"}' \
  '{"type":"SignUpSubmitted","data":{"email":"me@example.com","password":"a-long-dev-password-42"}}' |
  kratos-tui --ui json`
	readmeCurl   = `curl -s -H "X-Session-Token: $(kratos-tui token)" http://127.0.0.1:4000/whoami`
	readmeVerify = `printf '%s\n' '{"type":"VerificationRequested"}' \
  '{"type":"VerificationSubmitted","data":{"email":"me@example.com"}}' '{"type":"MailCodeFillRequested"}' |
  kratos-tui --ui json`
	readmeRecover = `printf '%s\n' '{"type":"RecoveryRequested"}' \
  '{"type":"RecoverySubmitted","data":{"email":"me@example.com"}}' '{"type":"MailCodeFillRequested"}' |
  kratos-tui --ui json`
)

// tuiRecovery runs `kratos-tui` (the TUI) under tmux in the copy, signed
// out: "Forgot password?" (F3), the e-mail, then F4 fills the e-mailed
// code from the dev stack's mail sink and Enter completes the recovery.
func tuiRecovery(t *testing.T, r *readmeRepo, email string) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatalf("tmux is required: %v; install it (apt-get install -y tmux)", err)
	}
	sock := filepath.Join(t.TempDir(), "tmux.sock")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tmux, append([]string{"-f", "/dev/null", "-S", sock}, args...)...)
		cmd.Dir, cmd.Env = r.dir, r.env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	waitFor := func(parts ...string) string {
		t.Helper()
		deadline := time.Now().Add(45 * time.Second)
		for {
			screen := run("capture-pane", "-p", "-t", "tui")
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(screen, p)
			}
			if ok {
				return screen
			}
			if time.Now().After(deadline) {
				t.Fatalf("the TUI did not show %q; it shows:\n%s", parts, screen)
			}
			time.Sleep(50 * time.Millisecond) // polling another process
		}
	}
	run("new-session", "-d", "-s", "tui", "-x", "110", "-y", "35", "sh", "-c", `kratos-tui; echo "kratos-tui exited with $?"; sleep 60`)
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })
	waitFor("Sign in with ORY", "Forgot password?")
	run("send-keys", "-t", "tui", "F3")
	waitFor("Recover your account")
	run("send-keys", "-t", "tui", "-l", email)
	run("send-keys", "-t", "tui", "Enter")
	waitFor("F4 e-mailed code")
	// The mail may come a moment after the form: F4 says so, press again.
	for deadline := time.Now().Add(30 * time.Second); ; {
		run("send-keys", "-t", "tui", "F4")
		screen := waitFor("F4 e-mailed code")
		if strings.Contains(screen, "Code filled in from the mail to "+email) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("F4 never filled the code:\n%s", screen)
		}
		time.Sleep(200 * time.Millisecond) // polling another process
	}
	run("send-keys", "-t", "tui", "Enter")
	screen := waitFor("Settings")
	t.Logf("after recovery:\n%s", screen)
	run("send-keys", "-t", "tui", "C-c")
	waitFor("kratos-tui exited with 0")
	run("kill-server")
}
