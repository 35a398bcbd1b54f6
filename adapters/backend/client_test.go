package backend

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

const fullBody = `{
  "oryUser": {"id": "8f2b7a1e-0000-4000-8000-000000000001", "email": "ada@example.com", "verified": true},
  "session": {
    "id": "5c0e2a9d-0000-4000-8000-000000000002",
    "expires_at": "2030-01-02T03:04:05Z",
    "authenticated_at": "2029-12-31T23:00:00Z",
    "aal": "aal1"
  }
}`

func TestNewValidatesTheURL(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"127.0.0.1:4000", "not valid"},
		{"localhost:4000", `scheme "localhost"`},
		{"/relative/path", `scheme ""`},
		{"ftp://example.com", `scheme "ftp"`},
		{"http://", "no host"},
		{"http:///path", "no host"},
		{"http://example.com/?a=b", "query or fragment"},
		{"http://example.com/#frag", "query or fragment"},
		{"http://user:secret@:80", "no host"},
		{"http://u:secret@h:1/x", "contains credentials"},
	} {
		c, err := New(tc.url, nil)
		if err == nil {
			t.Errorf("New(%q) = %v, want an error", tc.url, c)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "http://127.0.0.1:4000") {
			t.Errorf("New(%q) error %q should contain %q and an example URL", tc.url, msg, tc.want)
		}
		if strings.Contains(msg, "secret") {
			t.Errorf("New(%q) error %q leaks the URL's password", tc.url, msg)
		}
	}
}

func TestNewAcceptsGoodURLs(t *testing.T) {
	for _, tc := range []struct{ url, base, whoami string }{
		{"http://127.0.0.1:4000", "http://127.0.0.1:4000", "http://127.0.0.1:4000/whoami"},
		{"https://api.example.com/", "https://api.example.com", "https://api.example.com/whoami"},
		{"HTTPS://api.example.com/v1/", "https://api.example.com/v1", "https://api.example.com/v1/whoami"},
	} {
		c, err := New(tc.url, nil)
		if err != nil {
			t.Errorf("New(%q): %v", tc.url, err)
			continue
		}
		if c.BaseURL() != tc.base || c.whoami != tc.whoami {
			t.Errorf("New(%q): base %q, whoami %q; want %q, %q", tc.url, c.BaseURL(), c.whoami, tc.base, tc.whoami)
		}
	}
}

func TestCurrentSessionSendsTheRequest(t *testing.T) {
	var got *http.Request
	c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		reply(http.StatusOK, "application/json", fullBody)(w, r)
	})
	if _, err := call(t, c); err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodGet || got.URL.Path != "/whoami" {
		t.Errorf("request = %s %s, want GET /whoami", got.Method, got.URL.Path)
	}
	if v := got.Header.Values("Accept"); len(v) != 1 || v[0] != "application/json" {
		t.Errorf("Accept = %q, want application/json", v)
	}
	if v := got.Header.Values("Session_token"); len(v) != 1 || v[0] != canary {
		t.Errorf("Session_token = %q, want the token", v)
	}
	if got.Header.Get("Authorization") != "" || got.Header.Get("Cookie") != "" {
		t.Errorf("unexpected credentials sent: %v", got.Header)
	}
}

func TestCurrentSessionKeepsThePathPrefix(t *testing.T) {
	var path string
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		reply(http.StatusOK, "application/json", fullBody)(w, r)
	})
	c, err := New(srv.URL+"/api/", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call(t, c); err != nil {
		t.Fatal(err)
	}
	if path != "/api/whoami" {
		t.Fatalf("path = %q, want /api/whoami", path)
	}
}

func TestCurrentSessionDecodesTheSession(t *testing.T) {
	c, _ := serve(t, reply(http.StatusOK, "application/json; charset=utf-8", fullBody))
	s, err := call(t, c)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	auth := time.Date(2029, 12, 31, 23, 0, 0, 0, time.UTC)
	if s.IdentityID != "8f2b7a1e-0000-4000-8000-000000000001" || s.Email != "ada@example.com" || !s.Verified ||
		s.ID != "5c0e2a9d-0000-4000-8000-000000000002" || s.AAL != "aal1" || s.Token != "" ||
		s.ExpiresAt == nil || !s.ExpiresAt.Equal(exp) || s.AuthenticatedAt == nil || !s.AuthenticatedAt.Equal(auth) {
		t.Fatalf("session = %+v", s)
	}
}

