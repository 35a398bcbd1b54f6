//go:build unix

package tokenstore

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this pid may still run.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
