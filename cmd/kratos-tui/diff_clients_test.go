package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events/flowdiff"
)

// The user's recordings of one sign-in (wrong password, right password,
// sign out): once at the TUI, once through the json UI fed by a script
// (redacted: passwords and the session token are placeholders).
var (
	retryTUI  = filepath.Join("..", "..", "events", "flowdiff", "testdata", "sign_in_retry_tui.jsonl")
	retryJSON = filepath.Join("..", "..", "events", "flowdiff", "testdata", "sign_in_retry_json.jsonl")
)

// TestDiffTUIAndJSONClientsSame: the CLI finds the user's TUI and json
// recordings of one sign-in the same (exit 0), and says in its summary
// what it did not count: the TUI's intents naming their flow, its
// FieldChanged step, its sign-in form asked for again after signing out.
// --strict counts them (exit 1).
func TestDiffTUIAndJSONClientsSame(t *testing.T) {
	for _, args := range [][]string{{retryTUI, retryJSON}, {retryJSON, retryTUI}} {
		code, out, _ := runCLI(t, append([]string{"diff"}, args...)...)
		tui := "A"
		if args[0] == retryJSON {
			tui = "B"
		}
		for _, want := range []string{
			"SAME ",
			"note: 2 SignInSubmitted intents name their flow in " + tui + " only; the machine used the same (aligned) flow on both sides",
			"skipped: 1 FieldChanged step only in " + tui + " (UI input: no adapter call, the screen only cleared its messages)",
			"note: " + tui + " goes on after both reached unauthenticated (SignedOut), where",
			"1 step only in " + tui + ": LoginFlowRequested at " + tui + " seq 43",
		} {
			if code != 0 || !strings.Contains(out, want) {
				t.Errorf("diff %s: exit %d, want 0 and %q:\n%s", strings.Join(args, " "), code, want, out)
			}
		}
		code, out, _ = runCLI(t, append([]string{"diff", "--strict"}, args...)...)
		if code != 1 || !strings.Contains(out, "DIFFERENT ") || !strings.Contains(out, ": 4 differences in 4 of 7 steps") {
			t.Errorf("diff --strict %s: exit %d, want 1 and the 4 differences:\n%s", strings.Join(args, " "), code, out)
		}
	}
}

// TestDiffTUIAndJSONClientsWrongPassword: a json run recorded against the
// real Kratos where the second password is wrong too differs from the
// user's TUI run where it was right, in both orders: the UI-driving rules
// hide nothing Kratos answered. The same json run with the right password
// is the same as the TUI run.
func TestDiffTUIAndJSONClientsWrongPassword(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{})
	password := "correct horse battery 1729"
	if _, err := srv.CreateVerifiedIdentity(context.Background(), "me@example.com", password); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	right, wrong := filepath.Join(dir, "right.jsonl"), filepath.Join(dir, "wrong.jsonl")
	login := `{"type":"LoginFlowRequested"}`
	submit := func(pw string) string {
		return `{"type":"SignInSubmitted","data":{"identifier":"me@example.com","password":"` + pw + `"}}`
	}
	signOut := `{"type":"SignOutRequested"}`
	recordJSON(t, srv.PublicURL, right, true, []string{login, submit("not the password 1"), submit(password), signOut},
		[]string{"SignedIn", "SignedOut"})
	recordJSON(t, srv.PublicURL, wrong, true, []string{login, submit("not the password 1"), submit("not the password 2")},
		[]string{"LoginFormShown", "LoginFormShown", "LoginFormShown"})

	// The user's identity was made elsewhere (traits.name, no
	// state_changed_at): the right-password run differs from the TUI run
	// by the identity Kratos returned, and by nothing of how the UIs drove
	// the flow (the notes).
	la, err := flowdiff.Load("A", retryTUI)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := flowdiff.Load("B", right)
	if err != nil {
		t.Fatal(err)
	}
	res := flowdiff.Compare(la, lb, flowdiff.Options{})
	var text strings.Builder
	_ = res.WriteText(&text)
	for _, st := range res.Steps {
		for _, d := range st.Differences {
			if st.N != 5 || d.Record != "result of kratos.submit_login" ||
				!strings.Contains(d.Path, "identity.state_changed_at") && !strings.Contains(d.Path, "traits.name") {
				t.Errorf("the TUI run and a json run with the same passwords differ by more than the identity: %s", d.Reason)
			}
		}
	}
	if len(res.Notes) != 4 {
		t.Errorf("the TUI run and a json run with the same passwords: %d notes, want 4:\n%s", len(res.Notes), text.String())
	}
	for _, order := range [][]string{{retryTUI, wrong}, {wrong, retryTUI}} {
		code, out, _ := runCLI(t, "diff", order[0], order[1])
		a, b := "200", "400 with 4000006"
		if order[0] == wrong {
			a, b = b, a
		}
		want := "first: step 5 (SignInSubmitted), result of kratos.submit_login"
		reason := "Kratos answered " + b + " where A had " + a
		if code != 1 || !strings.HasPrefix(out, "DIFFERENT ") || !strings.Contains(out, want) || !strings.Contains(out, reason) {
			t.Errorf("diff %s: exit %d, want 1, %q and %q:\n%s", strings.Join(order, " "), code, want, reason, out)
		}
		t.Logf("diff %s:\n%s", strings.Join(order, " "), out)
		// The TUI's sign-out steps are differences: the json run never
		// got to the same state.
		if !strings.Contains(out, "SignOutRequested step") {
			t.Errorf("diff %s: the sign-out only one side has is not a difference:\n%s", strings.Join(order, " "), out)
		}
		if strings.Contains(out, "goes on after both reached") {
			t.Errorf("diff %s: steps after different final states made a note:\n%s", strings.Join(order, " "), out)
		}
	}
}
