package kratos

import (
	"slices"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestIntegrationTOTPEnrolSignInUnlink(t *testing.T) {
	srv, _ := selfServiceServer(t, "selfservice")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)
	email, s := newAccount(t, srv, c.Client)

	// Enrol: the settings flow shows the secret; confirm with a code.
	flow, err := c.CreateSettingsFlow(ctx, s.Token)
	if err != nil {
		t.Fatalf("CreateSettingsFlow: %v", err)
	}
	c.capture(t, "settings_flow_created")
	logFlow(t, "settings flow", flow)
	secret := totpSecret(t, flow)
	cap.secret(secret)
	if n := findNode(flow, "totp_qr"); n == nil || !strings.HasPrefix(n.Attributes.Src, "data:image/png;base64,") {
		t.Errorf("totp_qr node %+v", n)
	}

	_, err = c.SubmitSettings(ctx, s.Token, flow.ID, map[string]any{"method": "totp", "totp_code": "000000"})
	ae := wantValidation(t, err)
	c.capture(t, "settings_totp_wrong_code")
	if !hasMessage(ae.Flow, 4000008) {
		t.Errorf("wrong TOTP code: ids %v, want 4000008", messageIDs(ae.Flow))
	}
	mustNotLeak(t, err, s.Token)

	code := totpCode(t, secret)
	cap.secret(code)
	done, err := c.SubmitSettings(ctx, s.Token, ae.Flow.ID, map[string]any{"method": "totp", "totp_code": code})
	if err != nil {
		t.Fatalf("SubmitSettings totp: %v", err)
	}
	c.capture(t, "settings_totp_enrolled")
	logFlow(t, "totp enrolled", done)
	if done.State != "success" || !hasMessage(done, 1050001) || findNode(done, "totp_unlink") == nil {
		t.Errorf("after enrolment: state %q ids %v nodes %v", done.State, messageIDs(done), nodeNames(done))
	}

	// The session that enrolled is now below the highest available AAL.
	// Kratos counts the enrolment as a second factor: the session that
	// enrolled is upgraded to aal2 on the spot.
	who, err := c.Whoami(ctx, s.Token)
	if err != nil || who.AAL != "aal2" {
		t.Errorf("whoami after enrolment: %+v, %v (want aal2)", who, err)
	}

	// Sign in: password gives aal1 without identity; then aal2 with TOTP.
	s1 := signInPassword(t, c.Client, email, goodPassword)
	c.capture(t, "login_aal1_with_totp")
	if s1.AAL != "aal1" || s1.IdentityID != "" {
		t.Errorf("password login with TOTP set up: %+v", s1)
	}
	_, err = c.CreateLoginFlowFor(ctx, "", adapters.LoginFlowOptions{AAL: "aal2"})
	ae = wantClass(t, err, adapters.ClassAAL1Required)
	t.Logf("aal2 flow without a session: status %d id %q", ae.Status, ae.ID)

	lf, err := c.CreateLoginFlowFor(ctx, s1.Token, adapters.LoginFlowOptions{AAL: "aal2"})
	if err != nil {
		t.Fatalf("CreateLoginFlowFor aal2: %v", err)
	}
	c.capture(t, "login_flow_aal2_created")
	logFlow(t, "aal2 login flow", lf)
	if findNode(lf, "totp_code") == nil {
		t.Errorf("aal2 flow without totp_code: %v", nodeNames(lf))
	}
	_, err = c.SubmitLoginForm(ctx, s1.Token, lf.ID, map[string]any{"method": "totp", "totp_code": "000000"})
	ae = wantValidation(t, err)
	c.capture(t, "login_totp_wrong_code")
	if !hasMessage(ae.Flow, 4000006) && !hasMessage(ae.Flow, 4000008) {
		t.Errorf("wrong TOTP at login: ids %v", messageIDs(ae.Flow))
	}
	mustNotLeak(t, err, s1.Token, "000000")

	code = totpCode(t, secret)
	s2, err := c.SubmitLoginForm(ctx, s1.Token, ae.Flow.ID, map[string]any{"method": "totp", "totp_code": code})
	if err != nil {
		t.Fatalf("SubmitLoginForm totp: %v", err)
	}
	c.capture(t, "login_totp_success")
	if s2.AAL != "aal2" || s2.Token != s1.Token || s2.ID != s1.ID || s2.Email != email {
		t.Errorf("aal2 session %+v (aal1 %+v)", s2, s1)
	}
	methods := []string{}
	for _, m := range s2.Methods {
		methods = append(methods, m.Method+"/"+m.AAL)
	}
	t.Logf("aal2 session methods %v devices %+v issued %v", methods, s2.Devices, s2.IssuedAt)
	if !slices.Contains(methods, "password/aal1") || !slices.Contains(methods, "totp/aal2") || s2.IssuedAt == nil {
		t.Errorf("aal2 session methods %v issued %v", methods, s2.IssuedAt)
	}
	who, err = c.Whoami(ctx, s2.Token)
	if err != nil || who.AAL != "aal2" {
		t.Fatalf("whoami at aal2: %+v, %v", who, err)
	}

	// Unlink TOTP (fresh session, so no re-authentication is needed).
	flow, err = c.CreateSettingsFlow(ctx, s2.Token)
	if err != nil {
		t.Fatalf("CreateSettingsFlow at aal2: %v", err)
	}
	c.capture(t, "settings_flow_totp_linked")
	logFlow(t, "settings with totp", flow)
	done, err = c.SubmitSettings(ctx, s2.Token, flow.ID, map[string]any{"method": "totp", "totp_unlink": "true"})
	if err != nil {
		t.Fatalf("SubmitSettings totp_unlink: %v", err)
	}
	c.capture(t, "settings_totp_unlinked")
	logFlow(t, "totp unlinked", done)
	if done.State != "success" || findNode(done, "totp_secret_key") == nil {
		t.Errorf("after unlink: state %q nodes %v", done.State, nodeNames(done))
	}
	// Password alone is enough again.
	if s3 := signInPassword(t, c.Client, email, goodPassword); s3.IdentityID == "" {
		t.Errorf("password login after unlink: %+v", s3)
	}
	cap.checkLeaks(t)
}

