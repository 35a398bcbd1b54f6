package whoami_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui-backend/whoami"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type answer struct {
	status int
	body   []byte
	header http.Header
}

func call(t *testing.T, h http.Handler, method string, header map[string]string) answer {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+"/whoami", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		// Set the raw key so that the exact case goes on the wire.
		req.Header[k] = []string{v}
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, body: b, header: resp.Header}
}

func wantError(t *testing.T, a answer, status int) whoami.ErrorBody {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q", ct)
	}
	var e whoami.ErrorResponse
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("error body %s: %v", a.body, err)
	}
	if e.Error.Code != status || e.Error.Message == "" {
		t.Fatalf("error body = %s", a.body)
	}
	return e.Error
}

func TestWhoamiAgainstKratos(t *testing.T) {
	k := kratostest.New(t, kratostest.Options{})
	ctx := t.Context()
	const password = "correct horse battery staple"
	id, err := k.CreateIdentity(ctx, "carol@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	token, err := k.LoginSessionToken(ctx, "carol@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	vid, err := k.CreateVerifiedIdentity(ctx, "dave@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	vtoken, err := k.LoginSessionToken(ctx, "dave@example.com", password)
	if err != nil {
		t.Fatal(err)
	}

	logs := &syncBuffer{}
	h := whoami.NewHandler(k.PublicURL+"/", &http.Client{Timeout: 10 * time.Second}, zerolog.New(logs))

	checkOK := func(t *testing.T, a answer, id, email string, verified bool) {
		t.Helper()
		if a.status != http.StatusOK {
			t.Fatalf("status = %d; body %s", a.status, a.body)
		}
		var r whoami.Response
		if err := json.Unmarshal(a.body, &r); err != nil {
			t.Fatal(err)
		}
		if r.OryUser.ID != id || r.OryUser.Email != email || r.OryUser.Verified != verified {
			t.Fatalf("oryUser = %+v, want %s %s %v", r.OryUser, id, email, verified)
		}
		if r.Session.ID == "" || r.Session.AAL != "aal1" || r.Session.ExpiresAt == nil || r.Session.AuthenticatedAt == nil {
			t.Fatalf("session = %+v", r.Session)
		}
		if !r.Session.ExpiresAt.After(time.Now()) {
			t.Fatalf("session already expired: %v", r.Session.ExpiresAt)
		}
		var raw map[string]map[string]any
		if err := json.Unmarshal(a.body, &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "email", "verified"} {
			if _, ok := raw["oryUser"][k]; !ok {
				t.Errorf("oryUser.%s missing in %s", k, a.body)
			}
		}
		for _, k := range []string{"id", "expires_at", "authenticated_at", "aal"} {
			if _, ok := raw["session"][k]; !ok {
				t.Errorf("session.%s missing in %s", k, a.body)
			}
		}
	}

	t.Run("valid token in Session_token", func(t *testing.T) {
		checkOK(t, call(t, h, http.MethodGet, map[string]string{"Session_token": token}), id, "carol@example.com", false)
	})
	t.Run("lowercase session_token", func(t *testing.T) {
		checkOK(t, call(t, h, http.MethodGet, map[string]string{"session_token": token}), id, "carol@example.com", false)
	})
	t.Run("X-Session-Token", func(t *testing.T) {
		checkOK(t, call(t, h, http.MethodGet, map[string]string{"X-Session-Token": token}), id, "carol@example.com", false)
	})
	t.Run("verified address", func(t *testing.T) {
		checkOK(t, call(t, h, http.MethodGet, map[string]string{"Session_token": vtoken}), vid, "dave@example.com", true)
	})
	t.Run("missing token", func(t *testing.T) {
		wantError(t, call(t, h, http.MethodGet, nil), http.StatusUnauthorized)
	})
	t.Run("blank token", func(t *testing.T) {
		wantError(t, call(t, h, http.MethodGet, map[string]string{"Session_token": "   "}), http.StatusUnauthorized)
	})
	t.Run("garbage token", func(t *testing.T) {
		wantError(t, call(t, h, http.MethodGet, map[string]string{"Session_token": "ory_st_" + "notarealtoken0123456789abcdef"}), http.StatusUnauthorized)
	})
	t.Run("revoked token", func(t *testing.T) {
		other, err := k.LoginSessionToken(ctx, "carol@example.com", password)
		if err != nil {
			t.Fatal(err)
		}
		logout(t, k.PublicURL, other)
		wantError(t, call(t, h, http.MethodGet, map[string]string{"X-Session-Token": other}), http.StatusUnauthorized)
	})
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead} {
		t.Run("method "+m, func(t *testing.T) {
			a := call(t, h, m, map[string]string{"Session_token": token})
			if a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != http.MethodGet {
				t.Fatalf("status %d Allow %q", a.status, a.header.Get("Allow"))
			}
			if m != http.MethodHead {
				wantError(t, a, http.StatusMethodNotAllowed)
			}
		})
	}
	t.Run("kratos down", func(t *testing.T) {
		down := whoami.NewHandler("http://"+closedPort(t), nil, zerolog.New(logs))
		wantError(t, call(t, down, http.MethodGet, map[string]string{"Session_token": token}), http.StatusBadGateway)
	})
	t.Run("kratos halted, then back", func(t *testing.T) {
		if err := k.Halt(); err != nil {
			t.Fatal(err)
		}
		wantError(t, call(t, h, http.MethodGet, map[string]string{"Session_token": token}), http.StatusBadGateway)
		if err := k.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		checkOK(t, call(t, h, http.MethodGet, map[string]string{"Session_token": token}), id, "carol@example.com", false)
	})

	if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), vtoken) {
		t.Fatalf("a session token was logged:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"status":200`) {
		t.Fatalf("requests not logged:\n%s", logs.String())
	}
}

func logout(t *testing.T, publicURL, token string) {
	t.Helper()
	body := strings.NewReader(`{"session_token":"` + token + `"}`)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, publicURL+"/self-service/logout/api", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("logout = %d", resp.StatusCode)
	}
}

// closedPort returns a loopback address that nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
