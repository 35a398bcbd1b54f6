package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// faultTimeout is the client's per-call timeout in the timeout cases of the
// fault tests; the delay fault waits longer than this. It is short, to keep
// the six timeout cases quick, but not so short that the real calls of the
// same case (the retry after the fault) time out while `go test ./...`
// loads both cores (750 ms did, and 3 s once).
const faultTimeout = 8 * time.Second

// guardTimeout is the per-call timeout of every other fault test: only a
// guard against a hang, long enough that a busy CI machine never trips it
// (3 s did, once, on a real sign-in).
const guardTimeout = 30 * time.Second

// capture collects everything a client writes: json UI lines, logs, stderr.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

func (c *capture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// startCapturedClient runs the real client with the json UI against url
// with debug logs, everything it writes going to out.
func startCapturedClient(t *testing.T, url string, tokens adapters.TokenStore, out *capture, timeout time.Duration) *client {
	t.Helper()
	return startClient(t, url, clientOptions{tokens: tokens, capture: out, timeout: timeout})
}

// startRecordedClient is startCapturedClient recording the run to path.
func startRecordedClient(t *testing.T, url string, tokens adapters.TokenStore, out *capture, timeout time.Duration, path string) *client {
	t.Helper()
	return startClient(t, url, clientOptions{tokens: tokens, capture: out, timeout: timeout, record: path})
}

var faultEmails atomic.Int64

// faultEmail returns a new, short, valid email address.
func faultEmail() string {
	return fmt.Sprintf("fault-%d-%d@example.com", time.Now().UnixNano(), faultEmails.Add(1))
}

// fixture reads a captured Kratos response body.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "testdata", "fixtures", "kratos", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// faultStep is a request of a user flow that a fault can hit.
type faultStep struct {
	name, method, path string
	// okBody and okStatus are a captured answer of this endpoint, for the
	// faults that cut or mislabel an answer.
	okBody   string
	okStatus int
}

var faultSteps = []faultStep{
	{"signup_create_flow", http.MethodGet, "/self-service/registration/api", "registration_flow_created_200.json", 200},
	{"signup_submit", http.MethodPost, "/self-service/registration", "registration_success_200.json", 200},
	{"signin_create_flow", http.MethodGet, "/self-service/login/api", "login_flow_created_200.json", 200},
	{"signin_submit", http.MethodPost, "/self-service/login", "login_success_200.json", 200},
	{"launch_whoami", http.MethodGet, "/sessions/whoami", "whoami_success_200.json", 200},
	// A successful logout is 204 with no body: the cut answer is the
	// captured 403.
	{"signout_logout", http.MethodDelete, "/self-service/logout/api", "logout_unknown_token_403.json", 403},
}

// faultKind is a fault with the words the client's message must contain.
type faultKind struct {
	name string
	rule func(t testing.TB, s faultStep) faultproxy.Rule
	// want is what the message must say, by step name ("" key: any step).
	want map[string]string
}

// body422 is the 422 answer: no 422 was captured from Kratos, so the body
// is a generic error envelope that states only the fault itself.
const body422 = `{"error":{"code":422,"status":"Unprocessable Entity","message":"fault injected: HTTP 422"}}`

func faultKinds() []faultKind {
	status := func(code int, body, ct string) func(testing.TB, faultStep) faultproxy.Rule {
		return func(t testing.TB, s faultStep) faultproxy.Rule {
			b := []byte(body)
			if strings.HasSuffix(body, ".json") {
				b = fixture(t, body)
			}
			return faultproxy.Rule{Kind: faultproxy.Status, Status: code, Body: b, ContentType: ct}
		}
	}
	formExpired := fsm.MessageFormExpired
	return []faultKind{
		{"reset", func(testing.TB, faultStep) faultproxy.Rule { return faultproxy.Rule{Kind: faultproxy.Reset} },
			map[string]string{"": "connection reset"}},
		{"close", func(testing.TB, faultStep) faultproxy.Rule { return faultproxy.Rule{Kind: faultproxy.Close} },
			map[string]string{"": "closed before an answer"}},
		{"timeout", func(testing.TB, faultStep) faultproxy.Rule {
			return faultproxy.Rule{Kind: faultproxy.Delay, Delay: time.Minute}
		}, map[string]string{"": "timed out"}},
		{"http500", status(500, "", "text/plain"), map[string]string{"": "HTTP 500"}},
		{"http502", status(502, "<html>Bad Gateway</html>", "text/html"), map[string]string{"": "HTTP 502"}},
		{"http503", status(503, "", "text/plain"), map[string]string{"": "HTTP 503"}},
		{"cut_body", func(t testing.TB, s faultStep) faultproxy.Rule {
			return faultproxy.Rule{Kind: faultproxy.Cut, Status: s.okStatus, Body: fixture(t, s.okBody)}
		}, map[string]string{"": "cut short"}},
		{"malformed_json", func(testing.TB, faultStep) faultproxy.Rule { return faultproxy.Rule{Kind: faultproxy.Malformed} },
			map[string]string{"": "not the JSON", "signout_logout": "instead of 204"}},
		{"wrong_content_type", func(t testing.TB, s faultStep) faultproxy.Rule {
			return faultproxy.Rule{Kind: faultproxy.WrongType, Body: fixture(t, s.okBody)}
		}, map[string]string{"": "content type", "signout_logout": "instead of 204"}},
		{"http403", status(403, "logout_unknown_token_403.json", ""), map[string]string{
			"":               "could not be found",
			"signup_submit":  formExpired,
			"signin_submit":  formExpired,
			"signout_logout": "You are signed out.",
		}},
		{"http410", status(410, "login_expired_flow_410.json", ""), map[string]string{"": "expired"}},
		{"http422", status(422, body422, ""), map[string]string{"": "HTTP 422"}},
	}
}

func (k faultKind) message(step string) string {
	if w, ok := k.want[step]; ok {
		return w
	}
	return k.want[""]
}

// faultTally counts the faults of a test for the reliability report.
type faultTally struct {
	mu                                    sync.Mutex
	tried, survived, dataLost, secretsHit int
}

func (f *faultTally) fill(r *reliability.Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r.Tried, r.Survived, r.DataLost, r.SecretsFound = f.tried, f.survived, f.dataLost, f.secretsHit
}

// TestFaultMatrix injects every fault at every step of sign-up, sign-in,
// launch with a stored token and sign-out, through a fault proxy in front
// of a real Kratos. Each time the machine must end in a clear state with a
// message that names the problem; the user must be able to retry and
// succeed once the fault is gone; a stored token must survive; no secret
// may appear in anything the client writes; no goroutine may leak.
func TestFaultMatrix(t *testing.T) {
	srv := kratosServer(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := proxy.Close(); err != nil {
			t.Error(err)
		}
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	}()
	var tally faultTally
	reliability.Report(t, reliability.SuiteFaults, tally.fill)

	for _, step := range faultSteps {
		for _, kind := range faultKinds() {
			t.Run(step.name+"/"+kind.name, func(t *testing.T) {
				proxy.Clear()
				tally.mu.Lock()
				tally.tried++
				tally.mu.Unlock()
				lost, leaked := runFault(t, srv, proxy, step, kind)
				tally.mu.Lock()
				defer tally.mu.Unlock()
				tally.dataLost += lost
				tally.secretsHit += leaked
				if !t.Failed() {
					tally.survived++
				}
			})
		}
	}
}

// runFault runs one fault at one step and returns the tokens lost and the
// secrets found in the client's output.
func runFault(t *testing.T, srv *kratostest.Server, proxy *faultproxy.Proxy, step faultStep, kind faultKind) (lost, leaked int) {
	ctx := context.Background()
	email := faultEmail()
	tokens := tokenstore.NewMemory()
	out := &capture{}
	var stored string // a valid token stored before the run, if any
	if step.name == "launch_whoami" || step.name == "signout_logout" || step.name == "signin_submit" || step.name == "signin_create_flow" {
		if _, err := srv.CreateIdentity(ctx, email, password); err != nil {
			t.Fatal(err)
		}
	}
	if step.name == "launch_whoami" || step.name == "signout_logout" {
		tok, err := srv.LoginSessionToken(ctx, email, password)
		if err != nil {
			t.Fatal(err)
		}
		stored = tok
		_ = tokens.Save(tok)
	}
	rule := kind.rule(t, step)
	rule.Method, rule.PathPrefix = step.method, step.path
	want := kind.message(step.name)

	// Before the fault: bring the client to the step.
	if step.name == "launch_whoami" {
		proxy.Add(rule)
	}
	timeout := guardTimeout
	if kind.name == "timeout" {
		timeout = faultTimeout
	}
	recPath := filepath.Join(t.TempDir(), "fault.flowlog")
	c := startRecordedClient(t, proxy.URL(), tokens, out, timeout, recPath)
	switch step.name {
	case "launch_whoami":
		failed := decode[signedOut](t, c.await("SessionCheckFailed"))
		expectMessage(t, "launch", failed.Message, want)
		if tok, _ := tokens.Load(); tok != stored {
			t.Errorf("the stored token did not survive a failed launch")
			lost++
		}
		proxy.Clear()
		c.send("AppStarted", nil)
		c.await("SignedIn")
	case "signout_logout":
		c.await("SignedIn")
		proxy.Add(rule)
		c.send("SignOutRequested", nil)
		if kind.name == "http403" {
			// Kratos answers 403 to a token it does not know: the local
			// session ends; the fault kept the real session alive, so end
			// it here.
			out := decode[signedOut](t, c.await("SignedOut"))
			expectMessage(t, "sign-out", out.Message, want)
			if tok, _ := tokens.Load(); tok != "" {
				t.Errorf("token kept after a 403 logout")
			}
			revoke(t, srv, stored)
			break
		}
		in := decode[signedIn](t, c.await("SignedIn"))
		expectMessage(t, "sign-out", in.Notice, "Could not sign out")
		expectMessage(t, "sign-out", in.Notice, want)
		if tok, _ := tokens.Load(); tok != stored {
			t.Errorf("the stored token did not survive a failed sign-out")
			lost++
		}
		if whoamiStatus(t, srv, stored) != http.StatusOK {
			t.Errorf("the session was revoked although sign-out failed")
		}
		proxy.Clear()
		c.send("SignOutRequested", nil)
		c.await("SignedOut")
		if tok, _ := tokens.Load(); tok != "" {
			t.Errorf("token kept after sign-out")
		}
		if whoamiStatus(t, srv, stored) != http.StatusUnauthorized {
			t.Errorf("session still valid after the retried sign-out")
		}
	case "signup_create_flow", "signin_create_flow":
		c.await("SignedOut")
		intent, shown := "RegistrationFlowRequested", "RegistrationFormShown"
		if step.name == "signin_create_flow" {
			intent, shown = "LoginFlowRequested", "LoginFormShown"
		}
		proxy.Add(rule)
		c.send(intent, nil)
		failed := decode[signedOut](t, c.await("SignedOut"))
		if failed.Reason != "flow_failed" || failed.Error == nil {
			t.Errorf("want SignedOut flow_failed with the error, got %+v", failed)
		}
		expectMessage(t, "create flow", failed.Message, want)
		proxy.Clear()
		c.send(intent, nil)
		c.await(shown)
		if intent == "RegistrationFlowRequested" {
			c.send("SignUpSubmitted", map[string]any{"email": email, "password": password})
		} else {
			c.send("SignInSubmitted", map[string]any{"identifier": email, "password": password})
		}
		c.await("SignedIn")
	case "signup_submit", "signin_submit":
		c.await("SignedOut")
		intent, shown, submit := "RegistrationFlowRequested", "RegistrationFormShown", "SignUpSubmitted"
		data := map[string]any{"email": email, "password": password}
		if step.name == "signin_submit" {
			intent, shown, submit = "LoginFlowRequested", "LoginFormShown", "SignInSubmitted"
			data = map[string]any{"identifier": email, "password": password}
		}
		c.send(intent, nil)
		c.await(shown)
		proxy.Add(rule)
		c.send(submit, data)
		f := decode[form](t, c.await(shown))
		expectMessage(t, "submit", f.GeneralError, want)
		proxy.Clear()
		c.send(submit, data)
		c.await("SignedIn")
	default:
		t.Fatalf("unknown step %s", step.name)
	}
	final, _ := tokens.Load()
	if step.name != "signout_logout" && !strings.HasPrefix(final, "ory_st_") {
		t.Errorf("signed in but no token stored")
		lost++
	}
	c.in.Close()
	// Wait for the client to finish so that all output is captured.
	for range c.lines {
	}
	recorded, err := os.ReadFile(recPath)
	if err != nil || len(recorded) == 0 {
		t.Errorf("the fault run was not recorded: %v", err)
	}
	for _, secret := range []string{stored, final, password} {
		if secret != "" && strings.Contains(out.String(), secret) {
			t.Errorf("a secret (%d chars) appears in the client's output or debug log", len(secret))
			leaked++
		}
		if secret != "" && strings.Contains(string(recorded), secret) {
			t.Errorf("a secret (%d chars) appears in the recording of the fault run", len(secret))
			leaked++
		}
	}
	return lost, leaked
}

// expectMessage checks that a message is there and names the problem.
func expectMessage(t *testing.T, what, msg, want string) {
	t.Helper()
	if strings.TrimSpace(msg) == "" {
		t.Errorf("%s: empty message", what)
		return
	}
	if !strings.Contains(strings.ToLower(msg), strings.ToLower(want)) {
		t.Errorf("%s: message %q does not say %q", what, msg, want)
	}
}

// TestFaultPasswordSubmitIsNeverRetried counts the requests at the proxy:
// a failed password submit (sign-in and sign-up) or logout is sent once,
// whatever the failure; a failed GET (flow creation) is retried twice on a
// 5xx or a reset connection, and then succeeds.
func TestFaultPasswordSubmitIsNeverRetried(t *testing.T) {
	srv := kratosServer(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = proxy.Close()
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	}()
	var tally faultTally
	reliability.Report(t, reliability.SuiteFaults, tally.fill)
	ctx := context.Background()

	for _, kind := range []faultproxy.Kind{faultproxy.Status, faultproxy.Reset, faultproxy.Close, faultproxy.Delay} {
		for _, path := range []string{"/self-service/login", "/self-service/registration"} {
			t.Run(string(kind)+path, func(t *testing.T) {
				tally.mu.Lock()
				tally.tried++
				tally.mu.Unlock()
				proxy.Clear()
				email := faultEmail()
				login := path == "/self-service/login"
				if login {
					if _, err := srv.CreateIdentity(ctx, email, password); err != nil {
						t.Fatal(err)
					}
				}
				timeout := guardTimeout
				if kind == faultproxy.Delay {
					timeout = faultTimeout
				}
				c := startCapturedClient(t, proxy.URL(), tokenstore.NewMemory(), &capture{}, timeout)
				c.await("SignedOut")
				intent, shown, submit := "RegistrationFlowRequested", "RegistrationFormShown", "SignUpSubmitted"
				data := map[string]any{"email": email, "password": password}
				if login {
					intent, shown, submit = "LoginFlowRequested", "LoginFormShown", "SignInSubmitted"
					data = map[string]any{"identifier": email, "password": password}
				}
				c.send(intent, nil)
				c.await(shown)
				proxy.ResetCounts()
				proxy.Add(faultproxy.Rule{Method: http.MethodPost, PathPrefix: path, Kind: kind, Status: 503, Delay: time.Minute})
				c.send(submit, data)
				c.await(shown)
				if n := proxy.Count(http.MethodPost, path); n != 1 {
					t.Errorf("%s fault: the password was sent %d times, want exactly once", kind, n)
				}
				if !t.Failed() {
					tally.mu.Lock()
					tally.survived++
					tally.mu.Unlock()
				}
			})
		}
	}

	t.Run("logout", func(t *testing.T) {
		tally.mu.Lock()
		tally.tried++
		tally.mu.Unlock()
		proxy.Clear()
		email := faultEmail()
		if _, err := srv.CreateIdentity(ctx, email, password); err != nil {
			t.Fatal(err)
		}
		tok, err := srv.LoginSessionToken(ctx, email, password)
		if err != nil {
			t.Fatal(err)
		}
		tokens := tokenstore.NewMemory()
		_ = tokens.Save(tok)
		c := startCapturedClient(t, proxy.URL(), tokens, &capture{}, guardTimeout)
		c.await("SignedIn")
		proxy.ResetCounts()
		proxy.Add(faultproxy.Rule{Method: http.MethodDelete, Kind: faultproxy.Status, Status: 503})
		c.send("SignOutRequested", nil)
		c.await("SignedIn")
		if n := proxy.Count(http.MethodDelete, ""); n != 1 {
			t.Errorf("logout sent %d times, want once", n)
		}
		revoke(t, srv, tok)
		if !t.Failed() {
			tally.mu.Lock()
			tally.survived++
			tally.mu.Unlock()
		}
	})

	t.Run("get_retried", func(t *testing.T) {
		tally.mu.Lock()
		tally.tried++
		tally.mu.Unlock()
		for _, kind := range []faultproxy.Kind{faultproxy.Status, faultproxy.Reset} {
			proxy.Clear()
			c := startCapturedClient(t, proxy.URL(), tokenstore.NewMemory(), &capture{}, guardTimeout)
			c.await("SignedOut")
			proxy.ResetCounts()
			proxy.Add(faultproxy.Rule{Method: http.MethodGet, PathPrefix: "/self-service/login/api", Kind: kind, Status: 503, Times: 2})
			c.send("LoginFlowRequested", nil)
			c.await("LoginFormShown")
			if n := proxy.Count(http.MethodGet, "/self-service/login/api"); n != 3 {
				t.Errorf("%s: flow creation sent %d times, want 3 (two retries)", kind, n)
			}
			c.in.Close()
			for range c.lines {
			}
		}
		if !t.Failed() {
			tally.mu.Lock()
			tally.survived++
			tally.mu.Unlock()
		}
	})
}

// TestFaultCutAfterKratosSignedIn cuts the real answer of a sign-in that
// Kratos has already accepted: the client shows the failure, and the user
// who submits again is signed in (after at most one replaced form).
func TestFaultCutAfterKratosSignedIn(t *testing.T) {
	srv := kratosServer(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = proxy.Close()
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	}()
	var tally faultTally
	tally.tried = 1
	reliability.Report(t, reliability.SuiteFaults, tally.fill)
	email := faultEmail()
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	tokens := tokenstore.NewMemory()
	out := &capture{}
	c := startCapturedClient(t, proxy.URL(), tokens, out, guardTimeout)
	c.await("SignedOut")
	c.send("LoginFlowRequested", nil)
	c.await("LoginFormShown")
	proxy.Add(faultproxy.Rule{Method: http.MethodPost, PathPrefix: "/self-service/login", Kind: faultproxy.Cut, Forward: true, Times: 1})
	data := map[string]any{"identifier": email, "password": password}
	c.send("SignInSubmitted", data)
	f := decode[form](t, c.await("LoginFormShown"))
	expectMessage(t, "cut sign-in", f.GeneralError, "cut short")
	signed := false
	for range 2 {
		c.send("SignInSubmitted", data)
		l := c.await("SignedIn", "LoginFormShown")
		if l.Type == "SignedIn" {
			signed = true
			break
		}
		expectMessage(t, "resubmit", decode[form](t, l).GeneralError, "expired")
	}
	if !signed {
		t.Fatal("not signed in after two more submits")
	}
	tok, _ := tokens.Load()
	if !strings.HasPrefix(tok, "ory_st_") {
		t.Fatal("no token stored")
	}
	c.in.Close()
	for range c.lines {
	}
	if strings.Contains(out.String(), tok) || strings.Contains(out.String(), password) {
		tally.secretsHit++
		t.Error("secret in output")
	}
	if !t.Failed() {
		tally.survived = 1
	}
}
