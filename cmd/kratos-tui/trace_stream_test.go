package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// trace --format text streams the log: the same timeline lines as
// traceview.WriteText, the record count on the last line; a log cut
// short prints its whole records and warns.
func TestTraceTextStreams(t *testing.T) {
	path := replay.Resolve("testdata/flows/sign_out.jsonl")
	code, out, errOut := runCLI(t, "trace", "--format", "text", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	h, recs, err := flowlog.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := traceview.WriteText(&want, h, recs); err != nil {
		t.Fatal(err)
	}
	wl := strings.Split(strings.TrimSpace(want.String()), "\n")
	gl := strings.Split(strings.TrimSpace(out), "\n")
	if len(gl) != len(wl)+1 || strings.Join(gl[1:len(gl)-1], "\n") != strings.Join(wl[1:], "\n") {
		t.Fatalf("streamed timeline differs:\n%s\nwant:\n%s", out, want.String())
	}
	if gl[len(gl)-1] != "32 records" {
		t.Fatalf("last line %q", gl[len(gl)-1])
	}
	data, _ := os.ReadFile(path)
	cut := filepath.Join(t.TempDir(), "cut.jsonl")
	if err := os.WriteFile(cut, data[:len(data)-40], 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "trace", "--format", "text", cut)
	if code != 0 || !strings.Contains(errOut, "warning") || !strings.Contains(out, "   31 ") {
		t.Fatalf("cut log: exit %d, stderr %q, stdout %q", code, errOut, out)
	}
}
