package kratostest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestStaleTempDirsAreSwept(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no process probing on windows")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	// A pid that has just exited.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	dead := filepath.Join(tmp, fmt.Sprintf("%s%d-1", tempDirPrefix, cmd.Process.Pid))
	live := filepath.Join(tmp, fmt.Sprintf("%s%d-1", tempDirPrefix, os.Getppid()))
	other := filepath.Join(tmp, tempDirPrefix+"12345") // not our naming
	for _, d := range []string{dead, live, other} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}

	dir, err := makeTempDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(dir), fmt.Sprintf("%s%d-", tempDirPrefix, os.Getpid())) {
		t.Fatalf("data dir %s not named after this process", dir)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("dead process's dir kept: %v", err)
	}
	for _, d := range []string{live, other, dir} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s removed: %v", d, err)
		}
	}
}
