package fields_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// The TUI's QR code names the issuer Kratos is configured with (the dev
// stack's "kratos-tui"), read from Kratos's own QR code in a real settings
// flow; authenticator apps used to list the account as 127.0.0.1.
func TestTOTPURIUsesKratosIssuer(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{})
	const email, password = "issuer@example.com", "a-long-test-password-42"
	if _, err := srv.CreateIdentity(t.Context(), email, password); err != nil {
		t.Fatal(err)
	}
	token, err := srv.LoginSessionToken(t.Context(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	k, err := kratos.New(srv.PublicURL, kratos.Options{})
	if err != nil {
		t.Fatal(err)
	}
	flow, err := k.CreateSettingsFlow(t.Context(), token)
	if err != nil {
		t.Fatal(err)
	}
	uri := fields.TOTPURI(events.Form{FlowID: flow.ID, UI: flow.UI, Email: email})
	u, err := url.Parse(uri)
	if err != nil || u.Query().Get("issuer") != "kratos-tui" || !strings.HasPrefix(u.Opaque+u.Path, "//totp/kratos-tui:") && !strings.Contains(uri, "totp/kratos-tui:") {
		t.Fatalf("TOTPURI = %q (%v), want the issuer kratos-tui", uri, err)
	}
	if !strings.Contains(uri, "secret="+fields.TOTPSecret(events.Form{UI: flow.UI})) {
		t.Errorf("TOTPURI %q lacks the flow's secret", uri)
	}
}
