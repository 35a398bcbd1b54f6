//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// terminationSignals are the signals kratos-tui-dev handles.
var terminationSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// sigTerm asks a process to exit.
var sigTerm os.Signal = syscall.SIGTERM

// setStackProcAttrs puts a stack process (the backend) in its own process
// group, so that a Ctrl-C at the terminal does not reach it and the whole
// group can be signalled, and on Linux has the kernel kill it if
// kratos-tui-dev dies.
func setStackProcAttrs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr, syscall.SIGKILL)
}

// setClientProcAttrs keeps the client in the terminal's foreground process
// group (it owns the terminal) and, on Linux, sends it SIGTERM if
// kratos-tui-dev dies.
func setClientProcAttrs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	setParentDeathSignal(cmd.SysProcAttr, syscall.SIGTERM)
}

// signalGroup sends sig to the command's process group.
func signalGroup(cmd *exec.Cmd, sig os.Signal) error {
	if cmd.Process == nil {
		return nil
	}
	s, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("signal %v not supported", sig)
	}
	err := syscall.Kill(-cmd.Process.Pid, s)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// killGroup sends SIGKILL to the command's process group.
func killGroup(cmd *exec.Cmd) error { return signalGroup(cmd, syscall.SIGKILL) }

// signalOf returns the signal that ended the process, if one did.
func signalOf(ps *os.ProcessState) (os.Signal, bool) {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return nil, false
	}
	return ws.Signal(), true
}

// exitCodeForSignal is the shell's exit code for a process ended by sig:
// 128+N.
func exitCodeForSignal(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitSetup
}

// lockRunDir takes an exclusive lock on path (a file in the run
// directory), so that two stacks never share one Kratos database. The lock
// is released by the returned function or when the process exits.
func lockRunDir(path, mode string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the run directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			busy := &runDirBusyError{lock: path}
			if b, rerr := os.ReadFile(path); rerr == nil {
				pid, m, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
				busy.pid, _ = strconv.Atoi(strings.TrimSpace(pid))
				busy.mode = strings.TrimSpace(m)
			}
			return nil, busy
		}
		return nil, fmt.Errorf("lock the run directory: %w", err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"+mode+"\n"), 0)
	}
	return func() { _ = f.Close() }, nil
}

// setDetachedProcAttrs starts the background stack (--up) in a session of
// its own, without a controlling terminal: closing the terminal or a
// Ctrl-C there does not reach it.
func setDetachedProcAttrs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}

// signalPID sends sig to the process pid.
func signalPID(pid int, sig os.Signal) error {
	s, ok := sig.(syscall.Signal)
	if !ok {
		return fmt.Errorf("signal %v not supported", sig)
	}
	return syscall.Kill(pid, s)
}

// processAlive reports whether pid is a live process (a zombie, exited
// but not yet reaped, is not).
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// pid (comm) state ...: the state follows the last ')'.
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'Z' {
			return false
		}
	}
	return true
}
