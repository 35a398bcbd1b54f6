package app_test

import (
	"context"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TestIdentifierFirstSignIn: with login.style identifier_first the
// identifier goes first; Kratos answers with the methods it offers for
// it (password and code), the identifier held; an unknown one is refused
// on its field; a new flow changes the identifier; the password signs
// in; a script's identifier and password at once sign in too.
func TestIdentifierFirstSignIn(t *testing.T) {
	srv, courier := codeServer(t, map[string]string{
		"SELFSERVICE_METHODS_CODE_PASSWORDLESS_ENABLED": "true",
		"SELFSERVICE_FLOWS_LOGIN_STYLE":                 "identifier_first",
	})
	email := uniqueEmail(t)
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	c.send("LoginFlowRequested", nil)
	first := decode[flowForm](t, c.await("LoginFormShown"))
	if submitNode(first.UI, "method", "identifier_first") == nil || node(first.UI, "password") != nil {
		t.Fatalf("identifier first should ask for the identifier alone: %+v", first.UI.Nodes)
	}

	c.send("SignInSubmitted", map[string]any{"identifier": "nobody-" + email})
	if bad := decode[flowForm](t, c.await("LoginFormShown")); !hasAnyMessage(bad, 4000037) {
		t.Fatalf("an unknown identifier should be refused with 4000037: %+v", bad)
	}
	// Change the identifier: a new flow.
	c.send("LoginFlowRequested", nil)
	c.await("LoginFormShown")
	c.send("SignInSubmitted", map[string]any{"identifier": email})
	methods := decode[flowForm](t, c.await("LoginFormShown"))
	if node(methods.UI, "password") == nil || submitNode(methods.UI, "method", "code") == nil || methods.GeneralError != "" {
		t.Fatalf("the identifier should lead to the methods Kratos offers (password, code): %+v", methods)
	}
	if n := node(methods.UI, "identifier"); n == nil || n.Attributes.Type != "hidden" || n.Attributes.Value != email {
		t.Fatalf("Kratos should hold the identifier: %+v", n)
	}
	c.send("SignInSubmitted", map[string]any{"method": "code"})
	sent := decode[flowForm](t, c.await("LoginFormShown"))
	if sent.State != "sent_email" {
		t.Fatalf("the code method on the second screen should send a code: %+v", sent)
	}
	code := waitCode(t, courier, email, kratostest.TemplateLoginCode)
	c.send("SignInSubmitted", map[string]any{"code": code})
	if in := decode[signedIn](t, c.await("SignedIn")); in.Email != email {
		t.Fatalf("signed in as %+v", in)
	}
	signOut(t, c)

	// A script that sends both at once.
	if in := decode[signedIn](t, signInTo(t, c, email, password, "SignedIn")); in.Email != email {
		t.Fatalf("signed in as %+v", in)
	}
}
