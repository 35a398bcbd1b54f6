package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events/flowdiff"
)

// recordJSON records a run of the json UI against the real Kratos at url.
// With piped, every intent is on its input at once (a script piping a
// file); else each is written when the state event it waits for (waitFor,
// one per intent, "" for none) came out: the intents land at other seqs.
func recordJSON(t *testing.T, url, path string, piped bool, intents, waitFor []string) {
	t.Helper()
	dir := t.TempDir()
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	errOut, err := os.Create(filepath.Join(dir, "err"))
	if err != nil {
		t.Fatal(err)
	}
	defer errOut.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--env-file", os.DevNull, "--kratos-api", url,
			"--ui", "json", "--token-store", "memory", "--record", path}, inR, outW, errOut)
		outW.Close()
	}()
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(outR)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	if piped {
		for _, in := range intents {
			if _, err := io.WriteString(inW, in+"\n"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for k, want := range waitFor {
		for want != "" {
			line, ok := <-lines
			if !ok {
				t.Fatalf("the run ended before %s", want)
			}
			if strings.Contains(line, `"type":"`+want+`"`) {
				break
			}
		}
		if !piped && k < len(intents) {
			if _, err := io.WriteString(inW, intents[k]+"\n"); err != nil {
				t.Fatal(err)
			}
		}
	}
	inW.Close()
	go func() {
		for range lines {
		}
	}()
	if code := <-done; code != 0 {
		b, _ := os.ReadFile(filepath.Join(dir, "err"))
		t.Fatalf("json run: exit %d: %s", code, b)
	}
}

// TestDiffAlignsPipedAndStepwiseRuns records one sign-in through the json
// UI twice against the real Kratos: once with every intent piped at once
// (they land among the records of the step before), once intent by intent,
// with one more field change. The diff aligns the runs by intent and
// operation, not by seq, and reports the extra step only.
func TestDiffAlignsPipedAndStepwiseRuns(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{})
	password := "correct horse battery 1729"
	if _, err := srv.CreateIdentity(context.Background(), "align@example.com", password); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "piped.jsonl"), filepath.Join(dir, "stepwise.jsonl")
	login := `{"type":"LoginFlowRequested"}`
	field := `{"type":"FieldChanged","data":{"field":"identifier","value":"align@example.com"}}`
	submit := `{"type":"SignInSubmitted","data":{"identifier":"align@example.com","password":"` + password + `"}}`
	signOut := `{"type":"SignOutRequested"}`
	recordJSON(t, srv.PublicURL, b, false, []string{login, field, submit, signOut},
		[]string{"SignedOut", "LoginFormShown", "LoginFormShown", "SignedIn", "SignedOut"})
	lb, err := flowdiff.Load("B", b)
	if err != nil {
		t.Fatal(err)
	}
	// The piped run's intents sit together, the stepwise run's apart.
	seqOf := func(l *flowdiff.Log, typ string) uint64 {
		for _, r := range l.Records {
			if r.Type == typ {
				return r.Seq
			}
		}
		t.Fatalf("%s has no %s", l.Name, typ)
		return 0
	}
	// Piped intents land together when the json UI reads them before the
	// machine has taken the first; on a loaded machine it may not, and
	// that run shows nothing of what is tested here: it is recorded again
	// (at most five times).
	var la *flowdiff.Log
	for try := 1; ; try++ {
		recordJSON(t, srv.PublicURL, a, true, []string{login, submit, signOut}, []string{"SignedIn", "SignedOut"})
		if la, err = flowdiff.Load("A", a); err != nil {
			t.Fatal(err)
		}
		sa, sb := seqOf(la, "SignInSubmitted"), seqOf(lb, "SignInSubmitted")
		if sa == seqOf(la, "LoginFlowRequested")+1 && sb != sa {
			break
		}
		if try == 5 {
			t.Fatalf("SignInSubmitted at seq %d (piped) and %d (stepwise) in %d tries: the runs do not differ in timing", sa, sb, try)
		}
		t.Logf("try %d: the piped intents did not land together (SignInSubmitted at seq %d); recording again", try, sa)
	}
	res := flowdiff.Compare(la, lb, flowdiff.Options{})
	var text strings.Builder
	_ = res.WriteText(&text)
	if res.Count != 1 || res.First == nil || res.First.Intent != "FieldChanged" || res.First.Record != "step" ||
		!strings.HasPrefix(res.First.Reason, "B has a FieldChanged step that A lacks") {
		t.Fatalf("want the extra FieldChanged step only:\n%s", text.String())
	}
	// And each run against itself cut the other way round: the same.
	if back := flowdiff.Compare(lb, la, flowdiff.Options{}); back.Count != 1 {
		t.Fatalf("B against A: %d differences, want 1", back.Count)
	}
}
