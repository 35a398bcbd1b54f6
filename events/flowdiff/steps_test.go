package flowdiff

import (
	"path/filepath"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// TestStepsOfSequentialRunsAreTheIntentsRuns: in a run whose intents were
// taken one at a time (every corpus recording), a step is exactly the
// intent and the records up to the next intent, as in the log.
func TestStepsOfSequentialRunsAreTheIntentsRuns(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "flows", "*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, path := range paths {
		_, recs, err := flowlog.ReadAll(path)
		if err != nil {
			t.Fatal(err)
		}
		var want []step
		for _, r := range recs {
			if r.Kind == events.KindIntent || len(want) == 0 {
				want = append(want, step{r})
				continue
			}
			want[len(want)-1] = append(want[len(want)-1], r)
		}
		got := steps(recs)
		if len(got) != len(want) {
			t.Fatalf("%s: %d steps, want %d", filepath.Base(path), len(got), len(want))
		}
		for i := range want {
			if len(got[i]) != len(want[i]) || got[i][0].Seq != want[i][0].Seq {
				t.Fatalf("%s: step %d starts at seq %d with %d records, want seq %d with %d",
					filepath.Base(path), i+1, got[i][0].Seq, len(got[i]), want[i][0].Seq, len(want[i]))
			}
		}
	}
}
