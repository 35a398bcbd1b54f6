package flowdiff_test

import (
	"context"
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
	"github.com/kratos-tui/kratos-tui/events/flowdiff"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// startKratos starts a real Kratos with opts; tests that need one fail
// without it under KRATOS_REQUIRED=1.
func startKratos(t *testing.T, opts kratostest.Options) *kratostest.Server {
	t.Helper()
	if _, err := kratostest.BinaryPath(); err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("KRATOS_REQUIRED=1 but %v", err)
		}
		t.Skipf("no Kratos binary (%v); run `make kratos`", err)
	}
	srv, err := kratostest.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start Kratos: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// record runs the intents through the real client (adapters, bus, state
// machine) against srv, as `kratos-tui --record` does: the system clock
// and random ids, so that two recordings differ in every volatile value.
func record(t *testing.T, srv *kratostest.Server, path string, intents ...events.Event) {
	t.Helper()
	w, err := flowlog.Create(path, flowlog.NewHeader("test", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	rec := flowlog.NewRecorder(w)
	cfg := app.Config{
		KratosAPI: srv.PublicURL, Tokens: tokenstore.NewMemory(), Timeout: 30 * time.Second,
		Logger:    zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		Observers: []func(context.Context, *bus.Bus) error{rec.Attach},
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	script := &app.Script{Next: func(seen []events.Envelope) events.Event {
		if len(intents) == 0 {
			return nil
		}
		next := intents[0]
		intents = intents[1:]
		return next
	}}
	if err := app.RunWith(context.Background(), cfg, client, script); err != nil {
		t.Fatalf("run: %v", err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
}

func load(t *testing.T, name, path string) *flowdiff.Log {
	t.Helper()
	l, err := flowdiff.Load(name, path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestDiffRealKratosTwoConfigs records the same sign-up against two real
// Kratos servers, one with the default password minimum (8) and one with
// 40: the diff's first difference is Kratos's answer, with its status and
// message id; the same sign-in recorded twice against one Kratos (other
// flow ids, session tokens, times, event ids, ports) is the same.
func TestDiffRealKratosTwoConfigs(t *testing.T) {
	plain := startKratos(t, kratostest.Options{})
	strict := startKratos(t, kratostest.Options{Env: map[string]string{"SELFSERVICE_METHODS_PASSWORD_CONFIG_MIN_PASSWORD_LENGTH": "40"}})
	dir := t.TempDir()
	email, password := "diff-user@example.com", "correct horse battery 1729"
	signUp := []events.Event{events.RegistrationFlowRequested{}, events.SignUpSubmitted{Email: email, Password: password}}
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	record(t, plain, a, signUp...)
	record(t, strict, b, signUp...)

	if dir := os.Getenv("KRATOS_TUI_ARTIFACTS"); dir != "" { // keep the pair (docs/trace.md shows its diff)
		for name, src := range map[string]string{"sign_up_min8.jsonl": a, "sign_up_min40.jsonl": b} {
			if data, err := os.ReadFile(src); err == nil {
				_ = os.WriteFile(filepath.Join(dir, name), data, 0o644)
			}
		}
		t.Logf("recordings kept in %s", dir)
	}
	res := flowdiff.Compare(load(t, "A", a), load(t, "B", b), flowdiff.Options{})
	if res.Same || res.First == nil {
		t.Fatalf("sign-up under min length 8 and 40: same, want different")
	}
	f := res.First
	if f.Intent != "SignUpSubmitted" || f.Record != "result of kratos.submit_registration" ||
		!strings.HasPrefix(f.Reason, "Kratos answered 400 with 4000032 where A had 200") {
		t.Errorf("first difference: step %d %s, %s: %q; want the registration's 400 with 4000032", f.Step, f.Intent, f.Record, f.Reason)
	}
	var text strings.Builder
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"DIFFERENT",
		"the machine went loading --SignUpRejected--> registration where A went --SignUpSucceeded--> authenticated",
		"B published state RegistrationFormShown where A published SignedIn",
		"B has no call tokens.save where A has one",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("diff text lacks %q:\n%s", want, text.String())
		}
	}
	// Nothing volatile is reported: no UUID, no time, no port.
	for _, st := range res.Steps {
		for _, d := range st.Differences {
			if strings.Contains(d.Path, "latency") || strings.HasSuffix(d.Path, "_at") || strings.HasSuffix(d.Path, ".id") {
				t.Errorf("volatile value reported: %s: %s", d.Path, d.Reason)
			}
		}
	}
	if strings.Contains(text.String(), strings.TrimPrefix(plain.PublicURL, "http://")) {
		t.Errorf("the diff reports the servers' URLs:\n%s", text.String())
	}

	// The same flow twice against one Kratos: the same.
	if _, err := plain.CreateIdentity(context.Background(), "diff-signin@example.com", password); err != nil {
		t.Fatal(err)
	}
	signIn := []events.Event{events.LoginFlowRequested{}, events.SignInSubmitted{Identifier: "diff-signin@example.com", Password: password}}
	c, d := filepath.Join(dir, "c.jsonl"), filepath.Join(dir, "d.jsonl")
	record(t, plain, c, signIn...)
	record(t, plain, d, signIn...)
	same := flowdiff.Compare(load(t, "A", c), load(t, "B", d), flowdiff.Options{})
	if !same.Same {
		var out strings.Builder
		_ = same.WriteText(&out)
		t.Fatalf("the same sign-in recorded twice differs:\n%s", out.String())
	}
}
