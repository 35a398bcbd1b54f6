package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A large log read on a terminal draws a progress bar; in a pipe, or a
// small log, nothing is drawn and the bytes are the same.
func TestProgressReaderOnlyOnATerminal(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 5<<20)
	for _, c := range []struct {
		terminal bool
		size     int64
		drawn    bool
	}{
		{true, int64(len(data)), true},
		{false, int64(len(data)), false},
		{true, 1 << 10, false},
	} {
		var bar bytes.Buffer
		r, finish := progressReader(bytes.NewReader(data), c.size, "reading big.jsonl", &bar, c.terminal)
		got, err := io.ReadAll(r)
		finish()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("terminal %t: read %d bytes, %v", c.terminal, len(got), err)
		}
		if drawn := strings.Contains(bar.String(), "reading big.jsonl"); drawn != c.drawn {
			t.Errorf("terminal %t, size %d: bar drawn %t, want %t: %q", c.terminal, c.size, drawn, c.drawn, bar.String())
		}
	}
}

// replay and trace of a log larger than the threshold, into files (not a
// terminal), write nothing to stderr but their usual output.
func TestReplayAndTraceInAPipeShowNoProgress(t *testing.T) {
	old := progressMinBytes
	progressMinBytes = 0
	defer func() { progressMinBytes = old }()
	log, err := filepath.Abs(filepath.Join("..", "..", "testdata", "flows", "sign_in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(log); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "replay", log)
	if code != 0 || !strings.HasPrefix(out, "PASS") || errOut != "" {
		t.Errorf("replay: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "trace", "--format", "text", log)
	if code != 0 || out == "" || errOut != "" {
		t.Errorf("trace: exit %d, stdout %d bytes, stderr %q", code, len(out), errOut)
	}
}
