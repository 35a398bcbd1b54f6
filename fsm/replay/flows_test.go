package replay_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui-backend/whoami"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	leak "github.com/kratos-tui/kratos-tui/internal/canary"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// A flow of the corpus: how to set Kratos up, then the intents a user
// sends after the launch (the script publishes AppStarted first).
type flow struct {
	name string
	// expiring flows need a Kratos whose login flows live one second.
	expiring bool
	// account: create the identity first; token: and store a session token
	// of it; revoke: revoke that token before the launch.
	account, token, revoke bool
	// steps return the next intent from the state events seen so far.
	steps func(email, password string) []func(seen []events.Envelope) events.Event

	// The self-service flows (selfservice_flows_test.go) need more:
	// server is the Kratos they run against (see kratosWith); verified
	// creates the account with a verified address; otherSession logs the
	// account in once more before the launch (a session to list and
	// revoke); script returns the steps with the run at hand, for the
	// courier, the server and the secrets the run sees.
	server serverKind
	// proxied puts a proxy the script can take down in front of Kratos.
	proxied bool
	// backend asks the project's backend (GET /whoami) who is signed in.
	backend      bool
	verified     bool
	otherSession bool
	script       func(r *run) []step
	// social runs against a Kratos with a real Hydra as its OIDC provider
	// (hydratest.NewStack), the client listening on the allowed callback.
	social bool
	// timeout is the client's bound on each HTTP call (30 s when zero).
	timeout time.Duration
}

// step returns the next intent from the state events seen so far, or nil
// to end the run.
type step = func(seen []events.Envelope) events.Event

func intent(ev events.Event) func([]events.Envelope) events.Event {
	return func([]events.Envelope) events.Event { return ev }
}

var corpus = []flow{
	{name: "sign_up", steps: func(e, p string) []func([]events.Envelope) events.Event {
		return []func([]events.Envelope) events.Event{
			intent(events.RegistrationFlowRequested{}), intent(events.SignUpSubmitted{Email: e, Password: p}),
		}
	}},
	{name: "sign_up_duplicate_email", account: true, steps: func(e, p string) []func([]events.Envelope) events.Event {
		return []func([]events.Envelope) events.Event{
			intent(events.RegistrationFlowRequested{}), intent(events.SignUpSubmitted{Email: e, Password: p}),
		}
	}},
	{name: "sign_in_wrong_password", account: true, steps: func(e, p string) []func([]events.Envelope) events.Event {
		return []func([]events.Envelope) events.Event{
			intent(events.LoginFlowRequested{}), intent(events.SignInSubmitted{Identifier: e, Password: "wrong-" + p}),
		}
	}},
	{name: "sign_in", account: true, steps: func(e, p string) []func([]events.Envelope) events.Event {
		return []func([]events.Envelope) events.Event{
			intent(events.LoginFlowRequested{}), intent(events.SignInSubmitted{Identifier: e, Password: p}),
		}
	}},
	{name: "launch_valid_token", account: true, token: true},
	{name: "launch_revoked_token", account: true, token: true, revoke: true},
	{name: "sign_out", account: true, steps: func(e, p string) []func([]events.Envelope) events.Event {
		return []func([]events.Envelope) events.Event{
			intent(events.LoginFlowRequested{}), intent(events.SignInSubmitted{Identifier: e, Password: p}),
			intent(events.SignOutRequested{}),
		}
	}},
	{name: "expired_flow", expiring: true, account: true, steps: func(e, p string) []func([]events.Envelope) events.Event {
		return []func([]events.Envelope) events.Event{
			intent(events.LoginFlowRequested{}),
			func(seen []events.Envelope) events.Event {
				if f, ok := seen[len(seen)-1].Event.(events.LoginFormShown); ok && f.ExpiresAt != nil {
					// A server-side expiry cannot be injected into a real
					// Kratos: wait for its clock (the same machine's).
					if d := time.Until(f.ExpiresAt.Add(100 * time.Millisecond)); d > 0 {
						<-time.After(d)
					}
				}
				return events.SignInSubmitted{Identifier: e, Password: p}
			},
		}
	}},
}

// serverKind names a Kratos configuration of the corpus.
type serverKind string

const (
	serverPlain    serverKind = ""
	serverExpiring serverKind = "expiring"
	// serverCourier delivers its emails to the package's courier.
	serverCourier serverKind = "courier"
	// serverPrivileged has a privileged window of one second.
	serverPrivileged serverKind = "privileged"
	// serverTwoStep has Kratos's default two-step registration.
	serverTwoStep serverKind = "two-step"
	// serverCode signs in and up by e-mailed codes (two-step
	// registration, a session after signing up by code), its e-mails to
	// the package's courier.
	serverCode serverKind = "code"
	// serverIdentifierFirst asks for the identifier first.
	serverIdentifierFirst serverKind = "identifier-first"
)

