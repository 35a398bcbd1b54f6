package tokenstore

import (
	"fmt"
	"io/fs"
	"strings"
)

// PermissionError reports a token file or directory that group or other
// users can access. Like ssh, the store refuses to use it until its owner
// tightens the permissions; the message says how.
type PermissionError struct {
	// Path is the file or directory with the loose permissions.
	Path string
	// Mode holds the permission bits found.
	Mode fs.FileMode
	// Dir is true when Path is the token directory.
	Dir bool
}

// Error explains the problem and gives the chmod command that fixes it.
func (e *PermissionError) Error() string {
	kind, want := "token file", "600"
	if e.Dir {
		kind, want = "token directory", "700"
	}
	return fmt.Sprintf("%s %s has permissions %04o, which are too open: other users could read the session token; fix it with: chmod %s %s",
		kind, e.Path, e.Mode.Perm(), want, shellQuote(e.Path))
}

// shellQuote quotes s for a POSIX shell unless it needs no quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@,=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
