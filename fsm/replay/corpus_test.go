package replay_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

var updateFlows = flag.Bool("update-flows", false, "re-record the corpus in testdata/flows against a real Kratos")

// corpusDir is the corpus, from the module root.
const corpusDir = "testdata/flows"

// TestUpdateFlows re-records the corpus with the client itself against a
// real Kratos: go test ./fsm/replay -run TestUpdateFlows -update-flows.
func TestUpdateFlows(t *testing.T) {
	if !*updateFlows {
		t.Skip("pass -update-flows to re-record the corpus")
	}
	dir := replay.Resolve(corpusDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range corpus {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join(dir, f.name+".jsonl")
			recordFlow(t, f, uniqueEmail(f.name), "corpus-Password-0042", path)
			replay.File(t, path)
		})
	}
}

// TestCorpusReplays replays every recorded flow offline.
func TestCorpusReplays(t *testing.T) {
	for _, f := range corpus {
		t.Run(f.name, func(t *testing.T) {
			replay.File(t, filepath.Join(corpusDir, f.name+".jsonl"))
		})
	}
}

func TestSignInReplays(t *testing.T) {
	replay.File(t, "testdata/flows/sign_in.jsonl")
}
