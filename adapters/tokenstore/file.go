package tokenstore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Permissions of the token directory and file. Like ssh, Load refuses
// anything that group or other users could access.
const (
	dirPerm  fs.FileMode = 0o700
	filePerm fs.FileMode = 0o600
)

// maxTokenFileSize bounds how much of a token file Load reads; Kratos
// session tokens are a few dozen bytes.
const maxTokenFileSize = 64 << 10

// File keeps the token in a file of its own inside a private directory.
// Writes are atomic: a reader sees the old token or the new one, never a
// mix. It is safe for concurrent use within one process.
type File struct {
	mu   sync.Mutex
	dir  string
	path string
}

var _ adapters.TokenStore = (*File)(nil)

// NewFile returns a store for the token of key (the Kratos URL) in dir.
// The file name is derived from a hash of key, so tokens of different
// servers do not mix and any key makes a safe file name. The key is used
// verbatim: "https://a/" and "https://a" are different keys. Nothing is
// touched on disk until the first call.
func NewFile(dir, key string) *File {
	return &File{dir: dir, path: filepath.Join(dir, FileName(key))}
}

// FileName returns the name of the token file that NewFile uses for key:
// 32 hex digits of the key's SHA-256 followed by ".token".
func FileName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + ".token"
}

// Path returns the path of the token file.
func (f *File) Path() string {
	return f.path
}

// Load returns the stored token, or "" and no error when the file or its
// directory does not exist. It returns a *PermissionError when the file is
// accessible to group or other users, or the directory is.
func (f *File) Load() (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkDir(); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", err
	}
	// The launch loads the token first: leftovers of a killed save go now.
	removeStaleTemps(f.dir)
	fh, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("token file %s is not a regular file (mode %s); remove it and sign in again", f.path, st.Mode())
	}
	if tooOpen(st.Mode()) {
		return "", &PermissionError{Path: f.path, Mode: st.Mode().Perm()}
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxTokenFileSize+1))
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	if len(data) > maxTokenFileSize {
		return "", fmt.Errorf("token file %s is larger than %d KiB, so it does not hold a session token; remove it and sign in again", f.path, maxTokenFileSize>>10)
	}
	return strings.TrimSpace(string(data)), nil
}

// Save stores the token atomically: it writes a temporary file in the same
// directory, syncs it to disk, restricts it to mode 0600 and renames it over
// the token file, then syncs the directory. The directory is created with
// mode 0700 if missing; Save refuses an existing directory that is
// accessible to group or other users.
func (f *File) Save(token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(f.dir, dirPerm); err != nil {
		return fmt.Errorf("create token directory: %w", err)
	}
	if err := f.checkDir(); err != nil {
		return err
	}
	if err := f.writeAtomic([]byte(token)); err != nil {
		return redact(fmt.Errorf("save token to %s: %w", f.path, err), token)
	}
	removeStaleTemps(f.dir)
	return nil
}

// staleTempAge is how old a temporary token file of a process that may
// still run must be before it counts as left behind (a save takes
// milliseconds).
const staleTempAge = time.Minute

// tempPattern names temporary token files: the pid of the saving process,
// then a random part. Mode 0600 (os.CreateTemp), in the 0700 directory.
func tempPattern() string { return fmt.Sprintf(".token-%d-*.tmp", os.Getpid()) }

// removeStaleTemps deletes temporary token files that a process killed in
// the middle of a save left behind: each may hold a whole token. A file of
// a process that no longer runs goes at once (so the next start finds
// none); one whose process may still run (another save under way, or a
// name without a pid) goes only once it is older than staleTempAge.
func removeStaleTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".token-*.tmp"))
	for _, m := range matches {
		info, err := os.Lstat(m)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if time.Since(info.ModTime()) > staleTempAge || savedByDeadProcess(filepath.Base(m)) {
			_ = os.Remove(m)
		}
	}
}

// savedByDeadProcess reports whether the temporary file name carries the
// pid of a process that no longer runs.
func savedByDeadProcess(name string) bool {
	var pid int
	if _, err := fmt.Sscanf(name, ".token-%d-", &pid); err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return !processAlive(pid)
}

// testHookTempWritten, when set (tests), runs once a temporary token file
// is written and synced, before it is renamed.
var testHookTempWritten func(path string)

func (f *File) writeAtomic(data []byte) (err error) {
	tmp, err := os.CreateTemp(f.dir, tempPattern())
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Chmod(filePerm); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if testHookTempWritten != nil {
		testHookTempWritten(tmp.Name())
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return err
	}
	return syncDir(f.dir)
}

// Delete removes the token file. A missing file is no error.
func (f *File) Delete() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	err := os.Remove(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete token file: %w", err)
	}
	if err := syncDir(f.dir); err != nil {
		return fmt.Errorf("delete token file %s: %w", f.path, err)
	}
	removeStaleTemps(f.dir)
	return nil
}

// checkDir makes sure the token directory is a directory that only its
// owner can access. The returned error wraps fs.ErrNotExist when the
// directory does not exist.
func (f *File) checkDir() error {
	st, err := os.Stat(f.dir)
	if err != nil {
		return fmt.Errorf("token directory: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("token directory %s is not a directory", f.dir)
	}
	if tooOpen(st.Mode()) {
		return &PermissionError{Path: f.dir, Mode: st.Mode().Perm(), Dir: true}
	}
	return nil
}

// tooOpen reports whether group or other users have any access. Windows
// has no such mode bits, so nothing is too open there.
func tooOpen(mode fs.FileMode) bool {
	return runtime.GOOS != "windows" && mode.Perm()&0o077 != 0
}

// syncDir flushes a directory entry change (a rename or a removal) to
// disk. File systems that cannot sync a directory are tolerated.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
