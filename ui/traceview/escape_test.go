package traceview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
)

// Every pane shows a crafted log's values as written: style tags in the
// header and the record pane (text views that do not interpret them) and
// in the timeline (tview.Escape'd cells), control and bidi characters as
// \u escapes everywhere.
func TestViewerShowsLogValuesAsWritten(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flows", "sign_out.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(orig), `"app_version":"corpus"`, `"app_version":"v[red]1[-]\u001b]0;T\u0007"`, 1)
	s = strings.Replace(s, `"reason":"no_session"`, `"reason":"[::b]B[::-]\u202eX\u001b[2J"`, 1)
	path := filepath.Join(t.TempDir(), "crafted.jsonl")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := startViewerAt(t, v, 200, 40)
	got := sc.await(t, "the header and the timeline", func(txt string) bool {
		return strings.Contains(txt, `log v2.1 by v[red]1[-]\u001b]0;T\u0007`) && strings.Contains(txt, `[::b]B[::-]\u202eX\u001b[2J`)
	})
	if strings.ContainsAny(got, "\x1b\x07\u202e") {
		t.Errorf("raw control characters on the screen:\n%s", got)
	}
	sc.keys('g', "7", tcell.KeyEnter)
	sc.await(t, "the record pane", func(txt string) bool {
		return strings.Contains(txt, "seq 7  state SignedOut") && strings.Count(txt, `[::b]B[::-]\u202eX\u001b[2J`) >= 2
	})
	quit(t, sc)
}
