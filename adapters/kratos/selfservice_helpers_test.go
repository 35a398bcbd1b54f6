package kratos

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// The shared courier all self-service variants deliver to; it lives as
// long as the test binary (like the shared Kratos servers it serves).
var (
	courierOnce sync.Once
	courier     *kratostest.Courier
	courierErr  error
)

// selfServiceServer returns the shared real Kratos of a self-service
// variant, with the shared courier wired in, and the courier.
//
//   - "selfservice": courier, default lifespans and privileged age
//   - "selfservice-privileged": privileged_session_max_age 1s
//   - "selfservice-short": settings, recovery and verification flows
//     expire after 1s
func selfServiceServer(t *testing.T, variant string) (*kratostest.Server, *kratostest.Courier) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping integration test in -short mode")
	}
	courierOnce.Do(func() { courier, courierErr = kratostest.StartCourier() })
	if courierErr != nil {
		t.Fatal(courierErr)
	}
	opts := kratostest.Options{CourierURL: courier.URL()}
	switch variant {
	case "selfservice":
	case "selfservice-privileged":
		opts.PrivilegedSessionMaxAge = "1s"
	case "selfservice-short":
		opts.SettingsLifespan, opts.RecoveryLifespan, opts.VerificationLifespan = "1s", "1s", "1s"
	default:
		t.Fatalf("unknown self-service variant %q", variant)
	}
	serversMu.Lock()
	if _, ok := variants[variant]; !ok {
		variants[variant] = opts
	}
	serversMu.Unlock()
	return kratosServer(t, variant), courier
}

// bodyRecorder keeps the last response body of each exchange so that
// tests can capture fixtures of what the real Kratos answered.
type bodyRecorder struct {
	mu   sync.Mutex
	last []byte
	code int
}

func (b *bodyRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	b.mu.Lock()
	b.last, b.code = body, resp.StatusCode
	b.mu.Unlock()
	return resp, nil
}

// lastBody returns the last body and its status.
func (b *bodyRecorder) lastBody() ([]byte, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.last...), b.code
}

// ssClient is a real client with a body recorder, and the captures.
type ssClient struct {
	*Client
	rec *bodyRecorder
	cap *captures
}

// newSSClient returns a client for srv that records bodies into cap.
func newSSClient(t *testing.T, srv *kratostest.Server, cap *captures) *ssClient {
	t.Helper()
	rec := &bodyRecorder{}
	return &ssClient{Client: realClient(t, srv, Options{Transport: rec}), rec: rec, cap: cap}
}

// capture stores the last answer under name (status appended).
func (c *ssClient) capture(t *testing.T, name string) {
	t.Helper()
	body, status := c.rec.lastBody()
	c.cap.add(t, name, status, body)
}

// signInPassword signs in with the password method and returns the
// session.
func signInPassword(t *testing.T, c *Client, email, password string) *adapters.Session {
	t.Helper()
	ctx := testCtx(t)
	flow, err := c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatalf("CreateLoginFlow: %v", err)
	}
	s, err := c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: flow.ID, Identifier: email, Password: password})
	if err != nil {
		t.Fatalf("SubmitLogin: %v", err)
	}
	return s
}

// newAccount creates an identity through the admin API, signs in and
// returns the email and the session.
func newAccount(t *testing.T, srv *kratostest.Server, c *Client) (string, *adapters.Session) {
	t.Helper()
	email := uniqueEmail()
	if _, err := srv.CreateIdentity(testCtx(t), email, goodPassword); err != nil {
		t.Fatal(err)
	}
	return email, signInPassword(t, c, email, goodPassword)
}

// findNode returns the first node with the given name (inputs) or id
// (text, img), or nil.
func findNode(f *adapters.Flow, name string) *adapters.Node {
	for i := range f.UI.Nodes {
		n := &f.UI.Nodes[i]
		if n.Attributes.Name == name || n.Attributes.ID == name {
			return n
		}
	}
	return nil
}

// nodeNames lists a flow's nodes as "group/name" for the log.
func nodeNames(f *adapters.Flow) []string {
	var out []string
	for _, n := range f.UI.Nodes {
		name := n.Attributes.Name
		if name == "" {
			name = n.Type + ":" + n.Attributes.ID
		}
		out = append(out, n.Group+"/"+name)
	}
	return out
}

// logFlow logs a flow's state, nodes and message ids.
func logFlow(t *testing.T, what string, f *adapters.Flow) {
	t.Helper()
	t.Logf("%s: state %q nodes %v messages %v", what, f.State, nodeNames(f), messageIDs(f))
}

// hasMessage reports whether the flow carries the message id anywhere.
func hasMessage(f *adapters.Flow, id int64) bool {
	for _, m := range f.UI.Messages {
		if m.ID == id {
			return true
		}
	}
	for _, n := range f.UI.Nodes {
		for _, m := range n.Messages {
			if m.ID == id {
				return true
			}
		}
	}
	return false
}

// totpSecret reads the TOTP secret from the totp_secret_key text node.
func totpSecret(t *testing.T, f *adapters.Flow) string {
	t.Helper()
	n := findNode(f, "totp_secret_key")
	if n == nil || n.Attributes.Text == nil {
		t.Fatalf("no totp_secret_key node in %v", nodeNames(f))
	}
	s, _ := n.Attributes.Text.Context["secret"].(string)
	if s == "" {
		t.Fatalf("totp_secret_key without secret: %+v", n.Attributes.Text)
	}
	return s
}

// lookupCodes reads the backup codes from the lookup_secret_codes node.
func lookupCodes(t *testing.T, f *adapters.Flow) []string {
	t.Helper()
	n := findNode(f, "lookup_secret_codes")
	if n == nil || n.Attributes.Text == nil {
		t.Fatalf("no lookup_secret_codes node in %v", nodeNames(f))
	}
	list, _ := n.Attributes.Text.Context["secrets"].([]any)
	var codes []string
	for _, e := range list {
		m, _ := e.(map[string]any)
		ctx, _ := m["context"].(map[string]any)
		if s, _ := ctx["secret"].(string); s != "" {
			codes = append(codes, s)
		}
	}
	if len(codes) == 0 {
		t.Fatalf("lookup_secret_codes without codes: %+v", n.Attributes.Text)
	}
	return codes
}

// totpCode returns the current TOTP code for secret, waiting for the next
// 30s step when the current one is about to end (so Kratos sees the same
// step).
func totpCode(t *testing.T, secret string) string {
	t.Helper()
	now := time.Now()
	if now.Unix()%30 >= 28 {
		waitPast(t, now.Truncate(30*time.Second).Add(30*time.Second))
		now = time.Now()
	}
	code, err := totp.GenerateCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// mustNotLeak fails when an error text holds any of the secrets.
func mustNotLeak(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	ae := adapters.AsError(err)
	for _, s := range secrets {
		if s != "" && (strings.Contains(err.Error(), s) || strings.Contains(ae.Message, s) ||
			strings.Contains(ae.RedirectTo, s)) {
			t.Errorf("error %v leaks a secret", err)
		}
	}
}
