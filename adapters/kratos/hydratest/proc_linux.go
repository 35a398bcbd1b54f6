//go:build linux

package hydratest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes Hydra end when the test binary does (a test that
// times out never runs its cleanup).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
