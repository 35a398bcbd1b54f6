package kratos

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// newTestClient returns a client for srv with a short timeout.
func newTestClient(t *testing.T, url string, opts Options) *Client {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	c, err := New(url, opts)
	if err != nil {
		t.Fatalf("New(%q): %v", url, err)
	}
	return c
}

// fakeServer starts an httptest server with h and closes it at the end.
func fakeServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// wantClass fails unless err is an *adapters.Error of class want, and
// returns it.
func wantClass(t *testing.T, err error, want adapters.Class) *adapters.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want class %s", want)
	}
	var ae *adapters.Error
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v, want *adapters.Error of class %s", err, err, want)
	}
	if ae.Class != want {
		t.Fatalf("got class %s (%v), want %s", ae.Class, ae, want)
	}
	return ae
}

// allCalls runs every Client method once against c and returns the errors
// by method name.
func allCalls(c *Client, secret string) map[string]error {
	ctx := context.Background()
	errs := map[string]error{}
	_, errs["CreateLoginFlow"] = c.CreateLoginFlow(ctx)
	_, errs["CreateRegistrationFlow"] = c.CreateRegistrationFlow(ctx)
	_, errs["SubmitLogin"] = c.SubmitLogin(ctx, adapters.LoginRequest{
		FlowID: "f", Identifier: "a@example.org", Password: secret})
	_, errs["SubmitRegistration"] = c.SubmitRegistration(ctx, adapters.RegistrationRequest{
		FlowID: "f", Traits: map[string]any{"email": "a@example.org"}, Password: secret})
	_, errs["Whoami"] = c.Whoami(ctx, secret)
	_, errs["CurrentSession"] = c.CurrentSession(ctx, secret)
	errs["Logout"] = c.Logout(ctx, secret)
	return errs
}

// mustContain fails unless s contains every part.
func mustContain(t *testing.T, s string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			t.Errorf("%q does not contain %q", s, p)
		}
	}
}

// loginReq builds a login request for a@example.org.
func loginReq(flowID, password string) adapters.LoginRequest {
	return adapters.LoginRequest{FlowID: flowID, Identifier: "a@example.org", Password: password}
}

// messageIDs returns every message id of a flow: general ones and the ones
// of each node, as "id" or "node:id".
func messageIDs(f *adapters.Flow) []string {
	var ids []string
	for _, m := range f.UI.Messages {
		ids = append(ids, itoa(m.ID))
	}
	for _, n := range f.UI.Nodes {
		for _, m := range n.Messages {
			ids = append(ids, n.Attributes.Name+":"+itoa(m.ID))
		}
	}
	return ids
}

// itoa formats a message id.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
