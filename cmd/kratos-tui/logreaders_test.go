package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func corpusFlow(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flows", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeLog(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A log that starts with a UTF-8 byte-order mark (saved by an editor)
// reads as the same log: replay passes, trace and diff read it.
func TestLogWithByteOrderMarkReads(t *testing.T) {
	orig := corpusFlow(t, "sign_in.jsonl")
	path := writeLog(t, "bom.jsonl", "\ufeff"+orig)
	good := filepath.Join("..", "..", "testdata", "flows", "sign_in.jsonl")
	for _, args := range [][]string{
		{"replay", path},
		{"trace", "--format", "text", path},
		{"diff", good, path},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 || strings.Contains(stderr, "invalid character") {
			t.Errorf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
	}
}

// diff names each log's path once in an error.
func TestDiffErrorNamesPathOnce(t *testing.T) {
	lines := strings.SplitAfter(corpusFlow(t, "sign_in.jsonl"), "\n")
	lines[11] = "{not json\n"
	path := writeLog(t, "x.jsonl", strings.Join(lines, ""))
	good := filepath.Join("..", "..", "testdata", "flows", "sign_in.jsonl")
	code, _, stderr := runCLI(t, "diff", good, path)
	if code != 2 || strings.Count(stderr, path) != 1 || !strings.Contains(stderr, "line 12") {
		t.Errorf("exit %d, %q: want the path once and line 12", code, stderr)
	}
}

// The replay report, the error of a corrupt log and the viewer's text
// escape what the log holds, through the same function as trace and diff.
func TestReplayReportEscapesLogValues(t *testing.T) {
	const inj = `\u001b]52;c;cHduZWQ=\u0007\u202e`
	s := strings.Replace(corpusFlow(t, "social_sign_in.jsonl"), `"reason":"no_session"`, `"reason":"no_session`+inj+`"`, 1)
	path := writeLog(t, "crafted.jsonl", s)
	code, stdout, stderr := runCLI(t, "replay", path)
	if code != 1 || !strings.Contains(stdout, "DIVERGED") {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	if strings.ContainsAny(stdout+stderr, "\x1b\x07\u202e") {
		t.Errorf("raw control characters in the replay report:\n%q", stdout)
	}
	if !strings.Contains(stdout, `\u202e`) {
		t.Errorf("the bidi override is not shown escaped:\n%s", stdout)
	}
	// A corrupt record's type in the error.
	lines := strings.SplitAfter(corpusFlow(t, "sign_in.jsonl"), "\n")
	lines[2] = strings.Replace(lines[2], `"type":"`, `"type":"X\u001b[2J\u202e`, 1)
	path = writeLog(t, "badtype.jsonl", strings.Join(lines, ""))
	for _, args := range [][]string{{"replay", path}, {"trace", "--format", "text", path}, {"diff", path, path}} {
		_, stdout, stderr := runCLI(t, args...)
		if strings.ContainsAny(stdout+stderr, "\x1b\u202e") {
			t.Errorf("%v: raw control characters: %q %q", args, stdout, stderr)
		}
	}
}
