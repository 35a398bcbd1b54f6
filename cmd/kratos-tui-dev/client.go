package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// clientQuitGrace is how long the client gets to exit after a forwarded
// SIGTERM before it is killed.
const clientQuitGrace = 10 * time.Second

// runClient runs the client on the inherited terminal and returns its exit
// code. SIGINT is ignored meanwhile (the client gets Ctrl-C from the
// terminal itself, or reads it as a key); SIGTERM and SIGHUP are forwarded
// to it as SIGTERM, and it is killed if it has not exited clientQuitGrace
// later.
func runClient(o options, p paths, st *stack, sigc <-chan os.Signal, sio stdio) (int, error) {
	bin, err := sibling("kratos-tui")
	if err != nil {
		return exitSetup, err
	}
	cmd := exec.Command(bin, clientArgs(o.clientArgs, p.tokenDir, p.envFile)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = sio.in, sio.out, sio.err
	cmd.Env = append(os.Environ(), "KRATOS_API="+st.kratos.PublicURL, "BACKEND="+st.backendURL)
	setClientProcAttrs(cmd)
	c, err := startChild(cmd)
	if err != nil {
		return exitSetup, fmt.Errorf("start the client %s: %w", bin, err)
	}
	// The client owns the terminal: whatever the stack has to say meanwhile
	// goes to the notices file, and to the terminal once the client exits.
	notices, nerr := os.OpenFile(p.noticeLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if nerr == nil {
		defer notices.Close()
	}
	var later []string
	say := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		later = append(later, msg)
		if nerr == nil {
			fmt.Fprintf(notices, "%s kratos-tui-dev: %s\n", time.Now().UTC().Format(time.RFC3339), msg)
		}
	}
	var kill <-chan time.Time
	tick := time.NewTicker(kratosWatch)
	defer tick.Stop()
	backendDone := st.backend.done
	kratosDied := false
	for {
		select {
		case <-c.done:
			code := exitCode(cmd.ProcessState)
			for _, msg := range later {
				fmt.Fprintf(sio.err, "kratos-tui-dev: %s\n", msg)
			}
			if kratosDied && code == 0 {
				code = 1
			}
			return code, nil
		case <-tick.C:
			if !kratosDied && !st.kratos.Running() {
				kratosDied = true
				say("Kratos exited while the client ran; it did not answer after that (log: %s)", st.kratosLog.Name())
			}
		case <-backendDone:
			backendDone = nil
			say("the backend exited while the client ran: %v (log: %s)", st.backend.err, st.backendLog.Name())
		case s := <-sigc:
			if s == os.Interrupt {
				continue
			}
			_ = cmd.Process.Signal(sigTerm)
			if kill == nil {
				kill = time.After(clientQuitGrace)
			}
		case <-kill:
			_ = cmd.Process.Kill()
			kill = nil
		}
	}
}

// kratosWatch is how often Kratos is checked while the client runs.
const kratosWatch = 500 * time.Millisecond

// clientArgs puts --token-store=file, --token-dir=tokenDir and
// --env-file=envFile before the user's arguments, each unless the user gave
// it, so that development tokens stay under the run directory instead of
// the OS keyring and the client knows the stack (its mail sink).
func clientArgs(user []string, tokenDir, envFile string) []string {
	var pre []string
	if !hasFlag(user, "env-file") {
		pre = append(pre, "--env-file="+envFile)
	}
	if !hasFlag(user, "token-store") {
		pre = append(pre, "--token-store=file")
	}
	if !hasFlag(user, "token-dir") {
		pre = append(pre, "--token-dir="+tokenDir)
	}
	return append(pre, user...)
}

// hasFlag reports whether args, before any `--`, hold --name or
// --name=value.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--"+name || strings.HasPrefix(a, "--"+name+"=") {
			return true
		}
	}
	return false
}

// exitCode is the process's exit code, or 128+N when signal N ended it.
func exitCode(ps *os.ProcessState) int {
	if ps == nil {
		return exitSetup
	}
	if code := ps.ExitCode(); code >= 0 {
		return code
	}
	if sig, ok := signalOf(ps); ok {
		return exitCodeForSignal(sig)
	}
	return exitSetup
}

// waitNoClient waits for a termination signal, or for the backend or Kratos
// to die, which is reported.
func waitNoClient(sigc <-chan os.Signal, st *stack, stderr io.Writer) (int, error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case s := <-sigc:
			fmt.Fprintf(stderr, "kratos-tui-dev: %v\n", s)
			return 0, nil
		case <-st.backend.done:
			return 1, fmt.Errorf("the backend exited: %v (log: %s)", st.backend.err, st.backendLog.Name())
		case <-tick.C:
			if !st.kratos.Running() {
				return 1, fmt.Errorf("kratos exited (log: %s)", st.kratosLog.Name())
			}
		}
	}
}
