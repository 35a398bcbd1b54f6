package privatefile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	for _, trunc := range []bool{true, false} {
		for _, old := range []os.FileMode{0, 0o644, 0o666, 0o604, 0o700} {
			path := filepath.Join(dir, "f")
			_ = os.Remove(path)
			if old != 0 {
				if err := os.WriteFile(path, []byte("old\n"), old); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, old); err != nil { // past the umask
					t.Fatal(err)
				}
			}
			f, err := Create(path, trunc)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("new\n"); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(path)
			want := "new\n"
			if !trunc && old != 0 {
				want = "old\nnew\n"
			}
			if fi.Mode().Perm() != 0o600 || string(b) != want {
				t.Errorf("trunc %v, old mode %v: now %v holding %q, want 0600 holding %q", trunc, old, fi.Mode().Perm(), b, want)
			}
		}
	}
}

// A pipe is written as it is; its mode is not changed.
func TestCreateLeavesNonRegularFiles(t *testing.T) {
	f, err := Create(os.DevNull, true)
	if err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	fi, err := os.Stat(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o666 {
		t.Errorf("%s is now %v", os.DevNull, fi.Mode().Perm())
	}
}
