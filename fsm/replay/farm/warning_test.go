package farm_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/fsm/replay/farm"
)

// A farm result tells a log that was not closed normally, as the CLI's
// replay warns: a PASS that holds only for the records the log has.
func TestOfflineResultWarnsOfAMissingEndMark(t *testing.T) {
	whole, err := os.ReadFile("../../../testdata/flows/sign_in.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if r := farm.Offline(context.Background(), "whole", whole); r.Status != farm.Pass || r.Warning != "" {
		t.Fatalf("whole log: %+v", r)
	}
	lines := bytes.SplitAfter(whole, []byte("\n"))
	noEnd := bytes.Join(lines[:len(lines)-2], nil) // records only
	if r := farm.Offline(context.Background(), "no-end", noEnd); r.Status != farm.Pass || !strings.Contains(r.Warning, "end mark") {
		t.Fatalf("log without its end mark: %+v", r)
	}
}
