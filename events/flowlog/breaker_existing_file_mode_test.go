package flowlog_test

// BREAKER finding (low): flowlog.Create opens with O_CREATE|O_TRUNC and
// mode 0600, but the mode only applies to a new file. Recording over an
// existing file (re-recording a corpus flow checked out by git as 0644,
// a file made with touch, a shared directory) keeps its old mode: the
// recording (e-mail addresses, identity ids, whatever it holds) stays
// readable by everyone, although docs/flowlog.md says "The file is created
// readable by its owner only (0600)". Likewise the --log-file / default
// log file (O_APPEND, 0600).
//
// Found by a breaker pass: it failed before the fix and guards it.

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

func TestBreakerRecordingOverExistingFileKeepsItsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := flowlog.Create(path, flowlog.NewHeader("test", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("the recording is %v: readable by others", fi.Mode().Perm())
	}
}
