package kratos

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// fixtureEmail is the address of the identity in the captured sessions.
const fixtureEmail = "fixture-user@example.com"

// checkSession checks a session decoded from the captured bodies.
func checkSession(t *testing.T, s *adapters.Session, token string) {
	t.Helper()
	if s.Token != token || s.Email != fixtureEmail || s.Verified || s.AAL != "aal1" ||
		s.IdentityID != "3bbd6284-eb2d-4f42-b94a-15cc67ea02d8" || s.ID == "" ||
		s.ExpiresAt == nil || s.AuthenticatedAt == nil || s.Traits["email"] != fixtureEmail {
		t.Errorf("session %+v", s)
	}
}

func TestFixtureLoginSuccess(t *testing.T) {
	fs, c := serveFixtures(t, map[string]fixture{
		"POST /self-service/login": loadFixture(t, "login_success_200"),
	})
	s, err := c.SubmitLogin(context.Background(), adapters.LoginRequest{
		FlowID: "926071dc-c0d8-468b-b485-40ba255fb6ff", Identifier: fixtureEmail, Password: "Pass-Word-123"})
	if err != nil {
		t.Fatalf("SubmitLogin: %v", err)
	}
	checkSession(t, s, "ory_st_REDACTED")
	reqs := fs.requests()
	if len(reqs) != 1 || reqs[0].uri != "/self-service/login?flow=926071dc-c0d8-468b-b485-40ba255fb6ff" {
		t.Fatalf("requests %+v", reqs)
	}
	var body map[string]any
	if err := json.Unmarshal(reqs[0].body, &body); err != nil {
		t.Fatal(err)
	}
	if body["method"] != "password" || body["identifier"] != fixtureEmail || body["password"] != "Pass-Word-123" {
		t.Errorf("body %v", body)
	}
}

func TestFixtureRegistrationSuccess(t *testing.T) {
	fs, c := serveFixtures(t, map[string]fixture{
		"POST /self-service/registration": loadFixture(t, "registration_success_200"),
	})
	traits := map[string]any{"email": fixtureEmail, "name": map[string]any{"first": "Ada"}}
	s, err := c.SubmitRegistration(context.Background(), adapters.RegistrationRequest{
		FlowID: "fe32a04b-2e83-4ea8-891d-30205116f2e6", Traits: traits, Password: "Pass-Word-123"})
	if err != nil {
		t.Fatalf("SubmitRegistration: %v", err)
	}
	checkSession(t, s, "ory_st_REDACTED")
	if len(s.ContinueWith) != 2 || s.ContinueWith[0]["action"] != "show_verification_ui" {
		t.Errorf("continue_with %v", s.ContinueWith)
	}
	var body struct {
		Method   string         `json:"method"`
		Password string         `json:"password"`
		Traits   map[string]any `json:"traits"`
	}
	if err := json.Unmarshal(fs.requests()[0].body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Method != "password" || body.Password != "Pass-Word-123" ||
		body.Traits["email"] != fixtureEmail || body.Traits["name"].(map[string]any)["first"] != "Ada" {
		t.Errorf("body %+v", body)
	}
}

func TestFixtureRegistrationWithoutSessionHook(t *testing.T) {
	// Without the session hook Kratos answers the same body minus the
	// session, its token and the set_ory_session_token item.
	f := loadFixture(t, "registration_success_200").without(t, "session", "session_token", "continue_with")
	_, c := serveFixtures(t, map[string]fixture{"POST /self-service/registration": f})
	s, err := c.SubmitRegistration(context.Background(), adapters.RegistrationRequest{
		FlowID: "fe32a04b-2e83-4ea8-891d-30205116f2e6", Traits: map[string]any{"email": fixtureEmail}, Password: "Pass-Word-123"})
	if err != nil {
		t.Fatalf("SubmitRegistration: %v", err)
	}
	if s.Token != "" || s.ID != "" || s.IdentityID != "3bbd6284-eb2d-4f42-b94a-15cc67ea02d8" || s.Email != fixtureEmail {
		t.Errorf("session %+v", s)
	}
}

func TestFixtureWhoami(t *testing.T) {
	fs, c := serveFixtures(t, map[string]fixture{
		"GET /sessions/whoami": loadFixture(t, "whoami_success_200"),
	})
	s, err := c.Whoami(context.Background(), "ory_st_GoodToken123")
	if err != nil {
		t.Fatalf("Whoami: %v", err)
	}
	checkSession(t, s, "ory_st_GoodToken123")
	if r := fs.requests(); r[0].token != "ory_st_GoodToken123" || r[0].header.Get("Cookie") != "" {
		t.Errorf("request %+v", r[0])
	}

	_, c = serveFixtures(t, map[string]fixture{
		"GET /sessions/whoami": loadFixture(t, "whoami_unauthorized_401"),
	})
	_, err = c.CurrentSession(context.Background(), "ory_st_BadToken123")
	ae := wantClass(t, err, adapters.ClassUnauthorized)
	if ae.Status != 401 || ae.Message != "No valid session credentials found in the request." {
		t.Errorf("error %+v", ae)
	}
}

func TestFixtureLogout(t *testing.T) {
	var got []byte
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/self-service/logout/api" {
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		buf := make([]byte, 1024)
		n, _ := r.Body.Read(buf)
		got = buf[:n]
		w.WriteHeader(http.StatusNoContent) // a successful logout has no body
	})
	c := newTestClient(t, srv.URL, Options{})
	if err := c.Logout(context.Background(), "ory_st_GoodToken123"); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if !strings.Contains(string(got), `"session_token":"ory_st_GoodToken123"`) {
		t.Errorf("logout body %s", got)
	}

	_, c = serveFixtures(t, map[string]fixture{
		"DELETE /self-service/logout/api": loadFixture(t, "logout_unknown_token_403"),
	})
	err := c.Logout(context.Background(), "ory_st_UnknownToken123")
	ae := wantClass(t, err, adapters.ClassUnauthorized)
	if ae.Status != 403 || !strings.Contains(ae.Message, "could not be found") {
		t.Errorf("error %+v", ae)
	}
}
