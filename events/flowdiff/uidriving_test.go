package flowdiff_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowdiff"
)

// The user's recordings of one sign-in (wrong password, right password,
// sign out): at the TUI, and through the json UI fed by a script.
var (
	retryTUI  = filepath.Join("testdata", "sign_in_retry_tui.jsonl")
	retryJSON = filepath.Join("testdata", "sign_in_retry_json.jsonl")
)

// edit writes a copy of the log at path with f applied to the line of the
// record with the seq (0: the end mark's line); f returning "" drops it.
func edit(t *testing.T, path string, seq uint64, f func(string) string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	found := false
	var out []string
	for i, l := range lines {
		var r struct {
			Seq uint64 `json:"seq"`
			End bool   `json:"kratos_tui_flow_log_end"`
		}
		_ = json.Unmarshal([]byte(l), &r)
		if i > 0 && (r.Seq == seq && seq > 0 || seq == 0 && r.End) {
			found = true
			if l = f(l); l == "" {
				continue
			}
		}
		out = append(out, l)
	}
	if !found {
		t.Fatalf("%s has no record %d", path, seq)
	}
	p := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(p, []byte(strings.Join(out, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func compare(t *testing.T, pa, pb string, opts flowdiff.Options) (*flowdiff.Result, string) {
	t.Helper()
	a, err := flowdiff.Load("A", pa)
	if err != nil {
		t.Fatal(err)
	}
	b, err := flowdiff.Load("B", pb)
	if err != nil {
		t.Fatal(err)
	}
	res := flowdiff.Compare(a, b, opts)
	var text strings.Builder
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	return res, text.String()
}

func noteKinds(res *flowdiff.Result) map[string]int {
	kinds := map[string]int{}
	for _, n := range res.Notes {
		kinds[n.Kind]++
	}
	return kinds
}

// TestTUIAndJSONRunsAreTheSame: the user's TUI and json recordings of one
// sign-in are the same, both ways round, with a note for each way the TUI
// drove the flow differently; with Strict they are the four differences
// the user was shown.
func TestTUIAndJSONRunsAreTheSame(t *testing.T) {
	for _, order := range [][2]string{{retryTUI, retryJSON}, {retryJSON, retryTUI}} {
		res, text := compare(t, order[0], order[1], flowdiff.Options{})
		tui := "A"
		if order[0] == retryJSON {
			tui = "B"
		}
		kinds := noteKinds(res)
		if !res.Same || res.Count != 0 || kinds[flowdiff.NoteFlowNamed] != 2 || kinds[flowdiff.NoteUIInput] != 1 || kinds[flowdiff.NoteTrailing] != 1 {
			t.Fatalf("%s vs %s: want SAME with 2 flow_named, 1 ui_input and 1 trailing notes, got %v:\n%s", order[0], order[1], kinds, text)
		}
		for _, n := range res.Notes {
			if n.Side != tui {
				t.Errorf("note on side %s, want the TUI's (%s): %+v", n.Side, tui, n)
			}
		}
		if !strings.Contains(text, "skipped: 1 FieldChanged step only in "+tui+" (UI input") {
			t.Errorf("no skipped summary:\n%s", text)
		}
		strict, text := compare(t, order[0], order[1], flowdiff.Options{Strict: true})
		if strict.Same || strict.Count != 4 || len(strict.Notes) != 0 {
			t.Errorf("strict: want the 4 differences and no note:\n%s", text)
		}
	}
}

// TestUIDrivingRulesHideNothingReal: each rule lets a real difference
// through: a FieldChanged that changed a value on the screen, an intent
// naming another flow than the one the machine used, steps after the end
// of a log that has no end mark, after different final screens, or with a
// failed call.
func TestUIDrivingRulesHideNothingReal(t *testing.T) {
	cases := []struct {
		name       string
		tui, json  string
		wantIntent string
	}{{
		// The screen the FieldChanged published shows another e-mail.
		name: "FieldChanged changed the e-mail",
		tui: edit(t, retryTUI, 24, func(l string) string {
			return strings.Replace(l, `"email":"me@example.com"`, `"email":"you@example.com"`, 1)
		}),
		json:       retryJSON,
		wantIntent: "FieldChanged",
	}, {
		// It cleared the flow's own messages from Kratos too.
		name: "FieldChanged dropped Kratos's messages",
		tui: edit(t, retryTUI, 24, func(l string) string {
			i := strings.Index(l, `"messages":[`)
			j := strings.Index(l[i:], `],`)
			return l[:i] + l[i+j+2:]
		}),
		json:       retryJSON,
		wantIntent: "FieldChanged",
	}, {
		// The TUI's intent names a flow the machine did not use.
		name: "intent names another flow",
		tui: edit(t, retryTUI, 15, func(l string) string {
			return strings.Replace(l, `"flow_id":"60384a81-5b80-4798-8c72-b1fda6962cf2"`, `"flow_id":"00000000-5b80-4798-8c72-b1fda6962cf2"`, 1)
		}),
		json:       retryJSON,
		wantIntent: "SignInSubmitted",
	}, {
		// The json run was killed: it may have stopped short of the step.
		name:       "the other log has no end mark",
		tui:        retryTUI,
		json:       edit(t, retryJSON, 0, func(string) string { return "" }),
		wantIntent: "LoginFlowRequested",
	}, {
		// The two runs ended on different screens.
		name: "different final screens",
		tui:  retryTUI,
		json: edit(t, retryJSON, 39, func(l string) string {
			return strings.Replace(l, `"You are signed out."`, `"Signed out elsewhere."`, 1)
		}),
		wantIntent: "LoginFlowRequested",
	}, {
		// The TUI's sign-in form could not be had after signing out.
		name: "a trailing call failed",
		tui: edit(t, retryTUI, 47, func(l string) string {
			return strings.Replace(l, `"operation":"kratos.create_login_flow",`,
				`"operation":"kratos.create_login_flow","error":{"class":"network","message":"connection refused"},`, 1)
		}),
		json:       retryJSON,
		wantIntent: "LoginFlowRequested",
	}, {
		// The trailing form request ended signed in, not on a form (the
		// breaker's edit: its transition and its last screen).
		name:       "a trailing form request that signed in",
		tui:        filepath.Join("testdata", "sign_in_retry_tui_trailing_signed_in.jsonl"),
		json:       retryJSON,
		wantIntent: "LoginFlowRequested",
	}}
	for _, c := range cases {
		for _, order := range [][2]string{{c.tui, c.json}, {c.json, c.tui}} {
			res, text := compare(t, order[0], order[1], flowdiff.Options{})
			found := false
			for _, st := range res.Steps {
				if st.Intent == c.wantIntent && len(st.Differences) > 0 {
					found = true
				}
			}
			if res.Same || !found {
				t.Errorf("%s: want a difference in a %s step:\n%s", c.name, c.wantIntent, text)
			}
		}
	}
}
