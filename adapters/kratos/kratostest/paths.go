package kratostest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// ErrBinaryNotFound is wrapped by the errors of BinaryPath, Start and New
// when no Kratos binary is available.
var ErrBinaryNotFound = errors.New("kratos binary not found")

// BinaryPath returns the path of the Kratos binary: $KRATOS_BIN when set,
// else <repo root>/.bin/kratos, where the repo root is the nearest directory
// at or above the working directory that holds a go.mod. The error wraps
// ErrBinaryNotFound and tells how to build the binary.
func BinaryPath() (string, error) {
	if p := os.Getenv("KRATOS_BIN"); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("%w: $KRATOS_BIN=%s: %v (run `make kratos` or fix KRATOS_BIN)", ErrBinaryNotFound, p, err)
		}
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("%w: %v (run `make kratos` or set KRATOS_BIN)", ErrBinaryNotFound, err)
	}
	p := filepath.Join(root, ".bin", "kratos")
	if err := checkExecutable(p); err != nil {
		return "", fmt.Errorf("%w at %s: %v (run `make kratos` or set KRATOS_BIN)", ErrBinaryNotFound, p, err)
	}
	return p, nil
}

func checkExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return errors.New("is a directory")
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0 {
		return errors.New("not executable")
	}
	return nil
}

// RepoRoot returns the nearest directory at or above the working directory
// that holds a go.mod file.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find repo root: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find repo root: no go.mod at or above %s", wd)
		}
		dir = parent
	}
}

// testdataDir returns <repo root>/testdata/kratos, falling back to the
// directory next to this source file when the working directory is outside
// the repository (for example a dev command run from elsewhere).
func testdataDir() (string, error) {
	const rel = "testdata/kratos"
	if root, err := RepoRoot(); err == nil {
		d := filepath.Join(root, rel)
		if _, err := os.Stat(filepath.Join(d, templateFile)); err == nil {
			return d, nil
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		d := filepath.Join(filepath.Dir(file), "..", "..", "..", rel)
		if _, err := os.Stat(filepath.Join(d, templateFile)); err == nil {
			return filepath.Abs(d)
		}
	}
	return "", fmt.Errorf("find %s/%s: not found above the working directory", rel, templateFile)
}
