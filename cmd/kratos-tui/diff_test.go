package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// TestDiffCommand runs kratos-tui diff on corpus recordings from the real
// Kratos: exit 0 for a log and itself, 1 for a sign-up and a sign-up with a
// too-short password (the first difference with its reason, in text and
// JSON), 2 for a log that cannot be read or a bad flag.
func TestDiffCommand(t *testing.T) {
	flows := filepath.Join("..", "..", "testdata", "flows")
	signUp, short := filepath.Join(flows, "sign_up.jsonl"), filepath.Join(flows, "sign_up_short_password.jsonl")
	emails := "--same=" + traitEmail(t, signUp) + "=" + traitEmail(t, short)

	code, out, _ := runCLI(t, "diff", signUp, signUp)
	if code != 0 || !strings.HasPrefix(out, "SAME ") {
		t.Errorf("diff of a log with itself: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "diff", emails, signUp, short)
	want := fmt.Sprintf("result of kratos.submit_registration (A seq %d, B seq %d): Kratos answered 400 with 4000032 where A had 200",
		seqOfResult(t, signUp, "kratos.submit_registration"), seqOfResult(t, short, "kratos.submit_registration"))
	if code != 1 || !strings.Contains(out, "first: step 3 (SignUpSubmitted), "+want) {
		t.Errorf("diff of sign_up and sign_up_short_password: exit %d, want 1 and first %q\n%s", code, want, out)
	}
	code, out, _ = runCLI(t, "diff", "--format", "json", emails, signUp, short)
	var res struct {
		Same  bool
		First struct{ Reason string }
		Steps []struct {
			Intent      string
			Differences []struct{ Reason string }
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 || res.Same ||
		!strings.HasPrefix(res.First.Reason, "Kratos answered 400 with 4000032 where A had 200") || len(res.Steps) != 4 {
		t.Errorf("diff --format json: exit %d, %v, %+v\n%s", code, err, res, out)
	}
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.jsonl")
	data, _ := os.ReadFile(signUp)
	lines := strings.SplitAfter(string(data), "\n")
	lines[5] = "{not json\n"
	if err := os.WriteFile(corrupt, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	// A log without its end mark (a killed run) is compared as far as it
	// goes, with the warning on stderr; a whole log gets none.
	if _, _, errOut := runCLI(t, "diff", signUp, signUp); strings.Contains(errOut, "end mark") {
		t.Errorf("diff of whole logs warns: %q", errOut)
	}
	killed := filepath.Join(dir, "killed.jsonl")
	whole := strings.SplitAfter(strings.TrimRight(string(data), "\n"), "\n")
	if !flowlog.IsEnd([]byte(whole[len(whole)-1])) {
		t.Fatal("sign_up.jsonl has no end mark")
	}
	if err := os.WriteFile(killed, []byte(strings.Join(whole[:len(whole)-1], "")), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "diff", signUp, killed)
	if code != 0 || !strings.HasPrefix(out, "SAME ") || !strings.Contains(errOut, "killed.jsonl: the log ends without its end mark") {
		t.Errorf("diff with a log without its end mark: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for _, args := range [][]string{
		{"diff", signUp, filepath.Join(dir, "missing.jsonl")},
		{"diff", signUp, corrupt},
		{"diff", "--format", "yaml", signUp, signUp},
		{"diff", "--same", "novalue", signUp, signUp},
		{"diff", signUp},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d (want 2) with %q", args, code, errOut)
		}
	}
}

// traitEmail is the e-mail the sign-up of a log submitted.
func traitEmail(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, `"type":"SignUpSubmitted"`) {
			var rec struct{ Data struct{ Email string } }
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			return rec.Data.Email
		}
	}
	t.Fatalf("%s has no sign-up", path)
	return ""
}

// seqOfResult is the seq of the first result of operation op in the log.
func seqOfResult(t *testing.T, path, op string) uint64 {
	t.Helper()
	_, recs, err := flowlog.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if ret, ok := r.Event.(events.AdapterReturned); ok && ret.Operation == op {
			return r.Seq
		}
	}
	t.Fatalf("%s has no result of %s", path, op)
	return 0
}
