package tui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// burstPassword is typed by the auto-type burst; no 4-character piece of
// it may ever show in a visible field or a recorded non-secret value.
const burstPassword = "Pw8Qx7Zk9Vw3Jp5yHq"

// fragments are the password's 4-character pieces.
func fragments(s string) []string {
	var out []string
	for i := 0; i+4 <= len(s); i++ {
		out = append(out, s[i:i+4])
	}
	return out
}

// TestTmuxAutoTypeBurstAtStart runs the real binary in tmux 20 times and,
// as a password manager does, sends user<Tab>password<Enter> in one burst
// while the client is still starting (the sign-in form is on its way,
// slowed down by a proxy): every run signs in, and no piece of the
// password ever shows on the screen or in a non-secret value of the
// recording (issue 11, item 4).
func TestTmuxAutoTypeBurstAtStart(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("tmux is required (KRATOS_REQUIRED=1): %v; install it (apt-get install -y tmux)", err)
		}
		t.Skipf("no tmux: %v", err)
	}
	srv := kratosServer(t)
	email := fmt.Sprintf("tmux-burst-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, burstPassword); err != nil {
		t.Fatal(err)
	}
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	// The sign-in form takes a while: the burst lands before it is shown.
	proxy.Add(faultproxy.Rule{Method: "GET", PathPrefix: "/self-service/login/api", Kind: faultproxy.Delay, Delay: 400 * time.Millisecond})

	dir := t.TempDir()
	bin := buildBinary(t, dir)
	p := &tmuxPane{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux.sock")}
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", p.sock, "kill-server").Run() })
	leaks := fragments(burstPassword)
	for run := 1; run <= 20; run++ {
		p.name = fmt.Sprintf("burst%d", run)
		record := filepath.Join(dir, fmt.Sprintf("run%d.jsonl", run))
		command := fmt.Sprintf("KRATOS_API=%s %s --token-store memory --env-file '' --record %s --log-file %s; echo \"kratos-tui exited with $?\"; sleep 60",
			proxy.URL(), bin, record, filepath.Join(dir, "client.log"))
		p.run("new-session", "-d", "-s", p.name, "-x", "80", "-y", "24", "sh", "-c", command)
		// As soon as the client draws (the launch screen), the burst.
		p.waitFor(20*time.Second, "Sign in with ORY")
		p.run("send-keys", "-t", p.name, "-l", email, ";",
			"send-keys", "-t", p.name, "Tab", ";",
			"send-keys", "-t", p.name, "-l", burstPassword, ";",
			"send-keys", "-t", p.name, "Enter")
		deadline := time.Now().Add(30 * time.Second)
		for {
			screen := p.run("capture-pane", "-p", "-t", p.name)
			for _, f := range leaks {
				if strings.Contains(screen, f) {
					t.Fatalf("run %d: a piece of the password (%q) is on the screen:\n%s", run, f, screen)
				}
			}
			if strings.Contains(screen, "Session information") && strings.Contains(screen, email) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("run %d: not signed in within 30s; the pane shows:\n%s", run, screen)
			}
			time.Sleep(20 * time.Millisecond) // polling another process
		}
		p.run("send-keys", "-t", p.name, "C-c")
		if screen := p.waitFor(10*time.Second, "kratos-tui exited with"); !strings.Contains(screen, "kratos-tui exited with 0") {
			t.Fatalf("run %d: the client did not exit cleanly:\n%s", run, screen)
		}
		checkBurstRecording(t, run, record, email, leaks)
	}
}

// checkBurstRecording reads a run's flow log: one sign-in, with the
// e-mail as identifier, and no piece of the password in any intent.
func checkBurstRecording(t *testing.T, run int, path, email string, leaks []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	signIns := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct {
			Kind string          `json:"kind"`
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Kind != "intent" {
			continue
		}
		for _, f := range leaks {
			if strings.Contains(string(rec.Data), f) {
				t.Fatalf("run %d: %s carries a piece of the password (%q): %s", run, rec.Type, f, rec.Data)
			}
		}
		if rec.Type == "SignInSubmitted" {
			signIns++
			var in struct {
				Identifier string `json:"identifier"`
			}
			_ = json.Unmarshal(rec.Data, &in)
			if in.Identifier != email {
				t.Fatalf("run %d: signed in with identifier %q, want %q", run, in.Identifier, email)
			}
		}
	}
	if signIns != 1 {
		t.Fatalf("run %d: %d sign-ins recorded, want 1", run, signIns)
	}
}

