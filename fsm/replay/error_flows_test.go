package replay_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// The error paths of the corpus, recorded against the real Kratos like
// the rest (wrong password, duplicate account, expired flow and revoked
// token are in flows_test.go).
func init() {
	corpus = append(corpus, errorCorpus...)
}

var errorCorpus = []flow{
	{name: "sign_up_short_password", script: signUpShortPassword},
	{name: "totp_wrong_code", script: totpWrongCode},
	{name: "kratos_down_then_back", account: true, proxied: true, script: kratosDownThenBack},
	// Kratos gets the request and does not answer within the client's
	// timeout, then answers the same request.
	{name: "kratos_slow_then_answers", account: true, proxied: true, timeout: 300 * time.Millisecond, script: kratosSlowThenAnswers},
	// The backend answers who is signed in at launch: its client runs on
	// the recorded wire too.
	{name: "launch_backend_token", account: true, token: true, backend: true},
	{name: "launch_backend_revoked_token", account: true, token: true, revoke: true, backend: true},
}

func TestLaunchBackendTokenReplays(t *testing.T) {
	replay.File(t, "testdata/flows/launch_backend_token.jsonl")
}

func TestLaunchBackendRevokedTokenReplays(t *testing.T) {
	replay.File(t, "testdata/flows/launch_backend_revoked_token.jsonl")
}

func TestSignUpShortPasswordReplays(t *testing.T) {
	replay.File(t, "testdata/flows/sign_up_short_password.jsonl")
}

func TestTOTPWrongCodeReplays(t *testing.T) {
	replay.File(t, "testdata/flows/totp_wrong_code.jsonl")
}

func TestKratosDownThenBackReplays(t *testing.T) {
	replay.File(t, "testdata/flows/kratos_down_then_back.jsonl")
}

// TestKratosSlowThenAnswersReplays: a call that timed out after Kratos got
// the request replays as it ran (the adapter hears the request was
// written, and names the recorded timeout), and the replay diverges when
// the client classifies it otherwise.
func TestKratosSlowThenAnswersReplays(t *testing.T) {
	const path = "testdata/flows/kratos_slow_then_answers.jsonl"
	replay.File(t, path)
	rec, err := replay.LoadFile(replay.Resolve(path))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rec.Records {
		if ret, ok := r.Event.(events.AdapterReturned); ok && ret.Error != nil && strings.Contains(ret.Error.Message, "was reached but has not answered (timed out after 300ms") {
			found = true
		}
	}
	if !found {
		t.Fatalf("%s has no call that timed out after Kratos got the request", path)
	}
}

// signUpShortPassword: a password under Kratos's minimum length is refused
// with a message on the password field; a long enough one signs up.
func signUpShortPassword(r *run) []step {
	short := "Xq7"
	r.secret(short)
	return []step{
		then[events.SignedOut](r, events.RegistrationFlowRequested{}),
		then[events.RegistrationFormShown](r, events.SignUpSubmitted{Email: r.email, Password: short}),
		on(r, func(f events.RegistrationFormShown) events.Event {
			n := formNode(f.Form, "password")
			if n == nil || len(n.Messages) == 0 {
				return r.fail("want a message on the password field, got %s", describeState(f))
			}
			return events.SignUpSubmitted{Email: r.email, Password: r.password}
		}),
		end(r, func(in events.SignedIn) string { return signedInAs(r, "")(in) }),
	}
}

// totpWrongCode: enrol TOTP, sign in again; a wrong TOTP code is refused,
// the right one passes (aal2).
func totpWrongCode(r *run) []step {
	steps := totpEnrolSignIn(r)
	// totpEnrolSignIn ends: the second factor form -> the right code ->
	// signed in at aal2. A wrong code goes in first.
	final := steps[len(steps)-1]
	wrong := on(r, func(f events.SecondFactorFormShown) events.Event {
		code, err := r.totpCode(r.totpSecret())
		if err != nil {
			return r.fail("TOTP code: %v", err)
		}
		var n int
		fmt.Sscanf(code, "%d", &n)
		bad := fmt.Sprintf("%06d", (n+500000)%1000000)
		r.code(bad)
		return events.SecondFactorSubmitted{Method: "totp", Code: bad}
	})
	right := on(r, func(f events.SecondFactorFormShown) events.Event {
		if len(f.Form.UI.Messages) == 0 && f.Form.GeneralError == "" && len(f.Form.Messages) == 0 && !anyFieldMessage(f.Form) {
			return r.fail("want the wrong TOTP code refused, got %s", describeState(f))
		}
		code, err := r.totpCode(r.totpSecret())
		if err != nil {
			return r.fail("TOTP code: %v", err)
		}
		return events.SecondFactorSubmitted{Method: "totp", Code: code}
	})
	out := append([]step(nil), steps[:len(steps)-2]...)
	return append(out, wrong, right, final)
}

