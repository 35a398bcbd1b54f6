//go:build linux

package main

import "syscall"

// setParentDeathSignal has the kernel send sig to the child when this
// process dies. (It fires when the OS thread that started the child exits;
// the Go runtime only ends threads of goroutines that exit while locked to
// them, which this command never does.)
func setParentDeathSignal(a *syscall.SysProcAttr, sig syscall.Signal) { a.Pdeathsig = sig }
