//go:build !unix

package kratostest

import (
	"errors"
	"os/exec"
)

// supported reports whether this platform can run Kratos here.
const supported = false

func setProcAttrs(*exec.Cmd) {}

func terminateGroup(*exec.Cmd) error { return errors.ErrUnsupported }

func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}

// processAlive cannot tell here, so it keeps every directory.
func processAlive(int) bool { return true }
