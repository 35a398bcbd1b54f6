package main

import (
	"bytes"
	"errors"

	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/internal/devenv"
)

// EnvFileName is the env file's name in the run directory.
const EnvFileName = devenv.FileName

const (
	// upReadyTimeout bounds `--up`'s wait for the stack (migrations on a
	// first run included).
	upReadyTimeout = 3 * time.Minute
	// downTimeout bounds `--down`'s wait for the stack to exit.
	downTimeout = 30 * time.Second
)

// writeEnvFile writes the env file the client reads while the stack is
// up: the URLs, the token store under the run directory, the mail sink.
// It is written atomically, 0600.
func writeEnvFile(p paths, st *stack) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by kratos-tui-dev (pid %d) while the dev stack is up; removed when it stops.\n", os.Getpid())
	fmt.Fprintf(&b, "# kratos-tui reads it when started inside the repository (or with --env-file %s).\n", p.envFile)
	for _, kv := range [][2]string{
		{"KRATOS_API", st.kratos.PublicURL},
		{"KRATOS_ADMIN_API", st.kratos.AdminURL},
		{"BACKEND", st.backendURL},
		{devenv.KeyTokenStore, "file"},
		{devenv.KeyTokenDir, p.tokenDir},
		{devenv.KeyMailDir, p.mailDir},
		{devenv.KeyPID, strconv.Itoa(os.Getpid())},
	} {
		fmt.Fprintf(&b, "%s=%q\n", kv[0], kv[1])
	}
	tmp := p.envFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("write the env file: %w", err)
	}
	if err := os.Rename(tmp, p.envFile); err != nil {
		return fmt.Errorf("write the env file: %w", err)
	}
	return nil
}

// runningPID returns the pid in the pid file when that process is alive.
func runningPID(p paths) (int, bool) {
	b, err := os.ReadFile(p.pidFile)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, processAlive(pid)
}

// up starts `kratos-tui-dev --no-client` in the background, detached from
// the terminal, with its output in <run dir>/dev.log and its pid in
// <run dir>/kratos-tui-dev.pid, and returns once the stack has written its
// env file (ready), or with the log's tail when it exits first.
func up(o options, sio stdio) (int, error) {
	p := newPaths(o.runDir)
	if err := os.MkdirAll(p.runDir, 0o700); err != nil {
		return exitSetup, fmt.Errorf("create the run directory: %w", err)
	}
	if pid, ok := runningPID(p); ok {
		fmt.Fprintf(sio.err, "kratos-tui-dev: the stack is already up (pid %d)\n", pid)
		printEnvFile(sio, p)
		return 0, nil
	}
	if busy := lockHolder(p); busy != nil {
		if busy.mode == modeClient {
			return exitSetup, fmt.Errorf("the stack is already up under `make run` (pid %d): kratos-tui finds it while it runs; quit that client first for a stack of make up's own", busy.pid)
		}
		return exitSetup, busy
	}
	exe, err := os.Executable()
	if err != nil {
		return exitSetup, fmt.Errorf("find this executable: %w", err)
	}
	args := []string{"--no-client", "--run-dir", o.runDir, "--kratos-bin", o.kratosBin}
	if o.fresh {
		args = append(args, "--fresh")
	}
	if o.freePorts {
		args = append(args, "--free-ports")
	}
	logf, err := os.OpenFile(p.upLog, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return exitSetup, fmt.Errorf("open %s: %w", p.upLog, err)
	}
	defer logf.Close()
	_ = os.Remove(p.envFile)
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), backgroundEnv+"=1")
	setDetachedProcAttrs(cmd)
	if err := cmd.Start(); err != nil {
		return exitSetup, fmt.Errorf("start the stack: %w", err)
	}
	pid := cmd.Process.Pid
	if err := os.WriteFile(p.pidFile, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		_ = cmd.Process.Kill()
		return exitSetup, fmt.Errorf("write the pid file: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	fmt.Fprintf(sio.err, "kratos-tui-dev: starting the stack in the background (pid %d, log %s)\n", pid, p.upLog)
	deadline := time.After(upReadyTimeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			_ = os.Remove(p.pidFile)
			return exitSetup, fmt.Errorf("the stack exited while starting (%v)\n--- %s ---\n%s", err, p.upLog, fileTail(p.upLog, 4096))
		case <-deadline:
			_ = signalPID(pid, sigTerm)
			return exitSetup, fmt.Errorf("the stack was not ready after %s; stopped it (log: %s)", upReadyTimeout, p.upLog)
		case <-tick.C:
		}
		if b, err := os.ReadFile(p.envFile); err == nil && bytes.Contains(b, []byte(devenv.KeyPID+"=\""+strconv.Itoa(pid)+"\"")) {
			// The stack's banner, then what to type next.
			if banner, err := os.ReadFile(p.upLog); err == nil {
				_, _ = sio.err.Write(bannerOnly(banner))
			}
			printEnvFile(sio, p)
			return 0, nil
		}
	}
}

