package kratos

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestNormalizeForm(t *testing.T) {
	in := map[string]any{
		"method":                   "profile",
		"traits.email":             "a@example.org",
		"traits.name.first":        "Ada",
		"traits":                   map[string]any{"name": map[string]any{"last": "Lovelace"}},
		"lookup_secret_regenerate": "true",
		"totp_unlink":              "false",
		"totp_code":                json.Number("123456"),
		"code":                     float64(654321),
	}
	got, err := normalizeForm(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"method": "profile",
		"traits": map[string]any{"email": "a@example.org",
			"name": map[string]any{"first": "Ada", "last": "Lovelace"}},
		"lookup_secret_regenerate": true,
		"totp_unlink":              false,
		"totp_code":                "123456",
		"code":                     "654321",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("normalizeForm =\n%v\nwant\n%v", got, want)
	}
	// The caller's nested map is not modified.
	if n := in["traits"].(map[string]any)["name"].(map[string]any); len(n) != 1 {
		t.Errorf("input modified: %v", n)
	}
	for _, bad := range []map[string]any{
		{"traits": "x", "traits.email": "a@example.org"},
		{"traits..email": "a@example.org"},
	} {
		if _, err := normalizeForm(bad); err == nil {
			t.Errorf("normalizeForm(%v): no error", bad)
		}
	}
}

func TestDecodeUnionRejectsWithoutValues(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", Options{})
	ctx := context.Background()
	const secret = "Very-Secret-Password-123"
	for name, body := range map[string]map[string]any{
		"no method":      {"password": secret},
		"unknown method": {"method": "carrier-pigeon", "password": secret},
		"wrong type":     {"method": "password", "password": map[string]any{"x": secret}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.SubmitSettings(ctx, "ory_st_some-token-value", "f", body)
			ae := wantClass(t, err, adapters.ClassInternal)
			mustNotLeak(t, err, secret, "ory_st_some-token-value")
			t.Log(ae.Message)
		})
	}
	if _, err := c.SubmitLoginForm(ctx, "", "f", map[string]any{"method": "totp"}); adapters.ClassOf(err) != adapters.ClassInternal {
		t.Errorf("totp without totp_code: %v", err)
	}
}

func TestSettingsMayContinue(t *testing.T) {
	for _, tc := range []struct {
		form map[string]any
		want bool
	}{
		{map[string]any{"method": "profile"}, true},
		{map[string]any{"method": "password", "password": "x"}, true},
		{map[string]any{"method": "totp", "totp_code": "123456"}, false},
		{map[string]any{"method": "totp", "totp_unlink": true}, true},
		{map[string]any{"method": "lookup_secret", "lookup_secret_confirm": true}, false},
		{map[string]any{"method": "lookup_secret", "lookup_secret_regenerate": true}, true},
		{map[string]any{"method": "webauthn"}, false},
	} {
		if got := settingsMayContinue(tc.form); got != tc.want {
			t.Errorf("settingsMayContinue(%v) = %v", tc.form, got)
		}
	}
}

// sentJSON decodes the body of the i-th request the fixture server saw.
func sentJSON(t *testing.T, fs *fixtureServer, i int) map[string]any {
	t.Helper()
	reqs := fs.requests()
	if i >= len(reqs) {
		t.Fatalf("only %d requests", len(reqs))
	}
	var m map[string]any
	if err := json.Unmarshal(reqs[i].body, &m); err != nil {
		t.Fatalf("request %d body: %v", i, err)
	}
	return m
}

func TestFixtureSettings(t *testing.T) {
	ctx := context.Background()
	saved := loadFixture(t, "settings_profile_saved_200")
	fs, c := serveFixtures(t, map[string]fixture{"POST /self-service/settings": saved})
	f, err := c.SubmitSettings(ctx, "tok", "f1", map[string]any{
		"method": "profile", "traits.email": "a@example.org", "traits.name.first": "Ada"})
	if err != nil || f.State != "success" {
		t.Fatalf("SubmitSettings = %+v, %v", f, err)
	}
	req := fs.requests()[0]
	if req.token != "tok" || req.uri != "/self-service/settings?flow=f1" || req.header.Get("Cookie") != "" {
		t.Errorf("request %+v", req)
	}
	got := sentJSON(t, fs, 0)
	if tr, _ := got["traits"].(map[string]any); tr["email"] != "a@example.org" || got["traits.email"] != nil {
		t.Errorf("sent %v", got)
	}

	_, c = serveFixtures(t, map[string]fixture{"POST /self-service/settings": loadFixture(t, "settings_refresh_required_403")})
	_, err = c.SubmitSettings(ctx, "tok", "f1", map[string]any{"method": "password", "password": "Secret-Pass-1"})
	ae := wantClass(t, err, adapters.ClassRefreshRequired)
	if ae.RedirectTo == "" || ae.ID != idRefreshRequired {
		t.Errorf("%+v", ae)
	}
	_, c = serveFixtures(t, map[string]fixture{"GET /self-service/settings/api": loadFixture(t, "settings_flow_unauthorized_401")})
	_, err = c.CreateSettingsFlow(ctx, "tok")
	wantClass(t, err, adapters.ClassUnauthorized)
	_, c = serveFixtures(t, map[string]fixture{"POST /self-service/settings": loadFixture(t, "settings_totp_wrong_code_400")})
	_, err = c.SubmitSettings(ctx, "tok", "f1", map[string]any{"method": "totp", "totp_code": "000000"})
	if ae := wantClass(t, err, adapters.ClassValidation); !hasMessage(ae.Flow, 4000008) {
		t.Errorf("ids %v", messageIDs(ae.Flow))
	}
	if _, err := c.SubmitSettings(ctx, "", "f1", map[string]any{"method": "profile"}); adapters.ClassOf(err) != adapters.ClassUnauthorized {
		t.Errorf("no token: %v", err)
	}
}

