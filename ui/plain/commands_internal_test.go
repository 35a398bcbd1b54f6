package plain

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// fixtureForm is a form state's form from a captured Kratos flow.
func fixtureForm(t *testing.T, name string) events.Form {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fixtures", "kratos", name))
	if err != nil {
		t.Fatal(err)
	}
	var flow adapters.Flow
	if err := json.Unmarshal(b, &flow); err != nil {
		t.Fatal(err)
	}
	f := events.Form{FlowID: flow.ID, State: flow.State, UI: flow.UI, Email: "ada@example.com"}
	for _, n := range flow.UI.Nodes {
		if len(n.Messages) > 0 {
			if f.FieldErrors == nil {
				f.FieldErrors = map[string][]adapters.Message{}
			}
			f.FieldErrors[n.Attributes.Name] = n.Messages
		}
	}
	return f
}

// commandList finds the one list of commands a prompt shows: "Commands
// instead of an answer: a, b." or "Command (a, b):"; it fails on none or
// more than one.
func commandList(t *testing.T, out string) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)Commands instead of an answer: (.*)\.$|(?:Command|code:) \((.*)\)(?: \[.*\])?:`)
	all := re.FindAllStringSubmatch(out, -1)
	if len(all) != 1 {
		t.Fatalf("%d command lists, want one:\n%s", len(all), out)
	}
	list := all[0][1] + all[0][2]
	var names []string
	for _, n := range strings.Split(list, ", ") {
		names = append(names, n)
	}
	return names
}

// runPrompt prints st and answers its prompt with input; it returns the
// output and the intent.
func runPrompt(t *testing.T, st events.Event, input string) (string, events.Event) {
	t.Helper()
	var out strings.Builder
	pl, err := New(ui.IO{In: strings.NewReader(input), Out: &out}, ui.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := pl.(*Plugin)
	if err := p.print(st); err != nil {
		t.Fatal(err)
	}
	intent, err := p.act(context.Background(), st)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errQuit) {
		t.Fatalf("act: %v\n%s", err, out.String())
	}
	return out.String(), intent
}

// TestEveryPromptListsItsCommandsOnceAndEachWorks: every prompt of the
// plain UI shows one list of commands, with help and quit; each command
// in it is taken (never "Unknown command"): it publishes an intent,
// answers with lines (help, token, show) or quits; help writes a line
// for each (issue 11, item 11).
func TestEveryPromptListsItsCommandsOnceAndEachWorks(t *testing.T) {
	signedIn := events.SignedIn{Email: "ada@example.com", Token: "ory_st_" + "x", Verified: false}
	states := map[string]events.Event{
		"sign-in":       events.LoginFormShown{Form: fixtureForm(t, "login_flow_created_200.json")},
		"sign-up":       events.RegistrationFormShown{Form: fixtureForm(t, "registration_flow_created_200.json")},
		"home":          signedIn,
		"second factor": events.SecondFactorFormShown{Form: fixtureForm(t, "login_lookup_used_code_400.json")},
		"recovery":      events.RecoveryFormShown{Form: fixtureForm(t, "recovery_code_sent_200.json")},
		"verification":  events.VerificationFormShown{Form: fixtureForm(t, "verification_code_sent_200.json")},
		"verified":      events.VerificationFormShown{Form: fixtureForm(t, "verification_passed_200.json")},
		"settings":      events.SettingsFormShown{Form: fixtureForm(t, "settings_flow_created_200.json")},
		"sessions":      events.SessionsListShown{Sessions: []events.SessionSummary{{ID: "s1", Current: true}, {ID: "s2"}}},
		"launch failed": events.SessionCheckFailed{Message: "Kratos is down."},
	}
	for name, st := range states {
		t.Run(name, func(t *testing.T) {
			out, _ := runPrompt(t, st, "")
			names := commandList(t, out)
			if !contains(names, "help") || !contains(names, "quit") {
				t.Fatalf("the list has no help or quit: %v", names)
			}
			help, _ := runPrompt(t, st, "help\n")
			for _, n := range names {
				word, _, _ := strings.Cut(n, " ")
				if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(n) + ` +\S`).MatchString(help) {
					t.Errorf("help has no line for %q:\n%s", n, help)
				}
				if strings.HasPrefix(word, "<") {
					continue // an answer, not a command word
				}
				line := word
				if strings.Contains(n, "<") {
					line += " 1"
				}
				got, intent := runPrompt(t, st, line+"\n")
				after := strings.TrimPrefix(got, out)
				if strings.Contains(after, "Unknown command") {
					t.Errorf("%q is listed but unknown:\n%s", word, after)
				}
				if intent == nil && word != "quit" && strings.TrimSpace(after) == strings.TrimSpace(lastLine(out)) {
					t.Errorf("%q did nothing:\n%s", word, after)
				}
			}
		})
	}
}

func contains(names []string, want string) bool {
	for _, n := range names {
		if n == want {
			return true
		}
	}
	return false
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
