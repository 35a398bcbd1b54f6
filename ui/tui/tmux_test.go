package tui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// tmuxPane drives a program in a detached tmux session on a private
// server socket (the user's tmux is not touched).
type tmuxPane struct {
	t    *testing.T
	tmux string
	sock string
	name string
}

func (p *tmuxPane) run(args ...string) string {
	p.t.Helper()
	out, err := exec.Command(p.tmux, append([]string{"-f", "/dev/null", "-S", p.sock}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// waitFor polls the pane until it shows every part; the limit bounds it.
func (p *tmuxPane) waitFor(limit time.Duration, parts ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		screen := p.run("capture-pane", "-p", "-t", p.name)
		if has(parts...)(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the pane did not show %q within %s; it shows:\n%s", parts, limit, screen)
		}
		time.Sleep(50 * time.Millisecond) // polling another process
	}
}

// TestTmuxSmoke runs the real binary in a real terminal (tmux) against a
// real Kratos: sign in with an identity made through the admin API, see
// the session, quit with Ctrl-C.
func TestTmuxSmoke(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("tmux is required (KRATOS_REQUIRED=1): %v; install it (apt-get install -y tmux)", err)
		}
		t.Skipf("no tmux: %v", err)
	}
	srv := kratosServer(t)
	email := fmt.Sprintf("tmux-smoke-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)

	p := &tmuxPane{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux.sock"), name: "smoke"}
	command := fmt.Sprintf("KRATOS_API=%s %s --token-store memory --env-file '' --log-file %s; echo \"kratos-tui exited with $?\"; sleep 60",
		srv.PublicURL, bin, filepath.Join(dir, "client.log"))
	p.run("new-session", "-d", "-s", p.name, "-x", "100", "-y", "30", "sh", "-c", command)
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", p.sock, "kill-server").Run() })

	p.waitFor(30*time.Second, "Sign in with ORY", "E-Mail", "Password")
	p.run("send-keys", "-t", p.name, "-l", email)
	p.run("send-keys", "-t", p.name, "Tab")
	p.run("send-keys", "-t", p.name, "-l", password)
	p.run("send-keys", "-t", p.name, "Enter")
	p.waitFor(30*time.Second, "Session information", email)
	p.run("send-keys", "-t", p.name, "C-c")
	screen := p.waitFor(10*time.Second, "kratos-tui exited with")
	if !strings.Contains(screen, "kratos-tui exited with 0") {
		t.Fatalf("the client did not exit cleanly:\n%s", screen)
	}
	if strings.Contains(screen, "Session information") {
		t.Fatalf("the terminal was not restored:\n%s", screen)
	}
}

// buildBinary builds cmd/kratos-tui into dir.
func buildBinary(t testing.TB, dir string) string {
	t.Helper()
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "kratos-tui")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/kratos-tui")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/kratos-tui: %v\n%s", err, out)
	}
	return bin
}
