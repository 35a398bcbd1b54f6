//go:build mutation

// Package mutation switches on deliberate breaks of the Kratos adapter and
// the state machine, one at a time, for the mutation test of offline
// replay. This file is built only with `-tags mutation`.
package mutation

import "sync/atomic"

var active atomic.Value

// Set switches on the break named name ("" switches every break off).
func Set(name string) { active.Store(name) }

// On reports whether the break named name is switched on.
func On(name string) bool {
	v, _ := active.Load().(string)
	return v != "" && v == name
}
