package traceview

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
)

// TestViewerAt60Columns: at 60x16 the key line and the header take the
// rows they need: every key of the short key line is on the screen (it
// was cut at "g seq"), and a long status in the header is whole (it was
// cut at "the log e").
func TestViewerAt60Columns(t *testing.T) {
	h, recs := corpus(t, "sign_up_short_password")
	v := New(h, recs)
	s := startViewerAt(t, v, 60, 16)
	last := recs[len(recs)-1].Seq
	s.keys('g', "999", tcell.KeyEnter)
	want := "seq 999: no such record; the log ends at seq " + strconvU(last)
	s.settle(t, v, "every key and the whole status", func(txt string) bool {
		flat := strings.Join(strings.Fields(txt), " ")
		for _, key := range strings.Split(HelpBarShort, "  ") {
			if !strings.Contains(flat, key) {
				return false
			}
		}
		return strings.Contains(flat, want)
	}, last)
	quit(t, s)
}
