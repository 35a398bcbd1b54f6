package tokenstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "http://127.0.0.1:4433"

func tokenN(i int) string {
	return fmt.Sprintf("%s-%03d", canary, i)
}

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
}

func TestFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "tokens")
	f := NewFile(dir, testKey)
	if got, err := f.Load(); got != "" || err != nil {
		t.Fatalf("Load() before the directory exists = %q, %v; want \"\", nil", got, err)
	}
	if err := f.Save(tokenN(1)); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(tokenN(2)); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Load(); got != tokenN(2) || err != nil {
		t.Fatalf("Load() = %q, %v; want the last saved token", got, err)
	}
	if got, err := NewFile(dir, testKey).Load(); got != tokenN(2) || err != nil {
		t.Fatalf("Load() through a new store = %q, %v; want the saved token", got, err)
	}
	if err := f.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.Path()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("token file still there after Delete: %v", err)
	}
	if err := f.Delete(); err != nil {
		t.Fatalf("Delete() of a missing file = %v, want nil", err)
	}
	if got, err := f.Load(); got != "" || err != nil {
		t.Fatalf("Load() after Delete = %q, %v; want \"\", nil", got, err)
	}
}

func TestFileTrimsSurroundingWhitespace(t *testing.T) {
	dir := privateDir(t)
	f := NewFile(dir, testKey)
	if err := os.WriteFile(f.Path(), []byte(canary+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Load(); got != canary || err != nil {
		t.Fatalf("Load() = %q, %v; want the token without the newline", got, err)
	}
}

func TestFilePermissions(t *testing.T) {
	skipOnWindows(t)
	dir := filepath.Join(t.TempDir(), "tokens")
	f := NewFile(dir, testKey)
	if err := f.Save(canary); err != nil {
		t.Fatal(err)
	}
	assertPerm(t, dir, 0o700)
	assertPerm(t, f.Path(), 0o600)

	// A file that was looser before is tightened by the next Save.
	if err := os.Chmod(f.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(canary); err != nil {
		t.Fatal(err)
	}
	assertPerm(t, f.Path(), 0o600)
}

func TestFileRefusesLooseFile(t *testing.T) {
	skipOnWindows(t)
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o660, 0o666} {
		t.Run(fmt.Sprintf("%04o", mode), func(t *testing.T) {
			f := NewFile(privateDir(t), testKey)
			if err := f.Save(canary); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(f.Path(), mode); err != nil {
				t.Fatal(err)
			}
			got, err := f.Load()
			if got != "" {
				t.Fatalf("Load() returned a token from a file with mode %04o", mode)
			}
			var pe *PermissionError
			if !errors.As(err, &pe) || pe.Dir || pe.Path != f.Path() || pe.Mode != mode {
				t.Fatalf("Load() error = %#v, want a *PermissionError for the file with mode %04o", err, mode)
			}
			noCanary(t, err)
			for _, want := range []string{f.Path(), fmt.Sprintf("%04o", mode), "too open", "chmod 600 " + f.Path()} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestFileAcceptsStricterFile(t *testing.T) {
	skipOnWindows(t)
	f := NewFile(privateDir(t), testKey)
	if err := f.Save(canary); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f.Path(), 0o400); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Load(); got != canary || err != nil {
		t.Fatalf("Load() of a 0400 file = %q, %v; want the token", got, err)
	}
}

func TestFileRefusesLooseDirectory(t *testing.T) {
	skipOnWindows(t)
	dir := privateDir(t)
	f := NewFile(dir, testKey)
	if err := f.Save(canary); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := f.Load()
	var pe *PermissionError
	if !errors.As(err, &pe) || !pe.Dir || pe.Path != dir {
		t.Fatalf("Load() error = %v, want a *PermissionError for the directory", err)
	}
	if want := "chmod 700 " + dir; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	err = f.Save(canary)
	if !errors.As(err, &pe) || !pe.Dir {
		t.Fatalf("Save() into a loose directory = %v, want a *PermissionError", err)
	}
	noCanary(t, err)
}

func TestPermissionErrorQuotesOddPaths(t *testing.T) {
	err := &PermissionError{Path: "/home/o'neil/my tokens", Mode: 0o755, Dir: true}
	want := `fix it with: chmod 700 '/home/o'\''neil/my tokens'`
	if !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("Error() = %q, want it to end with %q", err, want)
	}
}

func TestFileSaveLeavesNoTempFiles(t *testing.T) {
	dir := privateDir(t)
	f := NewFile(dir, testKey)
	for i := range 5 {
		if err := f.Save(tokenN(i)); err != nil {
			t.Fatal(err)
		}
	}
	assertEntries(t, dir, FileName(testKey))
}

func TestFileFailedSaveLeavesNoTempFiles(t *testing.T) {
	dir := privateDir(t)
	f := NewFile(dir, testKey)
	// A directory where the token file belongs makes the rename fail.
	if err := os.Mkdir(f.Path(), 0o700); err != nil {
		t.Fatal(err)
	}
	err := f.Save(canary)
	if err == nil {
		t.Fatal("Save() over a directory succeeded")
	}
	noCanary(t, err)
	if !strings.Contains(err.Error(), f.Path()) {
		t.Errorf("error %q does not name the token file", err)
	}
	assertEntries(t, dir, FileName(testKey))

	_, err = f.Load()
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("Load() of a directory = %v, want a 'not a regular file' error", err)
	}
}

func TestFileRefusesHugeFile(t *testing.T) {
	f := NewFile(privateDir(t), testKey)
	if err := os.WriteFile(f.Path(), make([]byte, maxTokenFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := f.Load(); got != "" || err == nil {
		t.Fatalf("Load() of a huge file = %d bytes, %v; want an error", len(got), err)
	}
}

func TestFileKeysDoNotCollide(t *testing.T) {
	dir := privateDir(t)
	keys := []string{
		"http://127.0.0.1:4433",
		"http://127.0.0.1:4434",
		"https://127.0.0.1:4433",
		"http://127.0.0.1:4433/",
		"../../etc/passwd",
		"",
		"a/b\\c:d*e?f\x00g",
	}
	nameRE := regexp.MustCompile(`^[0-9a-f]{32}\.token$`)
	names := map[string]string{}
	for i, key := range keys {
		name := FileName(key)
		if !nameRE.MatchString(name) {
			t.Fatalf("FileName(%q) = %q, not a safe file name", key, name)
		}
		if other, dup := names[name]; dup {
			t.Fatalf("keys %q and %q share file %s", other, key, name)
		}
		names[name] = key
		if err := NewFile(dir, key).Save(tokenN(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, key := range keys {
		if got, err := NewFile(dir, key).Load(); got != tokenN(i) || err != nil {
			t.Fatalf("Load() for key %q = %q, %v; want %q", key, got, err, tokenN(i))
		}
	}
}

// TestFileConcurrent saves and loads from many goroutines through two
// stores on the same file (as two processes would). Every Load must see a
// whole token that some Save wrote, never a torn or empty one.
func TestFileConcurrent(t *testing.T) {
	dir := privateDir(t)
	stores := []*File{NewFile(dir, testKey), NewFile(dir, testKey)}
	if err := stores[0].Save(tokenN(0)); err != nil {
		t.Fatal(err)
	}
	valid := map[string]bool{}
	const workers = 8
	for i := range workers {
		valid[tokenN(i)] = true
	}
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			s := stores[i%len(stores)]
			for range 50 {
				if err := s.Save(tokenN(i)); err != nil {
					t.Error(err)
					return
				}
				got, err := s.Load()
				if err != nil {
					t.Error(err)
					return
				}
				if !valid[got] {
					t.Errorf("Load() = %q, not a token that was saved", got)
					return
				}
			}
		})
	}
	wg.Wait()
	assertEntries(t, dir, FileName(testKey))
}

func privateDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tokens")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func assertPerm(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Fatalf("%s has mode %04o, want %04o", path, got, want)
	}
}

func assertEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s holds %q, want exactly %q", dir, got, want)
	}
}

// TestSaveRemovesTempsOfKilledSaves checks that a temporary file left by a
// process killed mid-save (it may hold a whole token) is removed by the
// next save or delete, while a fresh one, maybe another process's save
// under way, is kept.
func TestSaveRemovesTempsOfKilledSaves(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tokens")
	f := NewFile(dir, "http://127.0.0.1:4433")
	if err := f.Save("first"); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".token-111.tmp")
	fresh := filepath.Join(dir, ".token-222.tmp")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("ory_st_left_behind"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTempAge)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := f.Save("second"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale temp file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("fresh temp file removed: %v", err)
	}
	if err := os.Chtimes(fresh, old, old); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fresh); !os.IsNotExist(err) {
		t.Fatalf("stale temp file kept by Delete: %v", err)
	}
}
