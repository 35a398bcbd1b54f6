package replay_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// TestReportFitsTheTerminal: on an 80-column terminal every row of the
// side-by-side table fits (it wrapped every row before); with no width
// the table keeps its wide columns; the first differing field is written
// below the table, longer than a column holds, either way.
func TestReportFitsTheTerminal(t *testing.T) {
	long := strings.Repeat("x", 200)
	d := &replay.Divergence{Index: 3, Seq: 4, Field: "data.to", Reason: "the state differs",
		Expected: []byte(`{"seq":4,"kind":"transition","type":"TransitionMade","data":{"from":"a","to":"` + long + `"}}`),
		Actual:   []byte(`{"seq":4,"kind":"transition","type":"TransitionMade","data":{"from":"a","to":"b"}}`)}
	for _, cols := range []int{80, 60} {
		for _, line := range strings.Split(d.ReportWidth(cols), "\n") {
			if strings.HasPrefix(line, "at ") || strings.HasPrefix(line, "  recorded: ") || strings.HasPrefix(line, "  replayed: ") || strings.HasPrefix(line, "DIVERGED") {
				continue
			}
			if n := utf8.RuneCountInString(line); n > cols {
				t.Errorf("at %d columns a row has %d: %q", cols, n, line)
			}
		}
	}
	for _, r := range []string{d.Report(), d.ReportWidth(80)} {
		if !strings.Contains(r, "recorded: \""+strings.Repeat("x", 100)) {
			t.Errorf("the differing field is not below the table:\n%s", r)
		}
	}
}