// TestTmuxPlainCtrlCAtPasswordPrompt: Ctrl-C at the plain UI's password
// prompt ends the client with status 130 and the terminal echoes again
// (issue 11, item 11).
func TestTmuxPlainCtrlCAtPasswordPrompt(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("tmux is required (KRATOS_REQUIRED=1): %v; install it (apt-get install -y tmux)", err)
		}
		t.Skipf("no tmux: %v", err)
	}
	srv := kratosServer(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	p := &tmuxPane{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux.sock"), name: "plain"}
	command := fmt.Sprintf("trap true INT; KRATOS_API=%s %s --ui plain --token-store memory --env-file ''; echo \"kratos-tui exited with $?\"; stty -a | tr ' ' '\\n' | grep -x -e echo -e -echo | sed 's/^/terminal: /'; sleep 60",
		srv.PublicURL, bin)
	p.run("new-session", "-d", "-s", p.name, "-x", "100", "-y", "30", "sh", "-c", command)
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", p.sock, "kill-server").Run() })
	p.waitFor(30*time.Second, "E-Mail")
	p.run("send-keys", "-t", p.name, "-l", "ctrl-c@example.com")
	p.run("send-keys", "-t", p.name, "Enter")
	p.waitFor(10*time.Second, "Password")
	p.run("send-keys", "-t", p.name, "C-c")
	screen := p.waitFor(10*time.Second, "kratos-tui exited with", "terminal: ")
	if !strings.Contains(screen, "kratos-tui exited with 130") {
		t.Fatalf("Ctrl-C at the password prompt did not exit 130:\n%s", screen)
	}
	if !strings.Contains(screen, "terminal: echo") || strings.Contains(screen, "terminal: -echo") {
		t.Fatalf("echo is not back after Ctrl-C:\n%s", screen)
	}
}

// TestTmuxSecondFactorBackupCode runs the real binary against an account
// with backup codes (set up through the API): the second-factor screen
// asks for a backup code alone, and Enter in it signs in at aal2 (issue 11,
// item 6).
func TestTmuxSecondFactorBackupCode(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("tmux is required (KRATOS_REQUIRED=1): %v; install it (apt-get install -y tmux)", err)
		}
		t.Skipf("no tmux: %v", err)
	}
	srv := kratosServer(t)
	ctx := context.Background()
	email := fmt.Sprintf("tmux-2fa-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	token, err := srv.LoginSessionToken(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	k, err := kratos.New(srv.PublicURL, kratos.Options{})
	if err != nil {
		t.Fatal(err)
	}
	flow, err := k.CreateSettingsFlow(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	flow, err = k.SubmitSettings(ctx, token, flow.ID, map[string]any{"method": "lookup_secret", "lookup_secret_regenerate": true})
	if err != nil {
		t.Fatal(err)
	}
	codes := fields.BackupCodes(events.Form{UI: flow.UI})
	if len(codes) == 0 {
		t.Fatal("no backup codes")
	}
	if _, err := k.SubmitSettings(ctx, token, flow.ID, map[string]any{"method": "lookup_secret", "lookup_secret_confirm": true}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	bin := buildBinary(t, dir)
	p := &tmuxPane{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux.sock"), name: "twofa"}
	command := fmt.Sprintf("KRATOS_API=%s %s --token-store memory --env-file '' --log-file %s; echo \"kratos-tui exited with $?\"; sleep 60",
		srv.PublicURL, bin, filepath.Join(dir, "client.log"))
	p.run("new-session", "-d", "-s", p.name, "-x", "80", "-y", "24", "sh", "-c", command)
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", p.sock, "kill-server").Run() })
	p.waitFor(30*time.Second, "Sign in with ORY", "E-Mail", "Password")
	p.run("send-keys", "-t", p.name, "-l", email, ";", "send-keys", "-t", p.name, "Tab", ";",
		"send-keys", "-t", p.name, "-l", password, ";", "send-keys", "-t", p.name, "Enter")
	screen := p.waitFor(30*time.Second, "Second factor", "Backup recovery code")
	if strings.Contains(screen, "Authentication code") || strings.Contains(screen, "F3") {
		t.Fatalf("a method the account does not have is offered:\n%s", screen)
	}
	p.run("send-keys", "-t", p.name, "-l", codes[0], ";", "send-keys", "-t", p.name, "Enter")
	p.waitFor(30*time.Second, "Session information", "Assurance level: aal2")
	p.run("send-keys", "-t", p.name, "C-c")
	if screen := p.waitFor(10*time.Second, "kratos-tui exited with"); !strings.Contains(screen, "kratos-tui exited with 0") {
		t.Fatalf("the client did not exit cleanly:\n%s", screen)
	}
}
