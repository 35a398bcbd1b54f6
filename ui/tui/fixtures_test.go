package tui_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// fixture reads a Kratos response captured from the real server.
func fixture(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fixtures", "kratos", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// flowFixture reads a flow body.
func flowFixture(t *testing.T, name string) *adapters.Flow {
	t.Helper()
	var f adapters.Flow
	fixture(t, name, &f)
	return &f
}

// formOf builds a form state from a flow the way the state machine does
// (fsm/view.go newForm): every message, by node, with the seed's fields.
func formOf(flow *adapters.Flow, email string) events.Form {
	f := events.Form{Email: email, FlowID: flow.ID, ExpiresAt: flow.ExpiresAt, UI: flow.UI}
	f.Messages = append([]adapters.Message(nil), flow.UI.Messages...)
	for _, m := range flow.UI.Messages {
		if m.Type == "error" && f.GeneralError == "" {
			f.GeneralError = m.Text
		}
	}
	for _, n := range flow.UI.Nodes {
		name := n.Attributes.Name
		if name == "" || len(n.Messages) == 0 {
			continue
		}
		if f.FieldErrors == nil {
			f.FieldErrors = map[string][]adapters.Message{}
		}
		f.FieldErrors[name] = append(f.FieldErrors[name], n.Messages...)
		switch {
		case (name == "identifier" || name == "traits.email") && f.EmailError == "":
			f.EmailError = n.Messages[0].Text
		case name == "password" && f.PasswordError == "":
			f.PasswordError = n.Messages[0].Text
		}
	}
	return f
}

func loginForm(t *testing.T, name string) events.LoginFormShown {
	return events.LoginFormShown{Form: formOf(flowFixture(t, name), "")}
}

func registrationForm(t *testing.T, name string) events.RegistrationFormShown {
	return events.RegistrationFormShown{Form: formOf(flowFixture(t, name), "")}
}

// signedInFixture builds SignedIn from the captured login success body.
func signedInFixture(t *testing.T) events.SignedIn {
	t.Helper()
	var body struct {
		Token   string `json:"session_token"`
		Session struct {
			ID              string     `json:"id"`
			ExpiresAt       *time.Time `json:"expires_at"`
			AuthenticatedAt *time.Time `json:"authenticated_at"`
			AAL             string     `json:"authenticator_assurance_level"`
			Identity        struct {
				ID     string `json:"id"`
				Traits struct {
					Email string `json:"email"`
				} `json:"traits"`
				Verifiable []struct {
					Verified bool `json:"verified"`
				} `json:"verifiable_addresses"`
			} `json:"identity"`
		} `json:"session"`
	}
	fixture(t, "login_success_200.json", &body)
	s := body.Session
	verified := len(s.Identity.Verifiable) > 0 && s.Identity.Verifiable[0].Verified
	return events.SignedIn{
		IdentityID: s.Identity.ID, Email: s.Identity.Traits.Email, Verified: verified, Token: body.Token,
		SessionID: s.ID, ExpiresAt: s.ExpiresAt, AuthenticatedAt: s.AuthenticatedAt, AAL: s.AAL,
	}
}

// socialStarted builds the waiting state of a social sign-in from the
// captured flow (created with an exchange code) and Kratos's 422 answer.
func socialStarted(t *testing.T) events.SocialSignInStarted {
	t.Helper()
	var created struct {
		ID        string     `json:"id"`
		ExpiresAt *time.Time `json:"expires_at"`
		ReturnTo  string     `json:"return_to"`
	}
	fixture(t, "oidc/login_oidc_flow_created_200.json", &created)
	var answer struct {
		RedirectBrowserTo string `json:"redirect_browser_to"`
	}
	fixture(t, "oidc/login_oidc_browser_required_422.json", &answer)
	return events.SocialSignInStarted{
		Provider: "hydra", ProviderLabel: "Hydra", URL: answer.RedirectBrowserTo, ReturnTo: created.ReturnTo,
		FlowID: created.ID, ExpiresAt: created.ExpiresAt,
	}
}
