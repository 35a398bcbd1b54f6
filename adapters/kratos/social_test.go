package kratos

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// TestStartSocialSignInNeverContinuesAnExpiredFlow: when the oidc submit
// answers 410 with use_flow_id (captured from the real Kratos), the
// adapter makes a fresh flow with an exchange code instead of posting to
// Kratos's replacement, which has none (fault injection: the real Kratos
// cannot be made to expire a flow between its creation and the submit).
func TestStartSocialSignInNeverContinuesAnExpiredFlow(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	created, expired, browser := read("oidc/login_oidc_flow_created_200.json"), read("login_expired_flow_410.json"), read("oidc/login_oidc_browser_required_422.json")
	var mu sync.Mutex
	var seen []string
	submits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/self-service/login/api":
			if r.URL.Query().Get("return_session_token_exchange_code") != "true" || r.URL.Query().Get("return_to") == "" {
				t.Errorf("flow created without the exchange code or return_to: %s", r.URL)
			}
			_, _ = w.Write(created)
		case r.Method == http.MethodPost && r.URL.Path == "/self-service/login":
			mu.Lock()
			submits++
			n := submits
			mu.Unlock()
			if n == 1 {
				w.WriteHeader(http.StatusGone)
				_, _ = w.Write(expired)
				return
			}
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write(browser)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := New(srv.URL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	start, err := c.StartSocialSignIn(t.Context(), adapters.SocialSignInRequest{Provider: "hydra", ReturnTo: "http://127.0.0.1:4446/callback"})
	if err != nil {
		t.Fatalf("StartSocialSignIn: %v (requests %v)", err, seen)
	}
	if start.RedirectTo == "" || start.ExchangeCode == "" {
		t.Fatalf("start = %+v", start)
	}
	var creates int
	for _, s := range seen {
		if strings.HasPrefix(s, "GET /self-service/login/api") {
			creates++
		}
		if strings.Contains(s, "flow="+useFlowIDOf(t, expired)) {
			t.Fatalf("posted to Kratos's replacement flow (use_flow_id): %v", seen)
		}
	}
	if creates != 2 {
		t.Fatalf("flows created %d, want 2 (a fresh one after the 410): %v", creates, seen)
	}
}

func useFlowIDOf(t *testing.T, body []byte) string {
	t.Helper()
	i := strings.Index(string(body), `"use_flow_id"`)
	if i < 0 {
		t.Fatal("no use_flow_id in the 410 fixture")
	}
	rest := string(body[i+len(`"use_flow_id"`):])
	rest = rest[strings.Index(rest, `"`)+1:]
	return rest[:strings.Index(rest, `"`)]
}
