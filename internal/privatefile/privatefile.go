// Package privatefile opens files that must be readable by their owner
// only (flow logs, the debug log), whatever mode an existing file had.
package privatefile

import (
	"fmt"
	"os"
)

// Mode is the mode of a private file.
const Mode os.FileMode = 0o600

// Create opens path for writing, creating it with mode 0600, and makes an
// existing regular file 0600 too (os.OpenFile's mode applies to a new file
// only: a file checked out by git as 0644, made with touch or left by an
// older run keeps its mode otherwise). The mode is changed on the open
// file before anything is written or truncated, so the old content is
// never left readable with new records and nothing new is written into a
// readable file; a file whose mode cannot be changed (owned by another
// user) is refused, untouched. With trunc, the file is then emptied (a
// recording); otherwise writes append (a log). A path that is not a
// regular file (a pipe, /dev/stdout) is written as it is, its mode left
// alone.
func Create(path string, trunc bool) (*os.File, error) {
	flag := os.O_CREATE | os.O_WRONLY
	if !trunc {
		flag |= os.O_APPEND
	}
	f, err := os.OpenFile(path, flag, Mode)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return f, nil
	}
	if fi.Mode().Perm() != Mode {
		if err := f.Chmod(Mode); err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%s is mode %v and cannot be made readable by its owner only (%w): remove it or choose another path", path, fi.Mode().Perm(), err)
		}
	}
	if trunc && fi.Size() > 0 {
		if err := f.Truncate(0); err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	return f, nil
}
