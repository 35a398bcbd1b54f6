//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// kratosPID finds the `kratos serve` whose config is under runDir.
func kratosPID(t *testing.T, runDir string) int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if bytes.Contains(cmdline, []byte(runDir)) && bytes.Contains(cmdline, []byte("serve")) {
			return pid
		}
	}
	t.Fatalf("no kratos serve with its config under %s", runDir)
	return 0
}

// When Kratos dies while the client runs, the dev stack writes nothing on
// the terminal the client owns (it would garble the TUI): it says so in
// <run dir>/notices.log at once, on the terminal once the client exits, and
// exits non-zero.
func TestDevSaysWhenKratosDies(t *testing.T) {
	kratosBin := requireKratos(t)
	bin := buildCommands(t)
	runDir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "kratos-tui-dev"),
		"--kratos-bin", kratosBin, "--run-dir", runDir, "--free-ports", "--ui", "json")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(what string, text func() string) {
		t.Helper()
		for deadline := time.Now().Add(90 * time.Second); !strings.Contains(text(), what); {
			if time.Now().After(deadline) {
				t.Fatalf("never said %q:\n%s", what, text())
			}
			time.Sleep(50 * time.Millisecond) // polling another process
		}
	}
	waitFor("the stack is up", stderr.String)
	waitFor("Notices            "+filepath.Join(runDir, "notices.log"), stderr.String)
	waitFor(`"type":"SignedOut"`, stdout.String)
	if err := syscall.Kill(kratosPID(t, runDir), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	said := "Kratos exited while the client ran; it did not answer after that (log: " + filepath.Join(runDir, "kratos.log") + ")"
	waitFor(said, func() string {
		b, _ := os.ReadFile(filepath.Join(runDir, "notices.log"))
		return string(b)
	})
	// The stack has noticed (the file says so): nothing of it on the
	// client's terminal.
	if strings.Contains(stderr.String(), "Kratos exited") {
		t.Errorf("the stack wrote on the terminal while the client owned it:\n%s", stderr.String())
	}
	_ = stdin.Close()
	err = cmd.Wait()
	if !strings.Contains(stderr.String(), "kratos-tui-dev: "+said) {
		t.Errorf("no notice at exit:\n%s", stderr.String())
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1 (Kratos died under the client)", err)
	}
}
