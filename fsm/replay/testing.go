package replay

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// File replays the flow log at path and fails t at the first divergence,
// with the report. A relative path that does not exist from the test's
// directory is looked up from the module root, so that
// replay.File(t, "testdata/flows/sign_in.jsonl") works from any package.
func File(t testing.TB, path string) {
	t.Helper()
	res, err := RunFile(context.Background(), Resolve(path), Options{})
	if err != nil {
		t.Fatalf("replay %s: %v", path, err)
	}
	if !res.Passed() {
		t.Fatalf("replay %s:\n%s", path, res.Divergence.Report())
	}
}

// Resolve returns path, or when path is relative and missing, the same
// path under the nearest enclosing directory that has a go.mod.
func Resolve(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	if _, err := os.Stat(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return path
	}
	if root, ok := ModuleRoot(); ok {
		return filepath.Join(root, path)
	}
	return path
}

// ModuleRoot returns the nearest directory at or above the working
// directory that holds a go.mod.
func ModuleRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
