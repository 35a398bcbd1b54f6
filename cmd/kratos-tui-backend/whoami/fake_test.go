package whoami_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui-backend/whoami"
)

// fakeKratos answers /sessions/whoami with a fixed status and body, for
// the answers a real Kratos gives only in setups these tests do not build.
func fakeKratos(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sessions/whoami" || r.Header.Get("X-Session-Token") != "tok" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestWhoamiKratosAnswers(t *testing.T) {
	const aal2 = `{"error":{"id":"session_aal2_required","code":403,"status":"Forbidden","reason":"An active session was found but it does not fulfill the Authenticator Assurance Level, implying that the session must first be upgraded.","message":"forbidden"},"redirect_browser_to":"http://x/self-service/login/browser?aal=aal2"}`
	cases := []struct {
		name       string
		status     int
		body       string
		wantStatus int
		wantID     string
	}{
		{"aal2 required", 403, aal2, 403, "session_aal2_required"},
		{"forbidden without body", 403, `nonsense`, 403, ""},
		{"garbage 200", 200, `{"id":`, 502, ""},
		{"200 without identity", 200, `{"id":"s1","active":true}`, 502, ""},
		{"server error", 500, `{"error":{"code":500,"message":"boom"}}`, 502, ""},
		{"html 200", 200, `<html>proxy</html>`, 502, ""},
		{"kratos 401", 401, `{"error":{"id":"session_inactive","code":401,"message":"no"}}`, 401, "session_inactive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := whoami.NewHandler(fakeKratos(t, c.status, c.body), nil, zerolog.Nop())
			e := wantError(t, call(t, h, http.MethodGet, map[string]string{"Session_token": "tok"}), c.wantStatus)
			if e.ID != c.wantID {
				t.Fatalf("error id = %q, want %q", e.ID, c.wantID)
			}
		})
	}
}

func TestWhoamiPrefersSessionTokenHeader(t *testing.T) {
	url := fakeKratos(t, 200, `{"id":"s1","identity":{"id":"i1","schema_id":"default","schema_url":"x","traits":{"email":"e@x.io"},"verifiable_addresses":[{"value":"E@x.io","verified":true,"status":"completed","via":"email"}]}}`)
	h := whoami.NewHandler(url, nil, zerolog.Nop())
	a := call(t, h, http.MethodGet, map[string]string{"SESSION_TOKEN": "tok", "X-Session-Token": "other"})
	if a.status != http.StatusOK {
		t.Fatalf("status %d %s", a.status, a.body)
	}
	want := `{"oryUser":{"id":"i1","email":"e@x.io","verified":true},"session":{"id":"s1","expires_at":null,"authenticated_at":null,"aal":""}}` + "\n"
	if string(a.body) != want {
		t.Fatalf("body = %s, want %s", a.body, want)
	}
}
