package app_test

import (
	"context"
	"os"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TwoStepEnv turns on Kratos's default registration (profile first, then
// the credential): the test config keeps the legacy one-step form.
var twoStepEnv = map[string]string{"SELFSERVICE_FLOWS_REGISTRATION_ENABLE_LEGACY_ONE_STEP": "false"}

func twoStepServer(t *testing.T) *kratostest.Server {
	t.Helper()
	if _, err := kratostest.BinaryPath(); err != nil && os.Getenv("KRATOS_REQUIRED") != "1" {
		t.Skip(err)
	}
	return kratostest.New(t, kratostest.Options{Env: twoStepEnv})
}

// submitNode returns the submit node named name with value, if any.
func submitNode(ui adapters.UI, name, value string) *adapters.Node {
	for i, n := range ui.Nodes {
		if n.Attributes.Name == name && n.Attributes.Value == value && n.Attributes.Type == "submit" {
			return &ui.Nodes[i]
		}
	}
	return nil
}

// TestTwoStepRegistration signs up with Kratos's default registration:
// the profile, then the choice of credential, Back to the profile with the
// traits kept, and the password; each screen a RegistrationFormShown.
func TestTwoStepRegistration(t *testing.T) {
	srv := twoStepServer(t)
	c := startClient(t, srv.PublicURL, clientOptions{reveal: true})
	c.await("SignedOut")
	c.send("RegistrationFlowRequested", nil)
	one := decode[flowForm](t, c.await("RegistrationFormShown"))
	if submitNode(one.UI, "method", "profile") == nil || node(one.UI, "password") != nil {
		t.Fatalf("Kratos's default registration should start with the profile alone: %+v", one.UI.Nodes)
	}

	c.send("SignUpSubmitted", map[string]any{"email": "not-an-address"})
	bad := decode[flowForm](t, c.await("RegistrationFormShown"))
	if !hasAnyMessage(bad, 4000001) || node(bad.UI, "password") != nil {
		t.Fatalf("a bad profile should stay on the profile with Kratos's message 4000001: %+v", bad)
	}

	email := uniqueEmail(t)
	c.send("SignUpSubmitted", map[string]any{"email": email, "traits": map[string]any{"name.first": "Ada"}})
	two := decode[flowForm](t, c.await("RegistrationFormShown"))
	if two.State != "choose_method" || !hasMessage(two.Messages, 1040009) || node(two.UI, "password") == nil ||
		submitNode(two.UI, "screen", "previous") == nil {
		t.Fatalf("the profile should lead to the choice of credential (1040009, password, Back): %+v", two)
	}
	if two.FlowID != one.FlowID || two.GeneralError != "" {
		t.Fatalf("the second screen is the same flow, without an error: %+v", two)
	}
	if n := node(two.UI, "traits.email"); n == nil || n.Attributes.Type != "hidden" || n.Attributes.Value != email {
		t.Fatalf("the second screen carries the e-mail hidden: %+v", n)
	}

	c.send("SignUpSubmitted", map[string]any{"screen": "previous"})
	back := decode[flowForm](t, c.await("RegistrationFormShown"))
	if n := node(back.UI, "traits.email"); submitNode(back.UI, "method", "profile") == nil || n == nil || n.Attributes.Value != email {
		t.Fatalf("Back should show the profile again with the e-mail kept: %+v", back.UI.Nodes)
	}
	if n := node(back.UI, "traits.name.first"); n == nil || n.Attributes.Value != "Ada" {
		t.Fatalf("Back should keep the first name: %+v", n)
	}

	c.send("SignUpSubmitted", map[string]any{"email": email, "traits": map[string]any{"name.first": "Ada"}})
	c.await("RegistrationFormShown")
	// The second screen's traits are hidden: the password alone is sent.
	c.send("SignUpSubmitted", map[string]any{"password": password})
	in := decode[struct {
		signedIn
		Token string `json:"token"`
	}](t, c.await("SignedIn"))
	if in.Email != email || in.IdentityID == "" {
		t.Fatalf("signed up as %+v", in)
	}
	traits, err := srv.IdentityTraits(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := traits["name"].(map[string]any); name["first"] != "Ada" {
		t.Fatalf("the first name typed on the profile should be stored: %+v", traits)
	}
}

// TestTwoStepRegistrationInOneIntent: a script that sends the e-mail and
// the password at once (as for the legacy form) signs up with the default
// registration too: the machine sends the profile, then the password.
func TestTwoStepRegistrationInOneIntent(t *testing.T) {
	srv := twoStepServer(t)
	c := startClient(t, srv.PublicURL, clientOptions{})
	email := uniqueEmail(t)
	if in := signUp(t, c, email); in.Email != email || in.IdentityID == "" {
		t.Fatalf("signed up as %+v", in)
	}
	signOut(t, c)
	if in := decode[signedIn](t, signInTo(t, c, email, password, "SignedIn")); in.Email != email {
		t.Fatalf("signed in as %+v", in)
	}
}
