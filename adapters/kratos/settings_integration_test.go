package kratos

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestIntegrationSettingsProfileAndPassword(t *testing.T) {
	srv, _ := selfServiceServer(t, "selfservice")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)
	email, s := newAccount(t, srv, c.Client)

	_, err := c.CreateSettingsFlow(ctx, "ory_st_NotReal-token-0000")
	ae := wantClass(t, err, adapters.ClassUnauthorized)
	c.capture(t, "settings_flow_unauthorized")
	mustNotLeak(t, err, "ory_st_NotReal-token-0000")
	t.Logf("settings with a bad token: status %d id %q", ae.Status, ae.ID)

	flow, err := c.CreateSettingsFlow(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	// Flat dotted keys, as a generic form posts them.
	done, err := c.SubmitSettings(ctx, s.Token, flow.ID, map[string]any{
		"method": "profile", "traits.email": email, "traits.name.first": "Ada", "traits.name.last": "Lovelace"})
	if err != nil {
		t.Fatalf("SubmitSettings profile: %v", err)
	}
	c.capture(t, "settings_profile_saved")
	logFlow(t, "profile saved", done)
	if done.State != "success" || !hasMessage(done, 1050001) {
		t.Errorf("profile: state %q ids %v", done.State, messageIDs(done))
	}
	if n := findNode(done, "traits.name.first"); n == nil || n.Attributes.Value != "Ada" {
		t.Errorf("traits.name.first node %+v", n)
	}
	who, err := c.Whoami(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := who.Traits["name"].(map[string]any); name["first"] != "Ada" || who.Email != email {
		t.Errorf("traits after profile change: %v", who.Traits)
	}

	// Validation: a password that is too short.
	_, err = c.SubmitSettings(ctx, s.Token, done.ID, map[string]any{"method": "password", "password": "abc"})
	ae = wantValidation(t, err)
	c.capture(t, "settings_password_too_short")
	if !slices.Contains(messageIDs(ae.Flow), "password:4000032") {
		t.Errorf("short password ids %v", messageIDs(ae.Flow))
	}
	const newPassword = "Changed-Horse-7731-battery"
	cap.secret(newPassword)
	done, err = c.SubmitSettings(ctx, s.Token, ae.Flow.ID, map[string]any{"method": "password", "password": newPassword})
	if err != nil {
		t.Fatalf("SubmitSettings password: %v", err)
	}
	c.capture(t, "settings_password_saved")
	if done.State != "success" {
		t.Errorf("password: state %q ids %v", done.State, messageIDs(done))
	}
	signInPassword(t, c.Client, email, newPassword)

	// A form that does not fit the method never reaches Kratos, and the
	// error names no value.
	_, err = c.SubmitSettings(ctx, s.Token, done.ID, map[string]any{"method": "nope", "password": newPassword})
	wantClass(t, err, adapters.ClassInternal)
	mustNotLeak(t, err, newPassword, s.Token)
	cap.checkLeaks(t)
}

func TestIntegrationSettingsRefreshRequired(t *testing.T) {
	srv, _ := selfServiceServer(t, "selfservice-privileged")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)
	email, s := newAccount(t, srv, c.Client)

	flow, err := c.CreateSettingsFlow(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the session is older than privileged_session_max_age (1s).
	waitPast(t, s.AuthenticatedAt.Add(1100*time.Millisecond))
	const newPassword = "Refreshed-Horse-3319-lamp"
	cap.secret(newPassword)
	body := map[string]any{"method": "password", "password": newPassword}
	_, err = c.SubmitSettings(ctx, s.Token, flow.ID, body)
	ae := wantClass(t, err, adapters.ClassRefreshRequired)
	c.capture(t, "settings_refresh_required")
	t.Logf("refresh required: status %d id %q redirect %q message %q", ae.Status, ae.ID, ae.RedirectTo, ae.Message)
	if ae.Status != http.StatusForbidden {
		t.Errorf("status %d", ae.Status)
	}
	mustNotLeak(t, err, newPassword, s.Token)

	// Re-authenticate with a refresh login flow on the same token.
	lf, err := c.CreateLoginFlowFor(ctx, s.Token, adapters.LoginFlowOptions{Refresh: true})
	if err != nil {
		t.Fatalf("CreateLoginFlowFor refresh: %v", err)
	}
	c.capture(t, "login_flow_refresh_created")
	logFlow(t, "refresh login flow", lf)
	if n := findNode(lf, "identifier"); n == nil || n.Attributes.Value != email {
		t.Errorf("refresh flow identifier node %+v", n)
	}
	rs, err := c.SubmitLoginForm(ctx, s.Token, lf.ID, map[string]any{
		"method": "password", "identifier": email, "password": goodPassword})
	if err != nil {
		t.Fatalf("SubmitLoginForm refresh: %v", err)
	}
	if rs.Token != s.Token || rs.ID != s.ID || !rs.AuthenticatedAt.After(*s.AuthenticatedAt) {
		t.Errorf("refreshed session %+v (was %+v)", rs, s)
	}
	done, err := c.SubmitSettings(ctx, s.Token, flow.ID, body)
	if err != nil {
		t.Fatalf("SubmitSettings after refresh: %v", err)
	}
	if done.State != "success" {
		t.Errorf("after refresh: state %q ids %v", done.State, messageIDs(done))
	}
	signInPassword(t, c.Client, email, newPassword)
	cap.checkLeaks(t)
}

func TestIntegrationSessionsListRevoke(t *testing.T) {
	srv, _ := selfServiceServer(t, "selfservice")
	cap := selfServiceCaptures
	c := newSSClient(t, srv, cap)
	ctx := testCtx(t)
	email, a := newAccount(t, srv, c.Client)
	b := signInPassword(t, c.Client, email, goodPassword)
	d := signInPassword(t, c.Client, email, goodPassword)

	list, err := c.ListSessions(ctx, a.Token)
	if err != nil {
		t.Fatalf("ListSessions: %v", err)
	}
	c.capture(t, "sessions_list")
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
		if s.Token != "" || len(s.Devices) == 0 || len(s.Methods) == 0 || s.IssuedAt == nil || s.IdentityID == "" {
			t.Errorf("listed session %+v", s)
		}
	}
	t.Logf("listed %d sessions; first: devices %+v methods %+v", len(list), list[0].Devices, list[0].Methods)
	if !slices.Contains(ids, b.ID) || !slices.Contains(ids, d.ID) || slices.Contains(ids, a.ID) {
		t.Errorf("list %v: want %s and %s, not the current %s", ids, b.ID, d.ID, a.ID)
	}

	if err := c.RevokeSession(ctx, a.Token, b.ID); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	_, err = c.Whoami(ctx, b.Token)
	wantClass(t, err, adapters.ClassUnauthorized)
	err = c.RevokeSession(ctx, a.Token, a.ID)
	ae := wantClass(t, err, adapters.ClassInternal)
	c.capture(t, "sessions_revoke_current")
	t.Logf("revoke the current session: status %d id %q message %q", ae.Status, ae.ID, ae.Message)
	// Kratos answers 204 for an id it does not know.
	if err := c.RevokeSession(ctx, a.Token, "7b2e0c1a-5f7d-4c1e-9a51-0d2b8f3c6e11"); err != nil {
		t.Errorf("revoke an unknown session: %v", err)
	}

	n, err := c.RevokeOtherSessions(ctx, a.Token)
	if err != nil {
		t.Fatalf("RevokeOtherSessions: %v", err)
	}
	c.capture(t, "sessions_revoke_others")
	// Kratos counts every other session of the identity, the one revoked
	// above included: 2 (b and d), not 1.
	if n != 2 {
		t.Errorf("revoked %d, want 2", n)
	}
	_, err = c.Whoami(ctx, d.Token)
	wantClass(t, err, adapters.ClassUnauthorized)
	if list, err := c.ListSessions(ctx, a.Token); err != nil || len(list) != 0 {
		t.Errorf("list after revoking others: %v, %v", list, err)
	}
	_, err = c.ListSessions(ctx, b.Token)
	wantClass(t, err, adapters.ClassUnauthorized)
	_, err = c.RevokeOtherSessions(ctx, "")
	wantClass(t, err, adapters.ClassUnauthorized)
	cap.checkLeaks(t)
}