// bannerOnly keeps the banner lines of the stack's log (those before the
// export lines and the mail notices).
func bannerOnly(log []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(log, []byte("\n")) {
		// How to stop the stack is said once, by printEnvFile.
		if bytes.HasPrefix(line, []byte("export ")) || bytes.HasPrefix(line, []byte("mail sink: ")) ||
			bytes.HasPrefix(line, []byte("Ctrl-C")) || bytes.HasPrefix(line, []byte("`make down`")) {
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}

// printEnvFile tells where the env file is and what to do next.
func printEnvFile(sio stdio, p paths) {
	fmt.Fprintf(sio.err, "The client reads %s when started in the repository: try `kratos-tui status` (with .bin on PATH).\n`make down` stops the stack.\n", p.envFile)
}

// down stops the stack started by up: SIGTERM to its pid, then waits until
// it is gone (it stops the backend, the mail sink and Kratos first).
func down(o options, sio stdio) (int, error) {
	p := newPaths(o.runDir)
	pid, ok := runningPID(p)
	if !ok {
		_ = os.Remove(p.pidFile)
		// Not make up's: another stack (make run) may hold the run
		// directory.
		if busy := lockHolder(p); busy != nil {
			return 1, errors.New(ownerOf(busy))
		}
		fmt.Fprintln(sio.err, "kratos-tui-dev: the stack is not running")
		return 0, nil
	}
	if err := signalPID(pid, sigTerm); err != nil {
		return exitSetup, fmt.Errorf("stop the stack (pid %d): %w", pid, err)
	}
	deadline := time.Now().Add(downTimeout)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			return exitSetup, fmt.Errorf("the stack (pid %d) did not stop within %s (log: %s)", pid, downTimeout, p.upLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = os.Remove(p.pidFile)
	fmt.Fprintf(sio.err, "kratos-tui-dev: the stack (pid %d) stopped; data kept in %s\n", pid, filepath.Join(p.runDir, "kratos"))
	return 0, nil
}

// The modes a stack holding the run directory's lock runs in (the second
// line of the lock file).
const (
	modeClient     = "client"     // make run: the stack and a client
	modeNoClient   = "no-client"  // kratos-tui-dev --no-client
	modeBackground = "background" // make up
)

// runDirBusyError is lockRunDir's answer when another kratos-tui-dev holds
// the run directory.
type runDirBusyError struct {
	lock string
	pid  int    // 0 when the lock file does not say
	mode string // "" when the lock file does not say
}

func (e *runDirBusyError) Error() string {
	holder := ""
	if e.pid > 0 {
		holder = fmt.Sprintf(" (pid %d)", e.pid)
	}
	return fmt.Sprintf("another kratos-tui-dev%s is using the run directory (lock %s): stop it, or give another --run-dir", holder, e.lock)
}

// modeOf is the mode of the stack o starts.
func modeOf(o options) string {
	switch {
	case o.noClient && os.Getenv(backgroundEnv) == "1":
		return modeBackground
	case o.noClient:
		return modeNoClient
	}
	return modeClient
}

// ownerOf says which command owns the stack holding the run directory and
// how to stop it, for `make down` when that is not `make up`.
func ownerOf(busy *runDirBusyError) string {
	switch busy.mode {
	case modeClient:
		return fmt.Sprintf("the stack belongs to `make run` (pid %d), not to `make up`: quit its client to stop it", busy.pid)
	case modeNoClient:
		return fmt.Sprintf("the stack belongs to `kratos-tui-dev --no-client` (pid %d), not to `make up`: Ctrl-C where it runs stops it", busy.pid)
	}
	return busy.Error()
}

// lockHolder returns who holds the run directory's lock, or nil when no
// one does (it takes the lock and lets it go at once).
func lockHolder(p paths) *runDirBusyError {
	if _, err := os.Stat(p.lockFile); err != nil {
		return nil
	}
	unlock, err := lockRunDir(p.lockFile, "")
	var busy *runDirBusyError
	if errors.As(err, &busy) {
		return busy
	}
	if err == nil {
		unlock()
	}
	return nil
}
