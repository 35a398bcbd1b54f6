//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// terminationSignals are the signals kratos-tui-dev handles.
var terminationSignals = []os.Signal{os.Interrupt}

// sigTerm asks a process to exit; without Unix signals it kills it.
var sigTerm os.Signal = os.Kill

func setStackProcAttrs(*exec.Cmd) {}

func setClientProcAttrs(*exec.Cmd) {}

func signalGroup(cmd *exec.Cmd, _ os.Signal) error { return killGroup(cmd) }

func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}

func signalOf(*os.ProcessState) (os.Signal, bool) { return nil, false }

func exitCodeForSignal(os.Signal) int { return exitSetup }

func lockRunDir(string, string) (func(), error) { return func() {}, nil }

func setDetachedProcAttrs(*exec.Cmd) {}

func signalPID(pid int, _ os.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
