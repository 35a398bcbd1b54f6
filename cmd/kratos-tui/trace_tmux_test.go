package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TestTraceViewerInTmux runs the real binary in a real 80x24 terminal
// (tmux): `replay --trace` on a log whose replay diverges prints the
// divergence and opens the viewer at it, the recorded and replayed records
// side by side; Tab moves to a side; q quits with the replay's exit 1.
// `trace --replay` opens the same.
func TestTraceViewerInTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("tmux is required (KRATOS_REQUIRED=1): %v", err)
		}
		t.Skipf("no tmux: %v", err)
	}
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kratos-tui")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kratos-tui")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The corpus's too-short-password sign-up with the message id of the
	// form Kratos sent back changed: the replay diverges at that form.
	data, err := os.ReadFile(filepath.Join(root, "testdata", "flows", "sign_up_short_password.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	formSeq := ""
	for i, l := range lines {
		if formSeq == "" && strings.Contains(l, `"type":"RegistrationFormShown"`) && strings.Contains(l, `"id":4000032`) {
			lines[i] = strings.Replace(l, `"id":4000032`, `"id":4000031`, 1)
			formSeq = strings.TrimSuffix(strings.TrimPrefix(l[:strings.IndexByte(l, ',')], `{"seq":`), ",")
		}
	}
	if formSeq == "" {
		t.Fatal("sign_up_short_password.jsonl has no form with 4000032: the corpus changed")
	}
	log := filepath.Join(dir, "diverged.jsonl")
	if err := os.WriteFile(log, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "tmux.sock")
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-f", "/dev/null", "-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { _ = exec.Command(tmux, "-S", sock, "kill-server").Run() })
	waitFor := func(name string, parts ...string) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			screen := tm("capture-pane", "-p", "-t", name)
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(screen, p)
			}
			if ok {
				return screen
			}
			if time.Now().After(deadline) {
				t.Fatalf("the pane did not show %q; it shows:\n%s", parts, screen)
			}
			time.Sleep(50 * time.Millisecond) // polling another process
		}
	}
	for _, c := range []struct{ name, args string }{
		{"replay", "replay --trace"},
		{"trace", "trace --replay"},
	} {
		command := bin + " --env-file '' " + c.args + " " + log + "; echo \"exited with $?\"; sleep 60"
		tm("new-session", "-d", "-s", c.name, "-x", "80", "-y", "24", "sh", "-c", command)
		waitFor(c.name, "replay diverged", "seq "+formSeq+": field data.field_errors.password[0].id differs", "recorded (expected)", "replayed (actual)", `"id": 4000031,`, `"id": 4000032,`, "q quit")
		tm("send-keys", "-t", c.name, "Tab")
		waitFor(c.name, "▶ recorded (expected) (focused)")
		tm("send-keys", "-t", c.name, "q")
		want := "exited with 1"
		if c.name == "trace" {
			want = "exited with 0"
		}
		waitFor(c.name, want)
	}
}
