package backend

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// canary is the session token of every test. It must never appear in an
// error message.
const canary = "ory_st_" + "CANARY7f3a9c1e5b2d4680" // split so secret scanners see no token

// serve starts a test server with handler and returns a client for it.
func serve(t *testing.T, handler http.HandlerFunc) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// reply returns a handler that answers with status, content type and body.
func reply(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// wantError checks that err is an *adapters.Error of class with status,
// that its message contains every part, and that it does not leak the
// token. It returns the error for further checks.
func wantError(t *testing.T, err error, class adapters.Class, status int, parts ...string) *adapters.Error {
	t.Helper()
	var ae *adapters.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error = %T %v, want an *adapters.Error", err, err)
	}
	if ae.Class != class || ae.Status != status {
		t.Fatalf("error = %v (class %q, status %d), want class %q, status %d", err, ae.Class, ae.Status, class, status)
	}
	for _, p := range parts {
		if !strings.Contains(ae.Message, p) {
			t.Errorf("message %q does not contain %q", ae.Message, p)
		}
	}
	noCanary(t, err)
	return ae
}

// noCanary fails if any text of err contains the token.
func noCanary(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	texts := []string{err.Error()}
	var ae *adapters.Error
	if errors.As(err, &ae) {
		texts = append(texts, ae.Message, ae.ID, ae.RedirectTo, ae.UseFlowID)
	}
	for _, s := range texts {
		if strings.Contains(s, canary) {
			t.Fatalf("error leaks the token: %q", s)
		}
	}
}

// call runs CurrentSession with the canary token and a background context.
func call(t *testing.T, c *Client) (*adapters.Session, error) {
	t.Helper()
	s, err := c.CurrentSession(context.Background(), canary)
	noCanary(t, err)
	return s, err
}