func TestCurrentSessionWithoutSessionPart(t *testing.T) {
	c, _ := serve(t, reply(http.StatusOK, "application/json",
		`{"oryUser":{"id":"u1","email":"b@example.com","verified":false},"extra":[1,2]}`))
	s, err := call(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if s.IdentityID != "u1" || s.Email != "b@example.com" || s.Verified || s.ID != "" || s.ExpiresAt != nil || s.AAL != "" {
		t.Fatalf("session = %+v", s)
	}
}

func TestCurrentSessionWithoutTokenAsksNobody(t *testing.T) {
	c, err := New("http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{"", canary + "\r\nX-Evil: 1"} {
		_, err := c.CurrentSession(context.Background(), token)
		wantError(t, err, adapters.ClassUnauthorized, 0, "Please sign in.")
	}
}

func TestCurrentSessionUnauthorized(t *testing.T) {
	c, _ := serve(t, reply(http.StatusUnauthorized, "application/json",
		`{"error":{"code":401,"id":"session_inactive","message":"No active session was found"}}`))
	_, err := call(t, c)
	ae := wantError(t, err, adapters.ClassUnauthorized, 401)
	if ae.Message != "Your session expired. Please sign in." || ae.ID != "session_inactive" {
		t.Fatalf("error = %+v", ae)
	}
}

func TestCurrentSessionForbidden(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		class                   adapters.Class
		id, message, redirect   string
	}{
		{"kratos envelope", "application/json",
			`{"error":{"id":"security_csrf_violation","message":"The request was rejected","reason":"Your account is locked."}}`,
			adapters.ClassForbidden, "security_csrf_violation", "Your account is locked.", ""},
		{"flat", "application/json", `{"error":"account_locked","message":"Your account is locked."}`,
			adapters.ClassForbidden, "account_locked", "Your account is locked.", ""},
		{"flat sentence", "application/json", `{"error":"Your account is locked."}`,
			adapters.ClassForbidden, "", "Your account is locked.", ""},
		{"aal2", "application/json",
			`{"error":{"id":"session_aal2_required","message":"Session does not fulfill the requested AAL"},"redirect_browser_to":"https://kratos/self-service/login/browser?aal=aal2"}`,
			adapters.ClassAAL2Required, "session_aal2_required", "Session does not fulfill the requested AAL",
			"https://kratos/self-service/login/browser?aal=aal2"},
		{"flat aal2", "application/json", `{"error":"session_aal2_required","message":"Use your second factor."}`,
			adapters.ClassAAL2Required, "session_aal2_required", "Use your second factor.", ""},
		{"no body", "", "", adapters.ClassForbidden, "", "The backend refused access to the session (HTTP 403).", ""},
		{"html", "text/html", "<h1>Forbidden</h1>", adapters.ClassForbidden, "", "The backend refused access to the session (HTTP 403).", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := serve(t, reply(http.StatusForbidden, tc.contentType, tc.body))
			_, err := call(t, c)
			ae := wantError(t, err, tc.class, 403)
			if ae.ID != tc.id || ae.Message != tc.message || ae.RedirectTo != tc.redirect {
				t.Fatalf("error = %+v; want id %q, message %q, redirect %q", ae, tc.id, tc.message, tc.redirect)
			}
		})
	}
}

func TestCurrentSessionServerErrors(t *testing.T) {
	for _, tc := range []struct {
		status            int
		contentType, body string
		want              string
	}{
		{500, "text/plain", "boom", "failed: HTTP 500 Internal Server Error"},
		{502, "", "", "failed: HTTP 502 Bad Gateway"},
		{503, "application/json", `{"error":{"message":"database is down"}}`, "failed: HTTP 503 Service Unavailable: database is down"},
		{429, "", "", "rate limiting"},
	} {
		c, srv := serve(t, reply(tc.status, tc.contentType, tc.body))
		_, err := call(t, c)
		wantError(t, err, adapters.ClassUnavailable, tc.status, "the backend at "+srv.URL, tc.want)
	}
}

func TestCurrentSessionOtherStatuses(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   string
	}{
		{404, "has no whoami endpoint (HTTP 404); check the backend URL"},
		{400, "answered HTTP 400 Bad Request"},
		{418, "answered HTTP 418"},
		{204, "with an empty body instead of JSON"},
	} {
		c, srv := serve(t, reply(tc.status, "", ""))
		_, err := call(t, c)
		wantError(t, err, adapters.ClassBadResponse, tc.status, srv.URL, tc.want)
	}
}

func TestCurrentSessionDoesNotFollowRedirects(t *testing.T) {
	hit := false
	elsewhere := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		hit = true
		reply(http.StatusOK, "application/json", fullBody)(w, r)
	})
	hc := &http.Client{Transport: elsewhere.Client().Transport}
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/steal?t="+r.Header.Get("Session_token"), http.StatusFound)
	})
	c, err := New(srv.URL, hc)
	if err != nil {
		t.Fatal(err)
	}
	_, err = call(t, c)
	wantError(t, err, adapters.ClassBadResponse, 302, "redirect", "/steal?t=[redacted]")
	if hit {
		t.Fatal("the redirect was followed")
	}
	if hc.CheckRedirect != nil {
		t.Fatal("New changed the caller's http.Client")
	}
}

func TestCurrentSessionConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := New(base, &http.Client{Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	_, err = call(t, c)
	ae := wantError(t, err, adapters.ClassUnavailable, 0)
	if want := "cannot reach the backend at " + base + ": connection refused"; ae.Message != want {
		t.Fatalf("message = %q, want %q", ae.Message, want)
	}
}

func TestCurrentSessionUnknownHost(t *testing.T) {
	c, err := New("http://backend.invalid", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Whatever the resolver does (fail at once or time out), the answer is
	// "unavailable", naming the backend.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = c.CurrentSession(ctx, canary)
	wantError(t, err, adapters.ClassUnavailable, 0, "cannot reach the backend at http://backend.invalid: ")
	c.http.CloseIdleConnections()
}