func TestFixtureRecovery(t *testing.T) {
	ctx := context.Background()
	expired := loadFixture(t, "recovery_expired_flow_410")
	next := fixtureFlowID(t, expired)
	fs, c := serveFixtures(t, map[string]fixture{
		"POST /self-service/recovery?flow=old":     expired,
		"POST /self-service/recovery?flow=" + next: loadFixture(t, "recovery_code_sent_200"),
	})
	// The email continues on the replacement...
	res, err := c.SubmitRecovery(ctx, "old", map[string]any{"method": "code", "email": "a@example.org"})
	if err != nil || res.Flow.State != "sent_email" || len(fs.requests()) != 2 {
		t.Fatalf("SubmitRecovery = %+v, %v (%d requests)", res, err, len(fs.requests()))
	}
	// ...a code does not, and the email next to it is not sent.
	_, err = c.SubmitRecovery(ctx, "old", map[string]any{"method": "code", "code": "123456", "email": "a@example.org"})
	ae := wantClass(t, err, adapters.ClassFlowExpired)
	if ae.UseFlowID != next || len(fs.requests()) != 3 {
		t.Errorf("%+v, %d requests", ae, len(fs.requests()))
	}
	if sent := sentJSON(t, fs, 2); sent["email"] != nil || sent["code"] != "123456" {
		t.Errorf("sent %v", sent)
	}
	mustNotLeak(t, err, "123456")

	_, c = serveFixtures(t, map[string]fixture{"POST /self-service/recovery": loadFixture(t, "recovery_wrong_code_200")})
	res, err = c.SubmitRecovery(ctx, "f", map[string]any{"method": "code", "code": "000000"})
	if err != nil || !hasMessage(res.Flow, 4060006) || res.SessionToken != "" {
		t.Errorf("wrong code: %+v, %v", res, err)
	}
	_, c = serveFixtures(t, map[string]fixture{"POST /self-service/recovery": loadFixture(t, "recovery_passed_200")})
	res, err = c.SubmitRecovery(ctx, "f", map[string]any{"method": "code", "code": "000000"})
	if err != nil || res.Flow.State != "passed_challenge" || res.SessionToken != "ory_st_REDACTED" ||
		res.SettingsFlowID == "" || len(res.ContinueWith) != 2 {
		t.Errorf("passed: %+v, %v", res, err)
	}
}

func TestFixtureVerificationAndLogin(t *testing.T) {
	ctx := context.Background()
	_, c := serveFixtures(t, map[string]fixture{
		"POST /self-service/verification":      loadFixture(t, "verification_wrong_code_200"),
		"GET /self-service/verification/flows": loadFixture(t, "verification_flow_from_registration_200"),
	})
	f, err := c.SubmitVerification(ctx, "f", map[string]any{"method": "code", "code": "000000"})
	if err != nil || !hasMessage(f, 4070006) {
		t.Errorf("wrong code: %+v, %v", f, err)
	}
	f, err = c.GetVerificationFlow(ctx, "f")
	if err != nil || f.State != "sent_email" {
		t.Errorf("GetVerificationFlow: %+v, %v", f, err)
	}

	_, c = serveFixtures(t, map[string]fixture{"POST /self-service/login": loadFixture(t, "login_lookup_used_code_400")})
	_, err = c.SubmitLoginForm(ctx, "tok", "f", map[string]any{"method": "lookup_secret", "lookup_secret": "abcd1234"})
	if ae := wantClass(t, err, adapters.ClassValidation); !hasMessage(ae.Flow, 4000012) {
		t.Errorf("ids %v", messageIDs(ae.Flow))
	}
	mustNotLeak(t, err, "abcd1234")
	fs, c := serveFixtures(t, map[string]fixture{"POST /self-service/login": loadFixture(t, "login_totp_success_200")})
	s, err := c.SubmitLoginForm(ctx, "tok", "f", map[string]any{"method": "totp", "totp_code": "123456"})
	if err != nil || s.AAL != "aal2" || len(s.Methods) != 2 || s.IssuedAt == nil {
		t.Errorf("totp login: %+v, %v", s, err)
	}
	if fs.requests()[0].token != "tok" {
		t.Error("token not sent")
	}
}

func TestFixtureSessions(t *testing.T) {
	ctx := context.Background()
	fs, c := serveFixtures(t, map[string]fixture{
		"GET /sessions":             loadFixture(t, "sessions_list_200"),
		"DELETE /sessions":          loadFixture(t, "sessions_revoke_others_200"),
		"DELETE /sessions/" + "cur": loadFixture(t, "sessions_revoke_current_400"),
	})
	list, err := c.ListSessions(ctx, "tok")
	if err != nil || len(list) == 0 {
		t.Fatalf("ListSessions = %v, %v", list, err)
	}
	for _, s := range list {
		if len(s.Devices) == 0 || s.Devices[0].UserAgent != "kratos-tui" || len(s.Methods) == 0 || s.Token != "" {
			t.Errorf("session %+v", s)
		}
	}
	if n, err := c.RevokeOtherSessions(ctx, "tok"); err != nil || n != 2 {
		t.Errorf("RevokeOtherSessions = %d, %v", n, err)
	}
	err = c.RevokeSession(ctx, "tok", "cur")
	if ae := wantClass(t, err, adapters.ClassInternal); !strings.Contains(ae.Message, "cannot revoke current session") {
		t.Errorf("%+v", ae)
	}
	for _, r := range fs.requests() {
		if r.token != "tok" {
			t.Errorf("%s %s without token", r.method, r.uri)
		}
	}
}
