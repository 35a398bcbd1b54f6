//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDevStatusStopsTheStack runs `kratos-tui-dev -- status` twice on one
// run directory (the second run reuses the database): the client says it
// is not signed in and exits 1, kratos-tui-dev exits 1 too, and no Kratos
// or backend is left running.
func TestDevStatusStopsTheStack(t *testing.T) {
	kratosBin := requireKratos(t)
	bin := buildCommands(t)
	runDir := t.TempDir()
	for i := range 2 {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "kratos-tui-dev"),
			"--kratos-bin", kratosBin, "--run-dir", runDir, "--free-ports", "--", "status")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("run %d: exit %v, want 1\nstdout:\n%s\nstderr:\n%s", i, err, stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "Not signed in.") {
			t.Errorf("run %d: stdout %q does not say Not signed in.", i, stdout.String())
		}
		b := parseBanner(t, stderr.String())
		if !strings.Contains(stderr.String(), "Ctrl-C in the client quits; the stack stops with it") {
			t.Errorf("run %d: banner without the Ctrl-C line:\n%s", i, stderr.String())
		}
		t.Logf("run %d: kratos %s, admin %s, backend %s (pid %d)", i, b.public, b.admin, b.backend, b.backendPID)
		checkStopped(t, runDir, b)
		// The backend was stopped by kratos-tui-dev (SIGTERM, graceful
		// shutdown), not only killed when its parent died.
		if log, _ := os.ReadFile(filepath.Join(runDir, "backend.log")); !bytes.Contains(log, []byte(`"message":"stopped"`)) {
			t.Errorf("run %d: backend.log does not show a graceful stop:\n%s", i, log)
		}
	}
	if _, err := os.Stat(filepath.Join(runDir, "kratos", kratosDBFile)); err != nil {
		t.Errorf("the Kratos database is not in the run directory: %v", err)
	}
	for _, log := range []string{"kratos.log", "backend.log"} {
		if fi, err := os.Stat(filepath.Join(runDir, log)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: missing or empty (%v)", log, err)
		}
	}
}

// TestDevNoClientKeepsAccounts starts the stack with --no-client three
// times on one run directory: an identity made in the first run is there
// in the second, and gone after --fresh in the third. Each run answers on
// the printed URLs and stops cleanly on SIGINT or SIGTERM.
func TestDevNoClientKeepsAccounts(t *testing.T) {
	kratosBin := requireKratos(t)
	bin := buildCommands(t)
	runDir := t.TempDir()
	const email = "dev-stack@example.com"
	for i, c := range []struct {
		fresh bool
		sig   syscall.Signal
		want  bool // the identity is there at start
	}{{false, syscall.SIGINT, false}, {false, syscall.SIGTERM, true}, {true, syscall.SIGINT, false}} {
		args := []string{"--kratos-bin", kratosBin, "--run-dir", runDir, "--free-ports", "--no-client"}
		if c.fresh {
			args = append(args, "--fresh")
		}
		cmd := exec.Command(filepath.Join(bin, "kratos-tui-dev"), args...)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		exports := make(chan map[string]string, 1)
		go func() {
			vars := map[string]string{}
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
					vars[k] = v
				}
				if len(vars) == 3 {
					exports <- vars
				}
			}
			_, _ = io.Copy(io.Discard, stdout)
			done <- cmd.Wait()
		}()
		var vars map[string]string
		select {
		case vars = <-exports:
		case err := <-done:
			t.Fatalf("run %d: exited early: %v\n%s", i, err, stderr.String())
		case <-time.After(2 * time.Minute):
			_ = cmd.Process.Kill()
			t.Fatalf("run %d: no export lines in time\n%s", i, stderr.String())
		}
		getOK(t, vars["BACKEND"]+"/healthz")
		getOK(t, vars["KRATOS_API"]+"/health/ready")
		if got := hasIdentity(t, vars["KRATOS_ADMIN_API"], email); got != c.want {
			t.Errorf("run %d: identity there = %t, want %t", i, got, c.want)
		}
		if !c.want {
			createIdentity(t, vars["KRATOS_ADMIN_API"], email)
		}
		b := parseBanner(t, stderr.String())
		if b.public != vars["KRATOS_API"] || b.backend != vars["BACKEND"] {
			t.Errorf("run %d: banner %+v disagrees with exports %v", i, b, vars)
		}
		if err := cmd.Process.Signal(c.sig); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: exit after %v: %v\n%s", i, c.sig, err, stderr.String())
			}
		case <-time.After(time.Minute):
			_ = cmd.Process.Kill()
			t.Fatalf("run %d: did not stop after %v", i, c.sig)
		}
		checkStopped(t, runDir, b)
	}
}

// banner is what the test learns from kratos-tui-dev's banner.
type banner struct {
	public, admin, backend string
	backendPID             int
}

var (
	publicRe  = regexp.MustCompile(`Kratos public API\s+(\S+)`)
	adminRe   = regexp.MustCompile(`Kratos admin API\s+(\S+)`)
	backendRe = regexp.MustCompile(`Backend\s+(\S+) \(pid (\d+)\)`)
)

func parseBanner(t *testing.T, stderr string) banner {
	t.Helper()
	p, a, b := publicRe.FindStringSubmatch(stderr), adminRe.FindStringSubmatch(stderr), backendRe.FindStringSubmatch(stderr)
	if p == nil || a == nil || b == nil {
		t.Fatalf("no banner in stderr:\n%s", stderr)
	}
	pid, _ := strconv.Atoi(b[2])
	return banner{public: p[1], admin: a[1], backend: b[1], backendPID: pid}
}

// checkStopped checks that the backend's pid is gone, that nothing answers
// on the stack's ports and (on Linux) that no process mentions the run
// directory (Kratos runs with -c <run dir>/kratos/kratos.yml).
func checkStopped(t *testing.T, runDir string, b banner) {
	t.Helper()
	if err := syscall.Kill(b.backendPID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("backend pid %d still exists (kill 0: %v)", b.backendPID, err)
	}
	for _, raw := range []string{b.public, b.admin, b.backend} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
			_ = c.Close()
			t.Errorf("%s still accepts connections", raw)
		}
	}
	if runtime.GOOS != "linux" {
		return
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Logf("cannot scan /proc: %v", err)
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(runDir)) {
			t.Errorf("process %d is left running: %s", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
		}
	}
}
