package kratos

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestFixtureCreateFlows(t *testing.T) {
	login := loadFixture(t, "login_flow_created_200")
	reg := loadFixture(t, "registration_flow_created_200")
	fs, c := serveFixtures(t, map[string]fixture{
		"GET /self-service/login/api":        login,
		"GET /self-service/registration/api": reg,
	})
	ctx := context.Background()
	lf, err := c.CreateLoginFlow(ctx)
	if err != nil {
		t.Fatalf("CreateLoginFlow: %v", err)
	}
	rf, err := c.CreateRegistrationFlow(ctx)
	if err != nil {
		t.Fatalf("CreateRegistrationFlow: %v", err)
	}
	checkFlow(t, lf, fixtureFlowID(t, login), "identifier", "password")
	checkFlow(t, rf, fixtureFlowID(t, reg), "traits.email", "password")
	for _, r := range fs.requests() {
		if r.header.Get("Cookie") != "" || r.header.Get("Origin") != "" || r.token != "" {
			t.Errorf("%s %s sent %v", r.method, r.uri, r.header)
		}
	}
}

// checkFlow checks a decoded flow against its fixture.
func checkFlow(t *testing.T, f *adapters.Flow, id string, names ...string) {
	t.Helper()
	if f.ID != id || f.Type != "api" || f.State != "choose_method" || f.ExpiresAt == nil ||
		f.IssuedAt == nil || f.UI.Method != "POST" || !strings.Contains(f.UI.Action, id) {
		t.Errorf("flow %+v", f)
	}
	var got []string
	for _, n := range f.UI.Nodes {
		got = append(got, n.Attributes.Name)
		if n.Attributes.Name == "password" && n.Attributes.Type != "password" {
			t.Errorf("password node %+v", n)
		}
	}
	for _, n := range names {
		if !slices.Contains(got, n) {
			t.Errorf("nodes %v lack %q", got, n)
		}
	}
}

func TestFixtureValidation(t *testing.T) {
	tests := []struct {
		fixture string
		login   bool
		wantIDs []string
		message string
	}{
		{"login_wrong_password_400", true, []string{"4000006"}, "The provided credentials are invalid"},
		{"login_empty_identifier_400", true, []string{"identifier:4000002"}, "Property identifier is missing"},
		{"registration_duplicate_email_400", false, []string{"4000007"}, "An account with the same identifier"},
		{"registration_short_password_400", false, []string{"password:4000032"}, "The password must be at least 8 characters long"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			f := loadFixture(t, tt.fixture)
			id := fixtureFlowID(t, f)
			_, c := serveFixtures(t, map[string]fixture{
				"POST /self-service/login":        f,
				"POST /self-service/registration": f,
			})
			var err error
			if tt.login {
				_, err = c.SubmitLogin(context.Background(), loginReq(id, "Some-Password-1"))
			} else {
				_, err = c.SubmitRegistration(context.Background(), adapters.RegistrationRequest{FlowID: id,
					Traits: map[string]any{"email": "fixture-user@example.com"}, Password: "Some-Password-1"})
			}
			ae := wantClass(t, err, adapters.ClassValidation)
			if ae.Status != http.StatusBadRequest || ae.Flow == nil || ae.Flow.ID != id {
				t.Fatalf("error %+v", ae)
			}
			if !strings.HasPrefix(ae.Message, tt.message) {
				t.Errorf("message %q, want prefix %q", ae.Message, tt.message)
			}
			ids := messageIDs(ae.Flow)
			for _, want := range tt.wantIDs {
				if !slices.Contains(ids, want) {
					t.Errorf("ids %v lack %s", ids, want)
				}
			}
			// Every message of the body survives, with its id.
			if want := countMessages(t, f); want == 0 || len(ids) != want {
				t.Errorf("kept %d messages %v, body has %d", len(ids), ids, countMessages(t, f))
			}
		})
	}
}

// countMessages counts ui and node messages in a flow fixture.
func countMessages(t *testing.T, f fixture) int {
	t.Helper()
	var v struct {
		UI struct {
			Messages []json.RawMessage `json:"messages"`
			Nodes    []struct {
				Messages []json.RawMessage `json:"messages"`
			} `json:"nodes"`
		} `json:"ui"`
	}
	if err := json.Unmarshal(f.body, &v); err != nil {
		t.Fatal(err)
	}
	n := len(v.UI.Messages)
	for _, node := range v.UI.Nodes {
		n += len(node.Messages)
	}
	return n
}

func TestFixtureSessionAlreadyAvailable(t *testing.T) {
	fs, c := serveFixtures(t, map[string]fixture{
		"GET /self-service/login/api": loadFixture(t, "login_flow_session_already_available_400"),
	})
	_, err := c.CreateLoginFlowWithToken(context.Background(), "ory_st_CanaryToken123")
	ae := wantClass(t, err, adapters.ClassSessionAlreadyAvailable)
	if ae.Status != 400 || ae.ID != "session_already_available" || !strings.Contains(ae.Message, "refresh=true") {
		t.Errorf("error %+v", ae)
	}
	if r := fs.requests(); len(r) != 1 || r[0].token != "ory_st_CanaryToken123" {
		t.Errorf("requests %+v", r)
	}
}
