package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
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

// Recording over an existing file, and logging to an existing --log-file,
// leave both readable by their owner only, whatever their mode was.
func TestRecordingAndLogFileOverExistingFilesAre0600(t *testing.T) {
	dir := t.TempDir()
	rec, logf := filepath.Join(dir, "run.jsonl"), filepath.Join(dir, "debug.log")
	for _, p := range []string{rec, logf} {
		if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "--ui", "json", "--kratos-api", "http://127.0.0.1:1", "--token-store", "file",
		"--token-dir", tokens, "--log-file", logf, "--log-level", "debug", "--record", rec, "status")
	if code == 2 {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	for _, p := range []string{rec, logf} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v after the run, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if _, recs, err := readCorpusLog(rec); err != nil || recs == 0 {
		t.Errorf("the recording: %d records, %v", recs, err)
	}
}

func readCorpusLog(path string) (string, int, error) {
	h, recs, err := flowlog.ReadAll(path)
	return h.AppVersion, len(recs), err
}

// A log cut at a record boundary where the machine was idle (social
// sign-in after seq 23, before the callback) still passes — a SIGKILLed
// run is a legitimate log — but replay and trace say it ends without its
// end mark; the whole log says nothing of the kind.
func TestCutLogWarnsOfMissingEndMark(t *testing.T) {
	orig := corpusFlow(t, "social_sign_in.jsonl")
	lines := strings.SplitAfter(orig, "\n")
	cut := writeLog(t, "cut.jsonl", strings.Join(lines[:24], "")) // header and seqs 1-23
	whole := filepath.Join("..", "..", "testdata", "flows", "social_sign_in.jsonl")
	for _, args := range [][]string{
		{"replay", cut},
		{"trace", "--format", "text", cut},
		{"trace", "--format", "mermaid", cut},
		{"trace", "--format", "mermaid-sequence", cut},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 || !strings.Contains(stderr, "warning: "+cut+": the log ends without its end mark: the run was killed") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
		if args[0] == "replay" && !strings.HasPrefix(stdout, "PASS ") {
			t.Errorf("%v: %q", args, stdout)
		}
		args[len(args)-1] = whole
		if code, _, stderr := runCLI(t, args...); code != 0 || stderr != "" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