var (
	serversMu sync.Mutex
	servers   = map[serverKind]*kratostest.Server{}
	// courier receives the emails of the serverCourier Kratos.
	courier *kratostest.Courier
)

// kratosFor returns a Kratos for the flow, shared by the tests of the
// package.
func kratosFor(t *testing.T, expiring bool) *kratostest.Server {
	t.Helper()
	if expiring {
		return kratosWith(t, serverExpiring)
	}
	return kratosWith(t, serverPlain)
}

// kratosWith returns the Kratos of this kind, shared by the tests of the
// package.
func kratosWith(t *testing.T, kind serverKind) *kratostest.Server {
	t.Helper()
	if _, err := kratostest.BinaryPath(); err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("KRATOS_REQUIRED=1 but %v", err)
		}
		t.Skipf("no Kratos binary (%v); run `make kratos`", err)
	}
	serversMu.Lock()
	defer serversMu.Unlock()
	if srv := servers[kind]; srv != nil {
		return srv
	}
	opts := kratostest.Options{}
	switch kind {
	case serverExpiring:
		opts.LoginLifespan = "1s"
	case serverPrivileged:
		opts.PrivilegedSessionMaxAge = "1s"
	case serverIdentifierFirst:
		opts.Env = map[string]string{"SELFSERVICE_FLOWS_LOGIN_STYLE": "identifier_first"}
	case serverTwoStep:
		opts.Env = map[string]string{"SELFSERVICE_FLOWS_REGISTRATION_ENABLE_LEGACY_ONE_STEP": "false"}
	case serverCode:
		opts.IdentitySchema = "identity.code.schema.json"
		opts.Env = map[string]string{
			"SELFSERVICE_METHODS_CODE_PASSWORDLESS_ENABLED":          "true",
			"SELFSERVICE_FLOWS_REGISTRATION_ENABLE_LEGACY_ONE_STEP":  "false",
			"SELFSERVICE_FLOWS_REGISTRATION_AFTER_CODE_HOOKS_0_HOOK": "session",
		}
		fallthrough
	case serverCourier:
		if courier == nil {
			c, err := kratostest.StartCourier()
			if err != nil {
				t.Fatal(err)
			}
			courier = c
		}
		opts.CourierURL = courier.URL()
	}
	srv, err := kratostest.Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start Kratos (%q): %v", kind, err)
	}
	servers[kind] = srv
	return srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, srv := range servers {
		_ = srv.Stop()
	}
	if courier != nil {
		_ = courier.Close()
	}
	os.Exit(code)
}

// recorded is what a recording run saw in clear, for the canary checks.
type recorded struct {
	secrets []string
	// codes are the short numeric one-time codes (TOTP, recovery,
	// verification) the run used: six digits can occur by chance inside
	// a longer number (a timestamp's nanoseconds), so recordFlow looks for
	// them as whole words only.
	codes  []string
	states []events.Envelope
	// intents are the intents the script sent after AppStarted, in clear.
	intents []events.Event
}

