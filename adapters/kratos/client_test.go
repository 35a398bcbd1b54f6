package kratos

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestNewValidatesURL(t *testing.T) {
	good := map[string]string{
		"http://127.0.0.1:4433":        "http://127.0.0.1:4433",
		"http://127.0.0.1:4433/":       "http://127.0.0.1:4433",
		"https://auth.example.org/":    "https://auth.example.org",
		"https://example.org/kratos//": "https://example.org/kratos",
		" http://localhost:4433 ":      "http://localhost:4433",
	}
	for in, want := range good {
		c, err := New(in, Options{})
		if err != nil {
			t.Errorf("New(%q): %v", in, err)
			continue
		}
		if c.URL() != want {
			t.Errorf("New(%q).URL() = %q, want %q", in, c.URL(), want)
		}
	}
	bad := []string{"", "127.0.0.1:4433", "localhost:4433", "/relative", "ftp://example.org",
		"http://", "http://:4433", "http://user:pw@example.org", "http://example.org/?x=1",
		"http://example.org/#frag", "http://exa mple.org"}
	for _, in := range bad {
		if _, err := New(in, Options{}); err == nil {
			t.Errorf("New(%q): no error", in)
		} else if !strings.Contains(err.Error(), "invalid public URL") {
			t.Errorf("New(%q): unclear error %q", in, err)
		}
	}
	if _, err := New("http://example.org", Options{Timeout: -1}); err == nil {
		t.Error("negative timeout accepted")
	}
}

func TestNewDefaultTimeout(t *testing.T) {
	c, err := New("http://127.0.0.1:1", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.timeout != DefaultTimeout {
		t.Errorf("timeout = %s, want %s", c.timeout, DefaultTimeout)
	}
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	n    atomic.Int64
	base http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestOptionsTransportCarriesRequests(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	ct := &countingTransport{base: http.DefaultTransport}
	c := newTestClient(t, srv.URL, Options{Transport: ct})
	if err := c.Logout(context.Background(), "ory_st_x"); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if got := ct.n.Load(); got != 1 {
		t.Errorf("transport carried %d requests, want 1", got)
	}

	// HTTPClient.Transport is used when Options.Transport is nil.
	ct2 := &countingTransport{base: http.DefaultTransport}
	c2 := newTestClient(t, srv.URL, Options{HTTPClient: &http.Client{Transport: ct2}})
	if err := c2.Logout(context.Background(), "ory_st_x"); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if got := ct2.n.Load(); got != 1 {
		t.Errorf("HTTPClient transport carried %d requests, want 1", got)
	}
}

func TestNoCookiesNoOrigin(t *testing.T) {
	var bad atomic.Int64
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" || r.Header.Get("Origin") != "" {
			bad.Add(1)
		}
		http.SetCookie(w, &http.Cookie{Name: "ory_kratos_session", Value: "x", Path: "/"})
		w.WriteHeader(http.StatusNoContent)
	})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// The caller's client has a jar; New must drop it.
	c := newTestClient(t, srv.URL, Options{HTTPClient: &http.Client{Jar: jar}})
	for range 3 {
		if err := c.Logout(context.Background(), "ory_st_x"); err != nil {
			t.Fatalf("Logout: %v", err)
		}
	}
	if bad.Load() != 0 {
		t.Errorf("%d requests carried Cookie or Origin", bad.Load())
	}

	// Headers set by a misbehaving inner layer are stripped too.
	gt := &guardTransport{base: http.DefaultTransport, maxBody: maxBodyBytes}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL, nil)
	req.Header.Set("Cookie", "a=b")
	req.Header.Set("Origin", "http://evil.example")
	resp, err := gt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if bad.Load() != 0 {
		t.Error("guardTransport let Cookie or Origin through")
	}
	if req.Header.Get("Cookie") == "" {
		t.Error("guardTransport modified the caller's request")
	}
}

func TestEmptyTokenAndFlowID(t *testing.T) {
	var hits atomic.Int64
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	c := newTestClient(t, srv.URL, Options{})
	ctx := context.Background()
	_, err := c.Whoami(ctx, "")
	wantClass(t, err, adapters.ClassUnauthorized)
	wantClass(t, c.Logout(ctx, ""), adapters.ClassUnauthorized)
	_, err = c.SubmitLogin(ctx, loginReq("", "pw"))
	wantClass(t, err, adapters.ClassInternal)
	if hits.Load() != 0 {
		t.Errorf("%d requests sent for calls that cannot succeed", hits.Load())
	}
}
