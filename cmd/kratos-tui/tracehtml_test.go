package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTraceHTMLAndSequence runs trace --format html and mermaid-sequence
// on corpus recordings: a page with the CSP and the records, the replay's
// PASS with --replay, a cut log shown up to its last whole record with a
// warning, and clear errors for a missing log or a wrong format.
func TestTraceHTMLAndSequence(t *testing.T) {
	log := filepath.Join("..", "..", "testdata", "flows", "sign_in_wrong_password.jsonl")
	code, out, errOut := runCLI(t, "trace", "--format", "html", "--replay", log)
	if code != 0 || !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "default-src &#39;none&#39;") ||
		!strings.Contains(out, "Replay: PASS") || !strings.Contains(out, `id="rec-1"`) || errOut != "" {
		t.Fatalf("trace --format html --replay: exit %d, stderr %q, page of %d bytes", code, errOut, len(out))
	}
	code, out, _ = runCLI(t, "trace", "--format", "mermaid-sequence", log)
	if code != 0 || !strings.HasPrefix(out, "sequenceDiagram\n") || !strings.Contains(out, "Kratos-->>Client: 400 4000006") {
		t.Fatalf("trace --format mermaid-sequence: exit %d\n%s", code, out)
	}

	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.jsonl")
	if err := os.WriteFile(cut, data[:len(data)-40], 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "trace", "--format", "html", cut)
	if code != 0 || !strings.Contains(errOut, "warning") || !strings.Contains(out, "The log is cut short") {
		t.Fatalf("cut log: exit %d, stderr %q", code, errOut)
	}
	for _, args := range [][]string{
		{"trace", "--format", "html", filepath.Join(t.TempDir(), "missing.jsonl")},
		{"trace", "--format", "pdf", log},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}
