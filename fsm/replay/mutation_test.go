//go:build mutation

package replay_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// TestMutation breaks the Kratos adapter and the state machine on purpose,
// one break at a time (internal/mutation, built only with -tags mutation),
// and replays the whole corpus offline under each: every break must make
// at least one recording fail, with a divergence that names the record
// (its seq) and says why. Offline replay runs the real adapters on the
// recorded wire, so breaks in decoding, classification, flow housekeeping
// and request building are caught, not only breaks in the machine.
func TestMutation(t *testing.T) {
	paths, err := filepath.Glob(replay.Resolve("testdata/flows/*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	sort.Strings(paths)
	replayAll := func() map[string]*replay.Divergence {
		failed := map[string]*replay.Divergence{}
		for _, p := range paths {
			res, err := replay.RunFile(context.Background(), p, replay.Options{})
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if !res.Passed() {
				failed[strings.TrimSuffix(filepath.Base(p), ".jsonl")] = res.Divergence
			}
		}
		return failed
	}
	mutation.Set("")
	if failed := replayAll(); len(failed) > 0 {
		for name, d := range failed {
			t.Errorf("without a break %s diverges: %s", name, d.Reason)
		}
		t.FailNow()
	}
	// Each break, and what the reason of at least one divergence must say.
	why := map[string][]string{
		mutation.No410Continue:       {"made 1 of the 2 recorded requests"},
		mutation.DropMessageIDs:      {"messages[0].id differs"},
		mutation.SwapErrorClasses:    {"class differs"},
		mutation.FieldErrorToGeneral: {"messages.length differs", "ui.messages differs"},
		mutation.WrongFlowID:         {`query parameter "flow"`},
		mutation.DropTrait:           {"body.traits.email"},
		mutation.MachineNoTokenSave:  {"of tokens.save"},
		mutation.LowerCasePassword:   {"unrecorded-secret"},
		// Social sign-in: a sign-up that starts a login flow asks Kratos
		// for another flow; a callback read without its query takes the
		// no-code trap instead of the exchange; a client listening on the
		// default port, not the configured one, says so in the request.
		mutation.SocialRegistrationIgnored: {"/self-service/registration/api"},
		mutation.CallbackQueryDropped:      {"of kratos.exchange_session_token", "of kratos.get_login_flow"},
		mutation.CallbackPortIgnored:       {`callback_url`, "127.0.0.1:4446"},
		// Breaks that add: a field the recording lacks.
		mutation.InfoShownAsError:    {"general_error"},
		mutation.EverySessionCurrent: {"current"},
		mutation.EveryNodeRequired:   {"required"},
	}
	defer mutation.Set("")
	for _, name := range mutation.All {
		mutation.Set(name)
		failed := replayAll()
		if len(failed) == 0 {
			t.Errorf("break %s: every recording still passes", name)
			continue
		}
		var caught []string
		explained := false
		for rec, d := range failed {
			caught = append(caught, rec)
			if d.Seq == 0 || d.Reason == "" || !strings.Contains(d.Report(), "seq") {
				t.Errorf("break %s, %s: the divergence does not name the record and the reason: %+v", name, rec, d)
			}
			for _, w := range why[name] {
				if strings.Contains(d.Reason, w) {
					explained = true
				}
			}
		}
		sort.Strings(caught)
		if !explained {
			for rec, d := range failed {
				t.Logf("  %s: seq %d: %s", rec, d.Seq, d.Reason)
			}
			t.Errorf("break %s: no divergence says why (want one of %q)", name, why[name])
		}
		first := failed[caught[0]]
		t.Logf("break %-36s caught by %d recording(s) %v; e.g. %s seq %d: %s", name, len(caught), caught, caught[0], first.Seq, reasonLine(first.Reason))
	}
}

func reasonLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 240 {
		s = s[:237] + "..."
	}
	return s
}
