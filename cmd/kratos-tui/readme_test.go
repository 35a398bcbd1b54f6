package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readme returns the repository's README.md.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readmeProse returns the README's paragraphs outside fenced blocks.
func readmeProse(t *testing.T) []string {
	t.Helper()
	var paras []string
	var cur strings.Builder
	fenced := false
	for _, line := range strings.Split(readme(t), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		if strings.TrimSpace(line) == "" {
			if cur.Len() > 0 {
				paras = append(paras, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteString(line + "\n")
	}
	return append(paras, cur.String())
}

// Every code span in the README's prose is closed in its paragraph (a
// stray backtick turns the rest of the paragraph into code).
func TestREADMEBackticksPair(t *testing.T) {
	for _, p := range readmeProse(t) {
		if n := strings.Count(p, "`"); n%2 != 0 {
			t.Errorf("a paragraph has %d backticks (one unclosed):\n%s", n, p)
		}
	}
}

// The README's trace synopsis lists every --format trace takes.
func TestREADMETraceFormats(t *testing.T) {
	m := regexp.MustCompile(`kratos-tui trace run\.jsonl \[--format ([a-z|-]+)\]`).FindStringSubmatch(readme(t))
	if m == nil {
		t.Fatal("the README has no `kratos-tui trace run.jsonl [--format …]` line")
	}
	if got, want := m[1], strings.Join(traceFormats, "|"); got != want {
		t.Errorf("the README lists --format %s, trace takes %s", got, want)
	}
}

// A count of the corpus in the README is the number of flow logs in
// testdata/flows.
func TestREADMECorpusCount(t *testing.T) {
	flows, err := filepath.Glob(filepath.Join("..", "..", "testdata", "flows", "*.jsonl"))
	if err != nil || len(flows) == 0 {
		t.Fatalf("no flows in testdata/flows (%v)", err)
	}
	for _, m := range regexp.MustCompile("`testdata/flows/[^`]*`[,:]? (\\d+) (?:flows|recordings)").FindAllStringSubmatch(readme(t), -1) {
		if n, _ := strconv.Atoi(m[1]); n != len(flows) {
			t.Errorf("the README says %q; testdata/flows holds %d", m[0], len(flows))
		}
	}
}

// The README's account of replay --live names the environment variable of
// the TOTP secret for an identity enrolled before the recording.
func TestREADMENamesTheTOTPSecretVariable(t *testing.T) {
	for _, p := range readmeProse(t) {
		if strings.Contains(p, "`--live` re-runs") {
			if !strings.Contains(p, "`"+totpSecretEnv+"`") {
				t.Errorf("the README's --live paragraph does not name %s:\n%s", totpSecretEnv, p)
			}
			return
		}
	}
	t.Fatal("the README has no paragraph on `--live`")
}