func TestIntegrationLookupSecrets(t *testing.T) {
	srv, _ := selfServiceServer(t, "selfservice")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)
	email, s := newAccount(t, srv, c.Client)

	flow, err := c.CreateSettingsFlow(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := c.SubmitSettings(ctx, s.Token, flow.ID, map[string]any{"method": "lookup_secret", "lookup_secret_regenerate": "true"})
	if err != nil {
		t.Fatalf("regenerate: %v", err)
	}
	codes := lookupCodes(t, gen)
	cap.secret(codes...)
	c.capture(t, "settings_lookup_regenerated")
	logFlow(t, "lookup regenerated", gen)
	t.Logf("%d backup codes", len(codes))

	conf, err := c.SubmitSettings(ctx, s.Token, gen.ID, map[string]any{"method": "lookup_secret", "lookup_secret_confirm": true})
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	c.capture(t, "settings_lookup_confirmed")
	logFlow(t, "lookup confirmed", conf)
	if conf.State != "success" || !hasMessage(conf, 1050001) {
		t.Errorf("confirm: state %q ids %v", conf.State, messageIDs(conf))
	}

	// Reveal on a new flow shows the same codes.
	flow, err = c.CreateSettingsFlow(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	logFlow(t, "settings with lookup", flow)
	rev, err := c.SubmitSettings(ctx, s.Token, flow.ID, map[string]any{"method": "lookup_secret", "lookup_secret_reveal": "true"})
	if err != nil {
		t.Fatalf("reveal: %v", err)
	}
	c.capture(t, "settings_lookup_revealed")
	logFlow(t, "lookup revealed", rev)
	if got := lookupCodes(t, rev); !slices.Equal(got, codes) {
		t.Errorf("revealed codes differ from the generated ones")
	}

	// Sign in with a backup code.
	s1 := signInPassword(t, c.Client, email, goodPassword)
	lf, err := c.CreateLoginFlowFor(ctx, s1.Token, adapters.LoginFlowOptions{AAL: "aal2"})
	if err != nil {
		t.Fatal(err)
	}
	logFlow(t, "aal2 flow (lookup)", lf)
	s2, err := c.SubmitLoginForm(ctx, s1.Token, lf.ID, map[string]any{"method": "lookup_secret", "lookup_secret": codes[0]})
	if err != nil {
		t.Fatalf("SubmitLoginForm lookup_secret: %v", err)
	}
	c.capture(t, "login_lookup_success")
	if s2.AAL != "aal2" || s2.Token != s1.Token {
		t.Errorf("lookup aal2 session %+v", s2)
	}
	// The same code a second time is refused.
	s3 := signInPassword(t, c.Client, email, goodPassword)
	lf, err = c.CreateLoginFlowFor(ctx, s3.Token, adapters.LoginFlowOptions{AAL: "aal2"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SubmitLoginForm(ctx, s3.Token, lf.ID, map[string]any{"method": "lookup_secret", "lookup_secret": codes[0]})
	ae := wantValidation(t, err)
	c.capture(t, "login_lookup_used_code")
	if !hasMessage(ae.Flow, 4000012) {
		t.Errorf("used backup code: ids %v, want 4000012", messageIDs(ae.Flow))
	}
	mustNotLeak(t, err, codes[0], s3.Token)
	_, err = c.SubmitLoginForm(ctx, s3.Token, ae.Flow.ID, map[string]any{"method": "lookup_secret", "lookup_secret": "zzzzzzzz"})
	ae = wantValidation(t, err)
	if !hasMessage(ae.Flow, 4000016) {
		t.Errorf("invalid backup code: ids %v, want 4000016", messageIDs(ae.Flow))
	}

	// Disable, from the aal2 session.
	flow, err = c.CreateSettingsFlow(ctx, s2.Token)
	if err != nil {
		t.Fatal(err)
	}
	dis, err := c.SubmitSettings(ctx, s2.Token, flow.ID, map[string]any{"method": "lookup_secret", "lookup_secret_disable": "true"})
	if err != nil {
		t.Fatalf("disable: %v", err)
	}
	c.capture(t, "settings_lookup_disabled")
	logFlow(t, "lookup disabled", dis)
	if s4 := signInPassword(t, c.Client, email, goodPassword); s4.IdentityID == "" || s4.AAL != "aal1" {
		t.Errorf("password login after disable: %+v", s4)
	}
	cap.checkLeaks(t)
}
