package flowdiff_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowdiff"
)

func corpusPath(name string) string {
	return filepath.Join("..", "..", "testdata", "flows", name+".jsonl")
}

// rewrite writes a copy of a corpus log with f applied to every line.
func rewrite(t *testing.T, name string, f func(line string) string) string {
	t.Helper()
	data, err := os.ReadFile(corpusPath(name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i := range lines {
		lines[i] = f(lines[i])
	}
	path := filepath.Join(t.TempDir(), name+".jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestVolatileValuesIgnored changes every value that differs between two
// runs of one flow — event ids, times, flow and session ids, the server's
// port, the placeholders' numbers — and the diff is SAME; a changed
// message id is still reported.
func TestVolatileValuesIgnored(t *testing.T) {
	uuid := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	b := rewrite(t, "sign_in_wrong_password", func(l string) string {
		l = uuid.ReplaceAllStringFunc(l, func(u string) string { return "0000" + u[4:] })
		l = strings.ReplaceAll(l, "ev-0000", "ev-9999")
		l = strings.ReplaceAll(l, "2025-06-01T12:00:00", "2026-01-02T03:04:05")
		l = strings.ReplaceAll(l, "2026-11-29T", "2027-02-03T")
		l = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(l, "127.0.0.1:1")
		l = strings.ReplaceAll(l, "«secret:1»", "«secret:9»")
		l = regexp.MustCompile(`"latency_ms":[0-9.]+`).ReplaceAllString(l, `"latency_ms":99`)
		return l
	})
	a, err := flowdiff.Load("A", corpusPath("sign_in_wrong_password"))
	if err != nil {
		t.Fatal(err)
	}
	bl, err := flowdiff.Load("B", b)
	if err != nil {
		t.Fatal(err)
	}
	if res := flowdiff.Compare(a, bl, flowdiff.Options{}); !res.Same {
		var out strings.Builder
		_ = res.WriteText(&out)
		t.Fatalf("volatile values reported:\n%s", out.String())
	}

	c := rewrite(t, "sign_in_wrong_password", func(l string) string { return strings.ReplaceAll(l, "4000006", "4000099") })
	cl, err := flowdiff.Load("B", c)
	if err != nil {
		t.Fatal(err)
	}
	res := flowdiff.Compare(a, cl, flowdiff.Options{})
	if res.Same || !strings.Contains(res.First.Reason, "Kratos answered with messages 4000099 where A had 4000006") {
		t.Fatalf("changed message id: %+v", res.First)
	}
}

// TestStepsAlignedByIntent compares a sign-in with a sign-out: the steps
// both have are aligned, the sign-out step is reported as one difference,
// not as every record after it shifted.
func TestStepsAlignedByIntent(t *testing.T) {
	a, err := flowdiff.Load("A", corpusPath("sign_in"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := flowdiff.Load("B", corpusPath("sign_out"))
	if err != nil {
		t.Fatal(err)
	}
	res := flowdiff.Compare(a, b, flowdiff.Options{Same: map[string]string{email(t, "sign_in"): email(t, "sign_out")}})
	var out strings.Builder
	_ = res.WriteText(&out)
	if res.Same || res.First.Reason != "B has a SignOutRequested step that A lacks (9 records)" || res.Count != 1 {
		t.Fatalf("sign_in vs sign_out: want one difference, the extra sign-out step:\n%s", out.String())
	}
}

func email(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(corpusPath(name))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`"identifier":"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s has no identifier", name)
	}
	return string(m[1])
}
