//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package plain

import (
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// termState is a terminal's settings.
type termState = unix.Termios

func isTerminal(fd int) bool { return term.IsTerminal(fd) }

// disableEcho turns echo off on the terminal fd (a read already waiting
// on it is affected too, unlike term.ReadPassword's own read) and returns
// the settings to restore, or nil.
func disableEcho(fd int) *termState {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return nil
	}
	return old
}

// restoreTerm puts the terminal's settings back.
func restoreTerm(fd int, st *termState) {
	_ = unix.IoctlSetTermios(fd, ioctlSetTermios, st)
}