func anyFieldMessage(f events.Form) bool {
	for _, n := range f.UI.Nodes {
		if len(n.Messages) > 0 {
			return true
		}
	}
	return false
}

// kratosDownThenBack: Kratos cannot be reached when the user asks to sign
// in (connection refused), then it is back and the same request works.
func kratosDownThenBack(r *run) []step {
	return []step{
		func(seen []events.Envelope) events.Event {
			r.proxy.down()
			return events.LoginFlowRequested{}
		},
		func(seen []events.Envelope) events.Event {
			if len(seen) == 0 {
				return r.fail("no state after the request while Kratos was down")
			}
			if _, ok := seen[len(seen)-1].Event.(events.LoginFormShown); ok {
				return r.fail("a login form while Kratos was down")
			}
			if err := r.proxy.up(); err != nil {
				return r.fail("bring Kratos back: %v", err)
			}
			return events.LoginFlowRequested{}
		},
		then[events.LoginFormShown](r, events.SignInSubmitted{Identifier: r.email, Password: r.password}),
		end(r, func(in events.SignedIn) string { return signedInAs(r, "")(in) }),
	}
}

// kratosSlowThenAnswers: Kratos gets the request for a sign-in form and
// does not answer within the client's timeout (300 ms); asked again, it
// answers, and the user signs in.
func kratosSlowThenAnswers(r *run) []step {
	return []step{
		func(seen []events.Envelope) events.Event {
			r.proxy.stallNext()
			return events.LoginFlowRequested{}
		},
		func(seen []events.Envelope) events.Event {
			if len(seen) == 0 {
				return r.fail("no state after the request Kratos did not answer")
			}
			if _, ok := seen[len(seen)-1].Event.(events.LoginFormShown); ok {
				return r.fail("a login form though Kratos did not answer")
			}
			return events.LoginFlowRequested{}
		},
		then[events.LoginFormShown](r, events.SignInSubmitted{Identifier: r.email, Password: r.password}),
		end(r, func(in events.SignedIn) string { return signedInAs(r, "")(in) }),
	}
}

// switchProxy forwards to a Kratos on a fixed loopback address that can be
// taken down (nothing listens: connection refused) and brought back, or
// made to hold the next request unanswered until the client gives up.
type switchProxy struct {
	addr  string
	proxy *httputil.ReverseProxy

	mu    sync.Mutex
	srv   *http.Server
	stall bool
}

// stallNext makes the next request wait, unanswered, until the client
// gives up on it (its timeout).
func (p *switchProxy) stallNext() {
	p.mu.Lock()
	p.stall = true
	p.mu.Unlock()
}

func (p *switchProxy) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	p.mu.Lock()
	stall := p.stall
	p.stall = false
	p.mu.Unlock()
	if stall {
		<-req.Context().Done()
		return
	}
	p.proxy.ServeHTTP(w, req)
}

func startSwitchProxy(t *testing.T, upstream string) *switchProxy {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &switchProxy{proxy: httputil.NewSingleHostReverseProxy(u)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.down)
	return p
}

func (p *switchProxy) URL() string { return "http://" + p.addr }

func (p *switchProxy) serve(ln net.Listener) {
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	p.mu.Lock()
	p.srv = srv
	p.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// down stops listening: a request now gets connection refused.
func (p *switchProxy) down() {
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// up listens again on the same address.
func (p *switchProxy) up() error {
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.serve(ln)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.Join(errors.New("listen again on "+p.addr), err)
}
