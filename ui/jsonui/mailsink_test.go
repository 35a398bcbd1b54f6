package jsonui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/jsonui"
)

// codeHost answers a recovery e-mail with the code form, like the machine.
type codeHost struct {
	mu        sync.Mutex
	published []events.Event
	handler   func(events.Envelope)
}

func (h *codeHost) Publish(intent events.Event) error {
	h.mu.Lock()
	h.published = append(h.published, intent)
	handler := h.handler
	h.mu.Unlock()
	if _, ok := intent.(events.RecoveryRequested); ok {
		handler(events.Envelope{Kind: events.KindState, Type: "RecoveryFormShown",
			Event: events.RecoveryFormShown{Form: events.Form{FlowID: "f1", State: "choose_method"}}})
	}
	if s, ok := intent.(events.RecoverySubmitted); ok && s.Email != "" {
		handler(events.Envelope{Kind: events.KindState, Type: "RecoveryFormShown",
			Event: events.RecoveryFormShown{Form: events.Form{FlowID: "f1", State: "sent_email", Email: s.Email}}})
	}
	return nil
}

func (h *codeHost) Subscribe(_ context.Context, handler func(events.Envelope)) error {
	h.mu.Lock()
	h.handler = handler
	h.mu.Unlock()
	return nil
}

func (h *codeHost) Wait(context.Context) error { return nil }

func post(t *testing.T, url, body string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return
	}
	resp.Body.Close()
}

func runMail(t *testing.T, input string, opts ui.Options) (*codeHost, []map[string]any) {
	t.Helper()
	var out strings.Builder
	p, err := jsonui.New(ui.IO{In: strings.NewReader(input), Out: &out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	h := &codeHost{}
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

// MailCodeFillRequested waits for the mail that came after the code was
// asked for (not the older one already in the sink), submits its code and
// does not echo it; without the dev stack it is an error line.
func TestMailCodeFillTakesTheNewMail(t *testing.T) {
	dir := t.TempDir()
	sink, err := mailsink.Start("127.0.0.1:0", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	post(t, sink.URL(), `{"recipient":"a@example.com","template_type":"recovery_code_valid","recovery_code":"111111"}`)
	time.Sleep(1100 * time.Millisecond) // the old mail must predate the request by more than the sink's margin
	go func() {
		time.Sleep(300 * time.Millisecond) // Kratos's courier delivers a moment later
		post(t, sink.URL(), `{"recipient":"a@example.com","template_type":"recovery_code_valid","recovery_code":"222222","subject":"Recover access to your account"}`)
	}()
	input := `{"type":"RecoverySubmitted","data":{"email":"a@example.com"}}` + "\n" + `{"type":"MailCodeFillRequested"}` + "\n"
	h, lines := runMail(t, input, ui.Options{MailDir: dir})
	last := h.published[len(h.published)-1]
	if got, ok := last.(events.RecoverySubmitted); !ok || got.Code != "222222" {
		t.Fatalf("published %#v, want RecoverySubmitted with the new code 222222", last)
	}
	var mail map[string]any
	for _, l := range lines {
		if l["kind"] == "mail" {
			mail = l
		}
	}
	if mail == nil || mail["intent"] != "RecoverySubmitted" || mail["recipient"] != "a@example.com" {
		t.Fatalf("no mail line: %v", lines)
	}
	for _, l := range lines {
		if b, _ := json.Marshal(l); strings.Contains(string(b), "222222") {
			t.Errorf("the code was echoed: %s", b)
		}
	}

	// Not against the dev stack: an error line, nothing published.
	h, lines = runMail(t, `{"type":"MailCodeFillRequested"}`+"\n", ui.Options{})
	if len(h.published) != 1 || lines[len(lines)-1]["kind"] != "error" || !strings.Contains(lines[len(lines)-1]["error"].(string), "only against the dev stack") {
		t.Fatalf("without a mail sink: published %v, lines %v", h.published, lines)
	}
}

// MailCodeFillRequested on a code form that has sent nothing yet (no
// address submitted) is an error at once, not a wait of MailCodeWait.
func TestMailCodeFillBeforeAnyCodeWasSent(t *testing.T) {
	began := time.Now()
	h, lines := runMail(t, `{"type":"RecoveryRequested"}`+"\n"+`{"type":"MailCodeFillRequested"}`+"\n", ui.Options{MailDir: t.TempDir()})
	last := lines[len(lines)-1]
	if last["kind"] != "error" || !strings.Contains(last["error"].(string), "has not sent a code yet") {
		t.Fatalf("lines %v", lines)
	}
	if _, ok := h.published[len(h.published)-1].(events.RecoveryRequested); !ok {
		t.Errorf("published %#v, want nothing after RecoveryRequested", h.published)
	}
	if d := time.Since(began); d >= jsonui.MailCodeWait {
		t.Errorf("took %s: it waited for a mail that was never asked for", d)
	}
}