// recordFlow runs f through the real client (adapters, bus, state machine,
// a scripted UI) against a real Kratos, recording to path with a stepping
// clock and sequential ids.
func recordFlow(t *testing.T, f flow, email, password, path string) recorded {
	t.Helper()
	kind := f.server
	if f.expiring {
		kind = serverExpiring
	}
	var stack *hydratest.Stack
	var srv *kratostest.Server
	if f.social {
		stack = hydratest.NewStack(t, kratostest.Options{})
		srv = stack.Kratos
	} else {
		srv = kratosWith(t, kind)
	}
	ctx := context.Background()
	out := recorded{secrets: []string{password}}
	tokens := tokenstore.NewMemory()
	if f.account {
		create := srv.CreateIdentity
		if f.verified {
			create = srv.CreateVerifiedIdentity
		}
		if _, err := create(ctx, email, password); err != nil {
			t.Fatal(err)
		}
	}
	if f.otherSession {
		tok, err := srv.LoginSessionToken(ctx, email, password)
		if err != nil {
			t.Fatal(err)
		}
		out.secrets = append(out.secrets, tok)
	}
	if f.token {
		tok, err := srv.LoginSessionToken(ctx, email, password)
		if err != nil {
			t.Fatal(err)
		}
		out.secrets = append(out.secrets, tok)
		if f.revoke {
			revoke(t, srv, tok)
		}
		_ = tokens.Save(tok)
	}
	start := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	api := srv.PublicURL
	r := &run{t: t, ctx: ctx, srv: srv, email: email, password: password, social: stack}
	if f.proxied {
		r.proxy = startSwitchProxy(t, srv.PublicURL)
		api = r.proxy.URL()
	}
	timeout := 30 * time.Second
	if f.timeout > 0 {
		timeout = f.timeout
	}
	header := flowlog.NewHeader("corpus", start)
	header.KratosAPI = api
	header.TimeoutMS = timeout.Milliseconds()
	if stack != nil {
		header.CallbackURL = stack.ReturnTo
	}
	backendURL := ""
	if f.backend {
		be := httptest.NewServer(whoami.NewHandler(srv.PublicURL, nil, zerolog.Nop()))
		t.Cleanup(be.Close)
		backendURL = be.URL
		header.Backend = backendURL
	}
	// One registry of the run's secrets, as the command has: the state
	// machine registers, the recording and the debug log replace.
	secrets := events.NewSecrets()
	w, err := flowlog.Create(path, header,
		flowlog.WithRedactor(flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: secrets})))
	if err != nil {
		t.Fatal(err)
	}
	rec := flowlog.NewRecorder(w)
	var debugLog lockedBuffer
	cfg := app.Config{
		KratosAPI: api, Backend: backendURL, Tokens: tokens, Timeout: timeout,
		Clock: clock.NewStepping(start, time.Millisecond), IDs: clock.SequentialIDs("ev"),
		Logger:    zerolog.New(events.ScrubWriter{W: &debugLog, Secrets: secrets}).Level(zerolog.DebugLevel),
		Secrets:   secrets,
		Observers: []func(context.Context, *bus.Bus) error{rec.Attach},
	}
	if stack != nil {
		cfg.CallbackPort = stack.CallbackPort
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var steps []step
	if f.steps != nil {
		steps = f.steps(email, password)
	}
	if f.script != nil {
		steps = f.script(r)
	}
	script := &app.Script{Next: func(seen []events.Envelope) events.Event {
		if len(steps) == 0 {
			return nil
		}
		next := steps[0]
		steps = steps[1:]
		ev := next(seen)
		if ev != nil {
			out.intents = append(out.intents, ev)
		}
		return ev
	}}
	r.seen = script.Seen
	if err := app.RunWith(ctx, cfg, client, script); err != nil {
		t.Fatalf("run %s: %v", f.name, err)
	}
	if err := rec.Close(); err != nil {
		t.Fatalf("record %s: %v", f.name, err)
	}
	if msg := r.failed(); msg != "" {
		t.Fatalf("record %s: %s", f.name, msg)
	}
	if len(steps) > 0 {
		t.Fatalf("record %s: the run ended with %d steps left", f.name, len(steps))
	}
	out.secrets = append(out.secrets, r.secrets()...)
	out.codes = r.codes()
	out.states = script.Seen()
	for _, env := range out.states {
		if in, ok := env.Event.(events.SignedIn); ok && in.Token != "" {
			out.secrets = append(out.secrets, in.Token)
		}
	}
	if tok, _ := tokens.Load(); tok != "" {
		out.secrets = append(out.secrets, tok)
	}
	checkNoSecrets(t, path, out)
	scanKinds(t, path, out, r, debugLog.Bytes())
	return out
}

// lockedBuffer is a bytes.Buffer safe for the logger's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// scanKinds scans the recording, its trace views and the debug log for
// every secret of the run by kind, and reports the kinds × artifacts
// table to the reliability report.
func scanKinds(t *testing.T, path string, seen recorded, r *run, debugLog []byte) {
	t.Helper()
	sc := leak.New()
	for _, s := range seen.secrets {
		switch k := r.kindOf(s); {
		case k != "":
			sc.Secret(k, s)
		case strings.HasPrefix(s, "ory_st_"):
			sc.Secret(leak.SessionToken, s)
		default:
			sc.Secret(leak.Password, s)
		}
	}
	for _, c := range seen.codes {
		sc.Secret(leak.OneTimeCode, c)
	}
	sc.File(leak.Recording, path)
	sc.Artifact(leak.Log, debugLog)
	h, recs, err := flowlog.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	var text, mermaid bytes.Buffer
	_ = traceview.WriteText(&text, h, recs)
	_ = traceview.WriteMermaid(&mermaid, recs)
	sc.Artifact(leak.Trace, append(text.Bytes(), mermaid.Bytes()...))
	for _, e := range traceview.Entries(recs) {
		sc.Artifact(leak.Trace, []byte(traceview.Detail(e)))
	}
	scans := sc.Check(t)
	t.Logf("secret kinds × artifacts (finds):\n%s", leak.Table(scans))
	reliability.Report(t, reliability.SuiteSecrets, func(rec *reliability.Record) {
		rec.Tried, rec.Scans = 1, scans
		if !t.Failed() {
			rec.Survived = 1
		}
	})
}

func revoke(t *testing.T, srv *kratostest.Server, token string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, srv.PublicURL+"/self-service/logout/api",
		strings.NewReader(`{"session_token":"`+token+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
}

func uniqueEmail(name string) string {
	return fmt.Sprintf("%s-%d@example.com", strings.ReplaceAll(name, "_", "-"), time.Now().UnixNano())
}
