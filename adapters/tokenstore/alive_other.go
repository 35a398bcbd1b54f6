//go:build !unix

package tokenstore

// processAlive cannot tell here: the age rule applies.
func processAlive(int) bool { return true }
