package main

// BREAKER finding (low): a flow log that is only its header (a run that
// crashed right after starting to record, a file emptied by a bad merge or
// a failed re-record) replays as "PASS …: 0 records replayed", exit 0:
// a regression test on it tests nothing and stays green. A log cut at any
// record boundary where the machine was idle (e.g. after seq 23 of
// social_sign_in.jsonl, before the callback) passes the same way. Say
// there is nothing to replay (exit 2), or at least not PASS.
//
// Found by a breaker pass: it failed before the fix and guards it.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBreakerHeaderOnlyLogPasses(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flows", "sign_in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(string(orig), "\n")
	path := filepath.Join(t.TempDir(), "header_only.jsonl")
	if err := os.WriteFile(path, []byte(header+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "replay", path)
	if code == 0 || strings.Contains(stdout, "PASS") {
		t.Errorf("replay of a log with no record: exit %d, %q %q", code, strings.TrimSpace(stdout), strings.TrimSpace(stderr))
	}
}
