//go:build unix && !linux

package kratostest

import "syscall"

func setParentDeathSignal(*syscall.SysProcAttr) {}
