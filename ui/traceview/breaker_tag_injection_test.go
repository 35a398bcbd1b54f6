package traceview

// BREAKER finding (low): the viewer's timeline puts Summary(r) and r.Type
// in tview table cells unescaped, and tview parses style tags in table
// cells: a crafted log's string "[red]…", "[::b]…" or "[:::https://…]"
// (an OSC 8 hyperlink on terminals that support them) is interpreted,
// not shown: the viewer hides or restyles what the log holds. The detail
// pane (SetDynamicColors(false)) shows the same text literally.
//
// Found by a breaker pass: it failed before the fix and guards it.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBreakerTimelineInterpretsStyleTags(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flows", "sign_out.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(orig), `"reason":"no_session"`, `"reason":"no_session[yellow]TAGGED[-]"`, 1)
	if s == string(orig) {
		t.Skip("no SignedOut no_session record")
	}
	path := filepath.Join(t.TempDir(), "crafted.jsonl")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := startViewer(t, v)
	got := sc.await(t, "the timeline", func(txt string) bool { return strings.Contains(txt, "TAGGED") })
	if !strings.Contains(got, "[yellow]TAGGED[-]") {
		t.Errorf("the timeline interpreted the log's style tag instead of showing it; screen:\n%s", got)
	}
}
