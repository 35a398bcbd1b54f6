//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package plain

import "golang.org/x/term"

// termState is a terminal's settings.
type termState = term.State

func isTerminal(fd int) bool { return term.IsTerminal(fd) }

// disableEcho: no portable way here; term.MakeRaw would also end line
// editing. Echo stays on.
func disableEcho(int) *termState { return nil }

func restoreTerm(fd int, st *termState) { _ = term.Restore(fd, st) }
