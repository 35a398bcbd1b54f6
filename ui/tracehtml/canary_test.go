package tracehtml_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui/tracehtml"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// TestHTMLReportHasNoSecret records a sign-up, a sign-out and a sign-in with
// a canary password against the real Kratos, and checks that neither the
// password nor any session token the run saw is in any byte of the HTML
// report (with its replay), of the Mermaid sequence diagram, or of the
// viewer's record text; the placeholders are.
func TestHTMLReportHasNoSecret(t *testing.T) {
	if _, err := kratostest.BinaryPath(); err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("KRATOS_REQUIRED=1 but %v", err)
		}
		t.Skipf("no Kratos binary (%v)", err)
	}
	srv, err := kratostest.Start(context.Background(), kratostest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	password := "canary-" + hex.EncodeToString(b)
	email := "html-" + hex.EncodeToString(b[:4]) + "@example.com"

	path := filepath.Join(t.TempDir(), "run.jsonl")
	w, err := flowlog.Create(path, flowlog.NewHeader("test", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	rec := flowlog.NewRecorder(w)
	tokens := tokenstore.NewMemory()
	cfg := app.Config{
		KratosAPI: srv.PublicURL, Tokens: tokens, Timeout: 30 * time.Second,
		Logger:    zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		Observers: []func(context.Context, *bus.Bus) error{rec.Attach},
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	intents := []events.Event{
		events.RegistrationFlowRequested{}, events.SignUpSubmitted{Email: email, Password: password},
		events.SignOutRequested{},
		events.LoginFlowRequested{}, events.SignInSubmitted{Identifier: email, Password: password},
	}
	script := &app.Script{Next: func([]events.Envelope) events.Event {
		if len(intents) == 0 {
			return nil
		}
		next := intents[0]
		intents = intents[1:]
		return next
	}}
	if err := app.RunWith(context.Background(), cfg, client, script); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	secrets := []string{password}
	for _, env := range script.Seen() {
		if in, ok := env.Event.(events.SignedIn); ok && in.Token != "" {
			secrets = append(secrets, in.Token)
		}
	}
	if len(secrets) < 3 {
		t.Fatalf("the run saw %d session tokens, want 2 (sign-up and sign-in)", len(secrets)-1)
	}

	var page bytes.Buffer
	if err := tracehtml.WriteFile(&page, path, tracehtml.Options{}); err != nil {
		t.Fatal(err)
	}
	_, recs, err := flowlog.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	var seq, detail bytes.Buffer
	if err := traceview.WriteMermaidSequence(&seq, recs); err != nil {
		t.Fatal(err)
	}
	for _, e := range traceview.Entries(recs) {
		detail.WriteString(traceview.Detail(e))
	}
	for name, out := range map[string][]byte{"HTML report": page.Bytes(), "Mermaid sequence": seq.Bytes(), "viewer's record pane": detail.Bytes()} {
		for i, s := range secrets {
			if bytes.Contains(out, []byte(s)) {
				t.Errorf("%s holds secret %d (of %d) in clear", name, i, len(secrets))
			}
		}
	}
	if !strings.Contains(page.String(), "«secret:1»") {
		t.Error("the HTML report lacks the placeholders")
	}
	// With the replay's result (which holds the replayed events).
	res, err := replay.RunFile(context.Background(), path, replay.Options{})
	if err != nil || !res.Passed() {
		t.Fatalf("the recording does not replay: %v %+v", err, res)
	}
	page.Reset()
	if err := tracehtml.WriteFile(&page, path, tracehtml.Options{Replay: &tracehtml.Replay{Records: res.Records}}); err != nil {
		t.Fatal(err)
	}
	for i, s := range secrets {
		if bytes.Contains(page.Bytes(), []byte(s)) {
			t.Errorf("HTML report with replay holds secret %d in clear", i)
		}
	}
	if !strings.Contains(page.String(), "Replay: PASS") {
		t.Error("the HTML report lacks the replay's PASS")
	}
}
