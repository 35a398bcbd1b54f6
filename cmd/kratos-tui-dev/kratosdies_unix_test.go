//go:build linux

package main

import (
	"bytes"
	"context"
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

// When Kratos dies while the client runs, the dev stack says so at once
// (the client only sees that Kratos does not answer), and again when the
// client exits.
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
	waitText := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(90 * time.Second); !strings.Contains(stderr.String(), what); {
			if time.Now().After(deadline) {
				t.Fatalf("stderr never said %q:\n%s", what, stderr.String())
			}
			time.Sleep(50 * time.Millisecond) // polling another process
		}
	}
	waitText("the stack is up")
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stdout.String(), `"type":"SignedOut"`); {
		if time.Now().After(deadline) {
			t.Fatalf("the client never showed the sign-in state:\n%s", stdout.String())
		}
		time.Sleep(50 * time.Millisecond) // polling another process
	}
	if err := syscall.Kill(kratosPID(t, runDir), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitText("Kratos exited while the client runs; it will not answer (log: " + filepath.Join(runDir, "kratos.log") + ")")
	_ = stdin.Close()
	_ = cmd.Wait()
	if !strings.Contains(stderr.String(), "kratos-tui-dev: Kratos had exited while the client ran") {
		t.Errorf("no notice at exit:\n%s", stderr.String())
	}
}
