package main

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRecordingThatFailsSetsTheExitStatus: `--record` to a pipe whose
// reader goes away after the header: the run says the recording is
// incomplete, how many records are missing and why, and exits with status
// 3 although the run itself went well.
func TestRecordingThatFailsSetsTheExitStatus(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	dir := t.TempDir()
	fifo := filepath.Join(dir, "record.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	header := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			header <- err.Error()
			return
		}
		line, _ := bufio.NewReader(f).ReadString('\n')
		_ = f.Close() // the next write gets EPIPE
		header <- line
	}()
	open := func(name, content string) *os.File {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(p, os.O_RDWR, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	in := open("in", `{"type":"LoginFlowRequested"}`+"\n")
	out, errOut := open("out", ""), open("err", "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := run(ctx, []string{"--env-file", os.DevNull, "--kratos-api", "http://127.0.0.1:1",
		"--ui", "json", "--token-store", "memory", "--record", fifo}, in, out, errOut)
	if h := <-header; !strings.Contains(h, "kratos_tui_flow_log") {
		t.Fatalf("the reader got %q, not a header", h)
	}
	stderr, _ := os.ReadFile(filepath.Join(dir, "err"))
	stdout, _ := os.ReadFile(filepath.Join(dir, "out"))
	if code != exitRecordingIncomplete || !strings.Contains(string(stderr), "the recording "+fifo+" is incomplete") ||
		!strings.Contains(string(stderr), "records were not written") || !strings.Contains(string(stderr), "broken pipe") {
		t.Fatalf("exit %d, stderr %q; want exit %d and the records missing", code, stderr, exitRecordingIncomplete)
	}
	if !strings.Contains(string(stdout), `"kind":"state"`) {
		t.Fatalf("the run showed nothing: %q", stdout)
	}
}

// --record over an existing file says it replaces it (and how big it was)
// on stderr; a new file, no notice.
func TestRecordSaysItReplacesAFile(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	path := filepath.Join(t.TempDir(), "run.jsonl")
	args := []string{"--kratos-api", "http://127.0.0.1:1", "--ui", "json", "--token-store", "memory", "--timeout", "1s", "--record", path}
	_, _, stderr := runCLI(t, args...)
	if strings.Contains(stderr, "replacing") {
		t.Errorf("a new recording said %q", stderr)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 {
		t.Fatalf("no recording: %v", err)
	}
	_, _, stderr = runCLI(t, args...)
	if want := "kratos-tui: --record: replacing " + path + " (" + strconv.FormatInt(fi.Size(), 10) + " bytes)\n"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "kratos_tui_flow_log") {
		t.Errorf("the replaced file is no recording: %.200s", b)
	}
}
