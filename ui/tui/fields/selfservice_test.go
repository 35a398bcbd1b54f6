package fields_test

import (
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// TestQRMatchesLibrary checks the half-block drawing module by module
// against go-qrcode's own small rendering (same convention, 4-module
// border).
func TestQRMatchesLibrary(t *testing.T) {
	uri := fields.OTPAuthURI("JBSWY3DPEHPK3PXP", "127.0.0.1", "zoë@example.com")
	if !strings.HasPrefix(uri, "otpauth://totp/127.0.0.1:zo%C3%AB@example.com?") || !strings.Contains(uri, "secret=JBSWY3DPEHPK3PXP") || !strings.Contains(uri, "issuer=127.0.0.1") {
		t.Fatalf("uri %s", uri)
	}
	lines, err := fields.QR(uri, 4)
	if err != nil {
		t.Fatal(err)
	}
	q, err := qrcode.New(uri, qrcode.Low)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimRight(q.ToSmallString(false), "\n")
	if got := strings.Join(lines, "\n"); got != want {
		t.Fatalf("QR differs from the library's:\n%s\nwant:\n%s", got, want)
	}
}

func TestSettingsSectionsAndIntents(t *testing.T) {
	secret := &adapters.Message{Text: "ABCDEFGHIJKLMNOP", Context: map[string]any{"secret": "ABCDEFGHIJKLMNOP"}}
	codes := &adapters.Message{Text: "aaaa, bbbb", Context: map[string]any{"secrets": []any{
		map[string]any{"text": "aaaa", "context": map[string]any{"secret": "aaaa"}},
		map[string]any{"text": "used", "id": 1050014},
	}}}
	form := events.Form{FlowID: "f", UI: adapters.UI{Action: "http://kratos.example:4433/self-service/settings?flow=f", Nodes: []adapters.Node{
		{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "csrf_token", Type: "hidden"}},
		{Type: "input", Group: "profile", Attributes: adapters.NodeAttributes{Name: "traits.email", Type: "email", Value: "a@b.c"}},
		{Type: "input", Group: "profile", Attributes: adapters.NodeAttributes{Name: "traits.tel", Type: "tel"}},
		{Type: "input", Group: "profile", Attributes: adapters.NodeAttributes{Name: "method", Type: "submit", Value: "profile"}},
		{Type: "text", Group: "totp", Attributes: adapters.NodeAttributes{ID: fields.NodeTOTPSecret, Text: secret}},
		{Type: "input", Group: "totp", Attributes: adapters.NodeAttributes{Name: "totp_code", Type: "text"}},
		{Type: "input", Group: "totp", Attributes: adapters.NodeAttributes{Name: "method", Type: "submit", Value: "totp"}},
		{Type: "text", Group: "lookup_secret", Attributes: adapters.NodeAttributes{ID: fields.NodeBackupCodes, Text: codes}},
		{Type: "input", Group: "lookup_secret", Attributes: adapters.NodeAttributes{Name: "lookup_secret_confirm", Type: "submit", Value: true}},
	}}}
	secs := fields.Sections(fields.BuildAll(form, "Settings"))
	if len(secs) != 3 || secs[0].Group != "profile" || secs[1].Title != "Authenticator app" || secs[2].Group != "lookup_secret" {
		t.Fatalf("sections %+v", secs)
	}
	profile := fields.SettingsIntent("f", secs[0], map[string]string{"traits.email": "a@b.c", "traits.tel": "+1"}, secs[0].Buttons[0])
	if profile.Method != "profile" || profile.Values["traits.tel"] != "+1" || profile.Values["traits.email"] != "a@b.c" || len(profile.Values) != 2 {
		t.Fatalf("profile %+v", profile)
	}
	code := fields.SettingsIntent("f", secs[1], map[string]string{"totp_code": "123456"}, secs[1].Buttons[0])
	if code.Method != "totp" || len(code.Values) != 1 || code.Values["totp_code"] != "123456" {
		t.Fatalf("totp %+v", code)
	}
	confirm := fields.SettingsIntent("f", secs[2], nil, secs[2].Buttons[0])
	if confirm.Method != "lookup_secret" || len(confirm.Values) != 1 || confirm.Values["lookup_secret_confirm"] != "true" {
		t.Fatalf("lookup %+v", confirm)
	}
	if got := fields.TOTPURI(form); got != fields.OTPAuthURI("ABCDEFGHIJKLMNOP", "kratos.example", "a@b.c") {
		t.Fatalf("uri %s", got)
	}
	if got := fields.BackupCodes(form); len(got) != 2 || got[0] != "aaaa" || got[1] != "used" {
		t.Fatalf("codes %v", got)
	}
}
