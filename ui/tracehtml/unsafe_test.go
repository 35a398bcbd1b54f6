package tracehtml_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui/tracehtml"
)

// TestReportShowsDisguisingCharactersAsEscapes writes the report of a log
// whose values carry a bidi override, a zero-width space and an escape
// character: the page shows each as a visible escape, never the character
// itself, so a log from others cannot reorder or hide what it shows.
func TestReportShowsDisguisingCharactersAsEscapes(t *testing.T) {
	data, err := os.ReadFile(replay.Resolve("testdata/flows/sign_in_wrong_password.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	// The Kratos message's text, as a server (or an edited log) could send it.
	const msg = "The provided credentials are invalid"
	if !bytes.Contains(data, []byte(msg)) {
		t.Fatalf("the recording has no %q", msg)
	}
	evil := `The provided \u202ecredentials\u200b are \u001b[2Jinvalid`
	path := filepath.Join(t.TempDir(), "evil.jsonl")
	if err := os.WriteFile(path, bytes.ReplaceAll(data, []byte(msg), []byte(evil)), 0o600); err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := tracehtml.WriteFile(&page, path, tracehtml.Options{}); err != nil {
		t.Fatal(err)
	}
	out := page.String()
	for _, r := range []string{"\u202e", "\u200b", "\x1b"} {
		if strings.Contains(out, r) {
			t.Errorf("the page holds %q itself", r)
		}
	}
	for _, e := range []string{`\u202e`, `\u200b`, `\u001b`} {
		if !strings.Contains(out, e) {
			t.Errorf("the page does not show %s", e)
		}
	}
}

// TestReportWarnsWithoutEndMark: a log that was not closed normally is
// shown whole, with the warning in the page, and WriteFile says so.
func TestReportWarnsWithoutEndMark(t *testing.T) {
	data, err := os.ReadFile(replay.Resolve("testdata/flows/sign_in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(bytes.TrimRight(data, "\n"), []byte("\n"))
	if !flowlog.IsEnd(lines[len(lines)-1]) {
		t.Fatal("the recording has no end mark")
	}
	path := filepath.Join(t.TempDir(), "killed.jsonl")
	if err := os.WriteFile(path, bytes.Join(lines[:len(lines)-1], nil), 0o600); err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	err = tracehtml.WriteFile(&page, path, tracehtml.Options{})
	if !errors.Is(err, flowlog.ErrNoEndMark) {
		t.Fatalf("WriteFile: %v, want ErrNoEndMark", err)
	}
	if !strings.Contains(page.String(), "ends without its end mark") {
		t.Fatal("the page does not warn about the missing end mark")
	}
	// The whole log keeps its page as before, without the warning.
	page.Reset()
	if err := tracehtml.WriteFile(&page, replay.Resolve("testdata/flows/sign_in.jsonl"), tracehtml.Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), "end mark") {
		t.Fatal("a whole log's page warns about its end mark")
	}
}
