package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/ui"
)

// loginFlowPath is where a native login flow is created.
const loginFlowPath = "/self-service/login/api"

// countingProxy stands between the client and the real Kratos and notes
// the login flows created through it; fail, while positive, answers that
// many of them with 502 instead.
type countingProxy struct {
	*httptest.Server
	mu      sync.Mutex
	created []string // flow ids, in order
	asked   int      // login flow requests, answered or not
	fail    int
}

func newCountingProxy(t *testing.T, kratosURL string) *countingProxy {
	t.Helper()
	target, err := url.Parse(kratosURL)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != loginFlowPath {
			return nil
		}
		body, err := httputil.DumpResponse(resp, true)
		if err != nil {
			return err
		}
		var flow struct {
			ID string `json:"id"`
		}
		// DumpResponse restored the body; decode a copy of it.
		if i := indexBody(body); i >= 0 {
			_ = json.Unmarshal(body[i:], &flow)
		}
		p.mu.Lock()
		p.created = append(p.created, flow.ID)
		p.mu.Unlock()
		return nil
	}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == loginFlowPath {
			p.mu.Lock()
			p.asked++
			fail := p.fail > 0
			if fail {
				p.fail--
			}
			p.mu.Unlock()
			if fail {
				http.Error(w, "bad gateway (test)", http.StatusBadGateway)
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func indexBody(dump []byte) int {
	for i := 0; i+3 < len(dump); i++ {
		if dump[i] == '\r' && dump[i+1] == '\n' && dump[i+2] == '\r' && dump[i+3] == '\n' {
			return i + 4
		}
	}
	return -1
}

func (p *countingProxy) counts() (asked int, created []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.asked, append([]string(nil), p.created...)
}

// slowStart is a UI plugin that behaves as the tui does at launch (it asks
// for a login flow as soon as no session is found, and again after a
// failed one), and whose start (the factory, where the tui opens the
// terminal) first waits, up to a deadline, for the proxy to see a login
// flow requested.
type slowStart struct {
	proxy *countingProxy
	// wait: the start waits for the request (else it only looks).
	wait bool
	// register: ask for the sign-up form instead.
	register bool
	// seenAtStart: the request had arrived when the UI finished starting.
	seenAtStart bool
	states      []events.Envelope
	mu          sync.Mutex
}

// slowStartUI is the plugin the registered factory starts.
var slowStartUI struct {
	sync.Mutex
	current *slowStart
}

const slowStartName = "test-slow-start"

func init() {
	ui.Register(slowStartName, "test: a UI that starts slowly and asks for the login form at once", func(ui.IO, ui.Options) (ui.Plugin, error) {
		slowStartUI.Lock()
		s := slowStartUI.current
		slowStartUI.Unlock()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if asked, _ := s.proxy.counts(); asked > 0 {
				s.seenAtStart = true
				break
			}
			if !s.wait || time.Now().After(deadline) {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		return s, nil
	})
}

// Run implements ui.Plugin: the launch of the tui, until a form is shown
// (or a second failure).
func (s *slowStart) Run(ctx context.Context, host ui.Host) error {
	got := make(chan events.Envelope, 64)
	if err := host.Subscribe(ctx, func(env events.Envelope) { got <- env }); err != nil {
		return err
	}
	if err := host.Publish(events.AppStarted{}); err != nil {
		return err
	}
	failures := 0
	for {
		select {
		case env := <-got:
			s.mu.Lock()
			s.states = append(s.states, env)
			s.mu.Unlock()
			switch ev := env.Event.(type) {
			case events.SignedOut:
				if ev.Reason == events.ReasonFlowFailed {
					if failures++; failures > 1 {
						return fmt.Errorf("the login form failed twice: %+v", ev)
					}
				}
				var ask events.Event = events.LoginFlowRequested{}
				if s.register {
					ask = events.RegistrationFlowRequested{}
				}
				if err := host.Publish(ask); err != nil {
					return err
				}
			case events.LoginFormShown, events.RegistrationFormShown, events.SignedIn:
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Second):
			return fmt.Errorf("no form within 30s")
		}
	}
}

func (s *slowStart) last() events.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.states) == 0 {
		return nil
	}
	return s.states[len(s.states)-1].Event
}

// earlyRun runs the client through app.Run (as the command does) with the
// slow-starting UI, the given token store and early login flows on, and
// returns the plugin and the HTTP exchanges of every kratos call the state
// machine traced.
func earlyRun(t *testing.T, s *slowStart, tokens *tokenstore.Memory, early bool) map[string][]events.HTTPExchange {
	t.Helper()
	proxy := s.proxy
	slowStartUI.Lock()
	slowStartUI.current = s
	slowStartUI.Unlock()
	var mu sync.Mutex
	traced := map[string][]events.HTTPExchange{}
	trace := func(ctx context.Context, b *bus.Bus) error {
		return b.Subscribe(ctx, func(_ context.Context, env events.Envelope) {
			if ret, ok := env.Event.(events.AdapterReturned); ok {
				mu.Lock()
				traced[ret.Operation] = append(traced[ret.Operation], ret.HTTP...)
				mu.Unlock()
			}
		}, bus.TopicTrace)
	}
	cfg := app.Config{
		KratosAPI:      proxy.URL,
		UI:             slowStartName,
		Tokens:         tokens,
		Timeout:        30 * time.Second,
		Logger:         zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		Observers:      []func(context.Context, *bus.Bus) error{trace},
		EarlyLoginFlow: early,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := app.Run(ctx, cfg); err != nil {
		t.Fatalf("run: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return traced
}

// The login flow is created while the UI starts, not after: by the time
// the UI has started, Kratos was asked for it. It is created once, and the
// form shown is that flow, with the same HTTP exchange in the state
// machine's trace (and so in a recording) as when it is asked for later.
func TestLoginFlowIsCreatedWhileTheUIStarts(t *testing.T) {
	srv := kratosServer(t)
	proxy := newCountingProxy(t, srv.PublicURL)
	s := &slowStart{proxy: proxy, wait: true}
	traced := earlyRun(t, s, tokenstore.NewMemory(), true)
	if !s.seenAtStart {
		t.Fatal("no login flow was requested from Kratos while the UI started (10s): the launch waits for the UI again")
	}
	shown, ok := s.last().(events.LoginFormShown)
	if !ok {
		t.Fatalf("ended on %T, want LoginFormShown", s.last())
	}
	asked, created := proxy.counts()
	if asked != 1 || len(created) != 1 {
		t.Fatalf("login flows asked %d, created %v; want one", asked, created)
	}
	if shown.FlowID != created[0] {
		t.Fatalf("form shows flow %q, Kratos created %q", shown.FlowID, created[0])
	}
	ex := traced["kratos.create_login_flow"]
	if len(ex) != 1 || ex[0].URL != loginFlowPath || ex[0].Status != http.StatusOK || len(ex[0].Response) == 0 {
		t.Fatalf("traced exchanges of kratos.create_login_flow: %+v; want the one GET %s with its answer", ex, loginFlowPath)
	}
}

// A signed-in user creates no login flow at all: the early one is only
// made when no token is stored.
func TestNoLoginFlowIsCreatedForAStoredSession(t *testing.T) {
	srv := kratosServer(t)
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	token, err := srv.LoginSessionToken(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCountingProxy(t, srv.PublicURL)
	tokens := tokenstore.NewMemory()
	if err := tokens.Save(token); err != nil {
		t.Fatal(err)
	}
	s := &slowStart{proxy: proxy}
	earlyRun(t, s, tokens, true)
	if in, ok := s.last().(events.SignedIn); !ok || in.Email != email {
		t.Fatalf("ended on %#v, want SignedIn as %s", s.last(), email)
	}
	if _, created := proxy.counts(); len(created) != 0 {
		t.Fatalf("login flows created for a signed-in user: %v", created)
	}
}

// A failed early call is the form's failure, shown as any other; the retry
// asks Kratos again.
func TestFailedEarlyLoginFlowIsRetriedOnRequest(t *testing.T) {
	srv := kratosServer(t)
	proxy := newCountingProxy(t, srv.PublicURL)
	proxy.fail = 3 // the adapter's attempts at a GET (it retries a 5xx twice)
	s := &slowStart{proxy: proxy}
	earlyRun(t, s, tokenstore.NewMemory(), true)
	if _, ok := s.last().(events.LoginFormShown); !ok {
		t.Fatalf("ended on %T, want LoginFormShown", s.last())
	}
	failed := false
	s.mu.Lock()
	for _, env := range s.states {
		if so, ok := env.Event.(events.SignedOut); ok && so.Reason == events.ReasonFlowFailed {
			failed = true
		}
	}
	s.mu.Unlock()
	if !failed {
		t.Fatal("the failed login flow was not reported (no SignedOut flow_failed)")
	}
	if asked, created := proxy.counts(); asked != 4 || len(created) != 1 {
		t.Fatalf("login flows asked %d, created %v; want 4 asked (3 failed attempts, the retry), 1 created", asked, created)
	}
}

// Without EarlyLoginFlow (the json and plain UIs, scripts, which may never
// ask for it), no login flow is created that the UI did not ask for.
func TestNoEarlyLoginFlowUnlessTheUIAsksAtOnce(t *testing.T) {
	srv := kratosServer(t)
	proxy := newCountingProxy(t, srv.PublicURL)
	s := &slowStart{proxy: proxy, register: true}
	earlyRun(t, s, tokenstore.NewMemory(), false)
	if _, ok := s.last().(events.RegistrationFormShown); !ok {
		t.Fatalf("ended on %T, want RegistrationFormShown", s.last())
	}
	if asked, _ := proxy.counts(); asked != 0 {
		t.Fatalf("%d login flows asked for; the UI asked for none", asked)
	}
}
