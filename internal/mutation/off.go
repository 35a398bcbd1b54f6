//go:build !mutation

// Package mutation switches on deliberate breaks of the Kratos adapter and
// the state machine, one at a time, for the mutation test of offline
// replay (fsm/replay/mutation_test.go, run by `make test` with
// `-tags mutation`). In every other build On is a constant false: the
// compiler drops the broken branches and production code is unchanged.
package mutation

// On reports whether the break named name is switched on: never, in this
// build.
func On(string) bool { return false }
