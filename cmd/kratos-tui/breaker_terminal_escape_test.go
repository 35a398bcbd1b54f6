package main

// BREAKER finding: `trace --format text`, `trace --format mermaid`,
// `trace --format mermaid-sequence` and `diff` copy strings of the flow log
// (header's app_version, a transition's state, a state event's fields)
// to the terminal as they are: a crafted log (a bug report someone sends
// you) writes raw ESC / BEL / C1 control sequences to your terminal (set
// the title, clear the screen, hide or fake lines, OSC 52 clipboard writes
// on terminals that allow them) and bidi overrides (U+202E) that reorder
// what is shown.
//
// Found by a breaker pass: it failed before the fix and guards it (every command below).

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBreakerTraceOutputsCarryTerminalEscapes(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flows", "social_sign_in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	const inj = `\u001b]0;PWNED\u0007\u001b[2J\u202e`
	s := string(orig)
	s = strings.Replace(s, `"app_version":"corpus"`, `"app_version":"corpus`+inj+`"`, 1)
	s = strings.Replace(s, `"to":"checking_session"}`, `"to":"checking_session`+inj+`"}`, 1)
	s = strings.Replace(s, `"reason":"no_session"`, `"reason":"no_session`+inj+`"`, 1)
	bad := filepath.Join(t.TempDir(), "crafted.jsonl")
	if err := os.WriteFile(bad, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join("..", "..", "testdata", "flows", "social_sign_in.jsonl")
	for _, args := range [][]string{
		{"trace", "--format", "text", bad},
		{"trace", "--format", "mermaid", bad},
		{"trace", "--format", "mermaid-sequence", bad},
		{"diff", good, bad},
	} {
		_, stdout, stderr := runCLI(t, args...)
		for name, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
			if strings.ContainsAny(out, "\x1b\x07\u202e") {
				t.Errorf("%v: %s carries raw terminal control characters from the log", args, name)
			}
		}
	}
}

// The same unescaped strings let a crafted log add statements to the
// Mermaid diagrams: a state name holding a newline ends the %% comment or
// the edge it stands in, and the next line is Mermaid's own ("click …
// href "javascript:…"", styles, extra nodes) when the diagram is rendered
// (docs, wikis, issue trackers).
//
// Found by a breaker pass: it failed before the fix and guards it.
func TestBreakerMermaidLineInjection(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flows", "social_sign_in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(orig), `"to":"checking_session"}`,
		`"to":"checking_session\n    click checking_session href \"javascript:alert(1)\"\n    x"}`, 1)
	bad := filepath.Join(t.TempDir(), "crafted.jsonl")
	if err := os.WriteFile(bad, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"mermaid", "mermaid-sequence"} {
		_, stdout, _ := runCLI(t, "trace", "--format", format, bad)
		for i, l := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "click ") {
				t.Errorf("--format %s line %d is a statement from the log: %q", format, i+1, l)
			}
		}
	}
}
