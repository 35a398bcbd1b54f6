//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// devCmd runs kratos-tui-dev with args on runDir and returns its stderr
// and exit code.
func devCmd(t *testing.T, bin, kratosBin, runDir string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // also in Cleanup
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "kratos-tui-dev"),
		append([]string{"--kratos-bin", kratosBin, "--run-dir", runDir, "--free-ports"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return stderr.String(), 0
	case errors.As(err, &ee):
		return stderr.String(), ee.ExitCode()
	}
	t.Fatalf("kratos-tui-dev %v: %v", args, err)
	return "", 0
}

// make up says once how to stop the stack (its banner and then what to do
// next used to say it twice), also when the stack is already up; make run
// while it is up says to use the client or make down first; make down
// while make run runs says the stack is make run's and how to stop it.
func TestDevUpRunDownSayWhoOwnsTheStack(t *testing.T) {
	kratosBin := requireKratos(t)
	bin := buildCommands(t)
	runDir := t.TempDir()
	const stop = "`make down` stops"
	t.Cleanup(func() { devCmd(t, bin, kratosBin, runDir, "--down") })

	for i := range 2 {
		out, code := devCmd(t, bin, kratosBin, runDir, "--up")
		if code != 0 || strings.Count(out, stop) != 1 {
			t.Errorf("up %d: exit %d, %q said %d times, want once:\n%s", i, code, stop, strings.Count(out, stop), out)
		}
	}
	out, code := devCmd(t, bin, kratosBin, runDir, "--", "status")
	if code != exitSetup || !strings.Contains(out, "the stack is already up (make up, pid ") ||
		!strings.Contains(out, "just run `kratos-tui`") || !strings.Contains(out, "`make down` first") ||
		strings.Contains(out, "another kratos-tui-dev") {
		t.Errorf("make run while up: exit %d\n%s", code, out)
	}
	if out, code := devCmd(t, bin, kratosBin, runDir, "--down"); code != 0 || !strings.Contains(out, "stopped") {
		t.Fatalf("down: exit %d\n%s", code, out)
	}

	// make run, its client waiting for input: make down does not stop it,
	// and says why.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	run := exec.CommandContext(ctx, filepath.Join(bin, "kratos-tui-dev"),
		"--kratos-bin", kratosBin, "--run-dir", runDir, "--free-ports", "--ui", "json")
	stdin, err := run.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var runErr syncBuffer
	run.Stderr = &runErr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(90 * time.Second); !strings.Contains(runErr.String(), "the stack is up"); {
		if time.Now().After(deadline) {
			t.Fatalf("make run never came up:\n%s", runErr.String())
		}
		time.Sleep(50 * time.Millisecond) // polling another process
	}
	out, code = devCmd(t, bin, kratosBin, runDir, "--down")
	want := "the stack belongs to `make run` (pid " + strconv.Itoa(run.Process.Pid) + "), not to `make up`: quit its client to stop it"
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("make down while make run runs: exit %d, want 1 and %q:\n%s", code, want, out)
	}
	out, code = devCmd(t, bin, kratosBin, runDir, "--up")
	want = "the stack is already up under `make run` (pid " + strconv.Itoa(run.Process.Pid) + ")"
	if code != exitSetup || !strings.Contains(out, want) {
		t.Errorf("make up while make run runs: exit %d, want 2 and %q:\n%s", code, want, out)
	}
	_ = stdin.Close()
	if err := run.Wait(); err != nil {
		t.Errorf("make run after make down: %v\n%s", err, runErr.String())
	}
}
