// Package devenv is the contract between the development stack
// (kratos-tui-dev, behind make run and make up) and the client: the env
// file the stack writes under its run directory while it is up, and how
// the client finds it from a working directory inside the repository.
package devenv

import (
	"os"
	"path/filepath"
)

// FileName is the env file's name in the run directory (<repo>/.run).
const FileName = "kratos-tui.env"

// Keys of the env file, besides KRATOS_API, KRATOS_ADMIN_API and BACKEND.
const (
	// KeyTokenStore and KeyTokenDir are the token store the stack's
	// client uses (file, under the run directory), so that development
	// tokens never reach the OS keyring.
	KeyTokenStore = "KRATOS_TUI_TOKEN_STORE"
	KeyTokenDir   = "KRATOS_TUI_TOKEN_DIR"
	// KeyMailDir is the mail sink's directory: the dev-only "fill the
	// code from the mail sink" key exists only when it is set and the
	// client talks to the stack's Kratos.
	KeyMailDir = "KRATOS_TUI_MAIL_DIR"
	// KeyPID is the pid of the kratos-tui-dev that wrote the file.
	KeyPID = "KRATOS_TUI_DEV_PID"
)

// Find returns the stack's env file for a client started in dir: the
// nearest <d>/.run/kratos-tui.env at or above dir where <d> holds a
// go.mod (the repository), or "" when there is none.
func Find(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(d, ".run", FileName)
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}
