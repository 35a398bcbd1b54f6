package kratostest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// register runs a native password registration and returns the answer.
func register(t *testing.T, s *Server, email, password string) map[string]any {
	t.Helper()
	ctx := t.Context()
	var flow struct {
		ID string `json:"id"`
	}
	if err := s.doJSON(ctx, http.MethodGet, s.PublicURL+"/self-service/registration/api", nil, http.StatusOK, &flow); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"method": "password", "traits": map[string]any{"email": email}, "password": password}
	var out map[string]any
	if err := s.doJSON(ctx, http.MethodPost, s.PublicURL+"/self-service/registration?flow="+flow.ID, body, http.StatusOK, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRegistrationHooks(t *testing.T) {
	t.Parallel()
	t.Run("session hook by default", func(t *testing.T) {
		t.Parallel()
		s := New(t, Options{})
		out := register(t, s, "hook@example.com", "correct horse battery staple")
		if tok, _ := out["session_token"].(string); !strings.HasPrefix(tok, "ory_st_") {
			t.Fatalf("no session token: %v", out)
		}
		msgs, err := s.ListCourierMessages(t.Context(), "hook@example.com")
		if err != nil || len(msgs) != 1 {
			t.Fatalf("courier messages = %d, %v", len(msgs), err)
		}
		var m struct {
			TemplateType string `json:"template_type"`
		}
		if err := json.Unmarshal(msgs[0], &m); err != nil || m.TemplateType != "verification_code_valid" {
			t.Fatalf("message %s: %v", msgs[0], err)
		}
	})
	t.Run("no session hook", func(t *testing.T) {
		t.Parallel()
		s := New(t, Options{NoSessionHookAfterRegistration: true})
		out := register(t, s, "nohook@example.com", "correct horse battery staple")
		if _, ok := out["session_token"]; ok {
			t.Fatalf("session token issued without the session hook: %v", out)
		}
		if id, _ := out["identity"].(map[string]any); id["id"] == "" {
			t.Fatalf("no identity: %v", out)
		}
	})
}

func TestCourierURL(t *testing.T) {
	t.Parallel()
	got := make(chan map[string]any, 4)
	mail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("courier body %s: %v", b, err)
		}
		got <- m
	}))
	t.Cleanup(mail.Close)
	s := New(t, Options{CourierURL: mail.URL + "/mail"})
	register(t, s, "mail@example.com", "correct horse battery staple")
	select {
	case m := <-got:
		code, _ := m["verification_code"].(string)
		if m["recipient"] != "mail@example.com" || len(code) != 6 {
			t.Fatalf("courier POST = %v", m)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the courier never POSTed the verification code")
	}
}

func TestRenderedConfigFollowsOptions(t *testing.T) {
	t.Parallel()
	dir, err := testdataDir()
	if err != nil {
		t.Fatal(err)
	}
	o := Options{LoginLifespan: "3s", PrivilegedSessionMaxAge: "1m", NoSessionHookAfterRegistration: true, DataDir: t.TempDir()}.withDefaults()
	path := o.DataDir + "/kratos.yml"
	if err := renderConfig(dir, path, newConfigData(o, 1001, 1002, 1003, dir+"/identity.schema.json", dir+"/jwks.test.json")); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b := string(raw)
	for _, want := range []string{
		"lifespan: 3s", "lifespan: 10m", "privileged_session_max_age: 1m", "port: 1001", "port: 1002",
		"base_url: http://127.0.0.1:1001/", "- hook: show_verification_ui", "enable_legacy_one_step: true",
		"connection_uri: smtp://127.0.0.1:1003/", `?_fk=true&mode=rwc&_busy_timeout=10000&_journal_mode=WAL"`,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("config lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(b, "hook: session") {
		t.Errorf("session hook rendered despite NoSessionHookAfterRegistration")
	}
}

// TestConfigEnv: Options.Env takes Kratos configuration variables only, so
// a typo fails the start instead of being ignored.
func TestConfigEnv(t *testing.T) {
	got, err := configEnv(map[string]string{"SELFSERVICE_FLOWS_LOGIN_STYLE": "identifier_first", "SESSION_LIFESPAN": "1h"})
	if err != nil || len(got) != 2 || got[0] != "SELFSERVICE_FLOWS_LOGIN_STYLE=identifier_first" || got[1] != "SESSION_LIFESPAN=1h" {
		t.Fatalf("configEnv = %q, %v", got, err)
	}
	for _, bad := range []string{"PATH", "LOGIN_STYLE", "SELFSERVICE_X=Y"} {
		if _, err := configEnv(map[string]string{bad: "1"}); err == nil {
			t.Errorf("configEnv accepted %q", bad)
		}
	}
}
