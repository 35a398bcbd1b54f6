package fsm_test

import (
	"context"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// fakeSelf answers the self-service port from its fields.
type fakeSelf struct {
	createLoginFor  func(token string, o adapters.LoginFlowOptions) (*adapters.Flow, error)
	submitLoginForm func(token, flowID string, body map[string]any) (*adapters.Session, error)
	submitRegForm   func(flowID string, body map[string]any) (*adapters.Step, error)
	createSettings  func(token string) (*adapters.Flow, error)
	submitSettings  func(token, flowID string, body map[string]any) (*adapters.Flow, error)
	submitRecovery  func(flowID string, body map[string]any) (*adapters.FlowResult, error)
	submitVerify    func(flowID string, body map[string]any) (*adapters.Flow, error)
	list            func(token string) ([]adapters.Session, error)
	revoked         []string
}

func (f *fakeSelf) CreateLoginFlowFor(_ context.Context, token string, o adapters.LoginFlowOptions) (*adapters.Flow, error) {
	return f.createLoginFor(token, o)
}

func (f *fakeSelf) SubmitLoginForm(_ context.Context, token, flowID string, body map[string]any) (*adapters.Session, error) {
	return f.submitLoginForm(token, flowID, body)
}

func (f *fakeSelf) SubmitRegistrationForm(_ context.Context, flowID string, body map[string]any) (*adapters.Step, error) {
	if f.submitRegForm == nil {
		return nil, &adapters.Error{Class: adapters.ClassInternal, Message: "fake: no registration form step"}
	}
	return f.submitRegForm(flowID, body)
}

func (f *fakeSelf) CreateSettingsFlow(_ context.Context, token string) (*adapters.Flow, error) {
	return f.createSettings(token)
}

func (f *fakeSelf) SubmitSettings(_ context.Context, token, flowID string, body map[string]any) (*adapters.Flow, error) {
	return f.submitSettings(token, flowID, body)
}

func (f *fakeSelf) CreateRecoveryFlow(context.Context) (*adapters.Flow, error) {
	return flow("recovery-1"), nil
}

func (f *fakeSelf) SubmitRecovery(_ context.Context, flowID string, body map[string]any) (*adapters.FlowResult, error) {
	return f.submitRecovery(flowID, body)
}

func (f *fakeSelf) CreateVerificationFlow(context.Context) (*adapters.Flow, error) {
	return flow("verification-1"), nil
}

func (f *fakeSelf) GetRecoveryFlow(_ context.Context, id string) (*adapters.Flow, error) {
	return &adapters.Flow{ID: id, State: "choose_method"}, nil
}

func (f *fakeSelf) GetVerificationFlow(_ context.Context, id string) (*adapters.Flow, error) {
	return flow(id), nil
}

func (f *fakeSelf) SubmitVerification(_ context.Context, flowID string, body map[string]any) (*adapters.Flow, error) {
	return f.submitVerify(flowID, body)
}

func (f *fakeSelf) ListSessions(_ context.Context, token string) ([]adapters.Session, error) {
	return f.list(token)
}

func (f *fakeSelf) RevokeSession(_ context.Context, _, id string) error {
	f.revoked = append(f.revoked, id)
	return nil
}

func (f *fakeSelf) RevokeOtherSessions(context.Context, string) (int, error) {
	return 3, nil
}

func TestSecondFactorAtSignIn(t *testing.T) {
	k := &fakeKratos{
		loginFlow: func() (*adapters.Flow, error) { return flow("login-1"), nil },
		submitLogin: func(adapters.LoginRequest) (*adapters.Session, error) {
			return &adapters.Session{Token: "tok-aal1", AAL: "aal1"}, nil // identity withheld
		},
	}
	self := &fakeSelf{
		createLoginFor: func(token string, o adapters.LoginFlowOptions) (*adapters.Flow, error) {
			if token != "tok-aal1" || o.AAL != "aal2" {
				t.Errorf("aal2 flow asked with %q %+v", token, o)
			}
			return flow("aal2-1"), nil
		},
		submitLoginForm: func(token, flowID string, body map[string]any) (*adapters.Session, error) {
			if body["method"] != "totp" || body["totp_code"] == "000000" {
				f := flow(flowID)
				f.UI.Messages = []adapters.Message{{ID: 4000008, Text: "The provided authentication code is invalid, please try again.", Type: "error"}}
				return nil, &adapters.Error{Class: adapters.ClassValidation, Status: 400, Flow: f}
			}
			return &adapters.Session{Token: token, IdentityID: "ident-1", Email: "a@example.com", AAL: "aal2"}, nil
		},
	}
	h := newHarnessWith(t, k, self)
	h.send(events.AppStarted{})
	h.send(events.LoginFlowRequested{})
	sf, ok := h.last(events.SignInSubmitted{Identifier: "a@example.com", Password: "pw"}).(events.SecondFactorFormShown)
	if !ok || sf.FlowID != "aal2-1" || sf.Notice != fsm.MessageSecondFactor {
		t.Fatalf("got %#v", sf)
	}
	if tok, _ := h.tokens.Load(); tok != "tok-aal1" {
		t.Fatal("aal1 token not stored (it could not be revoked at sign-out)")
	}
	bad := h.last(events.SecondFactorSubmitted{Method: "totp", Code: "000000"}).(events.SecondFactorFormShown)
	if bad.GeneralError == "" || bad.Messages[0].ID != 4000008 {
		t.Fatalf("wrong code not shown: %#v", bad.Form)
	}
	in, ok := h.last(events.SecondFactorSubmitted{Method: "totp", Code: "123456"}).(events.SignedIn)
	if !ok || in.AAL != "aal2" || in.Email != "a@example.com" {
		t.Fatalf("got %#v", in)
	}
}

func authenticatedHarness(t *testing.T, self *fakeSelf) *harness {
	k := &fakeKratos{whoami: func(string) (*adapters.Session, error) { return session(""), nil }}
	var port adapters.SelfService
	if self != nil {
		port = self
	}
	h := newHarnessWith(t, k, port)
	_ = h.tokens.Save("tok-1")
	if _, ok := h.last(events.AppStarted{}).(events.SignedIn); !ok {
		t.Fatal("not signed in")
	}
	return h
}

func TestSettingsChangeAfterReauthentication(t *testing.T) {
	refreshed := false
	var saved []map[string]any
	self := &fakeSelf{
		createSettings: func(string) (*adapters.Flow, error) { return flow("settings-1"), nil },
		submitSettings: func(_ string, flowID string, body map[string]any) (*adapters.Flow, error) {
			if !refreshed {
				return nil, &adapters.Error{Class: adapters.ClassRefreshRequired, Status: 403, Message: "refresh"}
			}
			saved = append(saved, body)
			f := flow(flowID)
			f.State = "success"
			return f, nil
		},
		createLoginFor: func(_ string, o adapters.LoginFlowOptions) (*adapters.Flow, error) {
			if !o.Refresh {
				t.Errorf("refresh flow asked with %+v", o)
			}
			return flow("refresh-1"), nil
		},
		submitLoginForm: func(token, flowID string, body map[string]any) (*adapters.Session, error) {
			if flowID != "refresh-1" || body["identifier"] != "a@example.com" || body["password"] != "pw" {
				t.Errorf("refresh submit %s %v", flowID, body)
			}
			refreshed = true
			return &adapters.Session{Token: token, AAL: "aal1"}, nil
		},
	}
	h := authenticatedHarness(t, self)
	if _, ok := h.last(events.SettingsRequested{}).(events.SettingsFormShown); !ok {
		t.Fatal("no settings form")
	}
	re, ok := h.last(events.SettingsSubmitted{Method: "password", Values: map[string]any{"password": "new-password-1"}}).(events.ReauthenticationFormShown)
	if !ok || re.Notice != fsm.MessageReauthenticate {
		t.Fatalf("got %#v", re)
	}
	done, ok := h.last(events.ReauthenticationSubmitted{Password: "pw"}).(events.SettingsFormShown)
	if !ok || done.Notice != fsm.MessageSettingsSaved {
		t.Fatalf("got %#v", done)
	}
	if len(saved) != 1 || saved[0]["password"] != "new-password-1" || saved[0]["method"] != "password" {
		t.Fatalf("pending change not sent after re-authentication: %v", saved)
	}
	home, ok := h.last(events.HomeRequested{}).(events.SignedIn)
	if !ok || home.Email != "a@example.com" {
		t.Fatalf("got %#v", home)
	}
}

func TestRecoveryByCode(t *testing.T) {
	self := &fakeSelf{
		submitRecovery: func(flowID string, body map[string]any) (*adapters.FlowResult, error) {
			if body["email"] != nil {
				f := flow(flowID)
				f.State = "sent_email"
				return &adapters.FlowResult{Flow: f}, nil
			}
			if body["code"] == "111111" {
				f := flow(flowID)
				f.UI.Messages = []adapters.Message{{ID: 4060006, Text: "The recovery code is invalid or has already been used. Please try again.", Type: "error"}}
				return &adapters.FlowResult{Flow: f}, nil
			}
			return &adapters.FlowResult{Flow: flow(flowID), SessionToken: "tok-recovered", SettingsFlowID: "settings-9"}, nil
		},
		createSettings: func(token string) (*adapters.Flow, error) {
			if token != "tok-recovered" {
				t.Errorf("settings with token %q", token)
			}
			return flow("settings-9"), nil
		},
	}
	k := &fakeKratos{
		loginFlow: func() (*adapters.Flow, error) { return flow("login-1"), nil },
		whoami:    func(string) (*adapters.Session, error) { return session(""), nil },
	}
	h := newHarnessWith(t, k, self)
	h.send(events.AppStarted{})
	h.send(events.LoginFlowRequested{})
	if _, ok := h.last(events.RecoveryRequested{}).(events.RecoveryFormShown); !ok {
		t.Fatal("no recovery form")
	}
	sent := h.last(events.RecoverySubmitted{Email: "a@example.com"}).(events.RecoveryFormShown)
	if sent.State != "sent_email" {
		t.Fatalf("got %#v", sent.Form)
	}
	wrong := h.last(events.RecoverySubmitted{Code: "111111"}).(events.RecoveryFormShown)
	if wrong.GeneralError == "" {
		t.Fatalf("wrong code not shown: %#v", wrong.Form)
	}
	set, ok := h.last(events.RecoverySubmitted{Code: "222222"}).(events.SettingsFormShown)
	if !ok || set.FlowID != "settings-9" || set.Notice != fsm.MessageRecoveryPassed {
		t.Fatalf("got %#v", set)
	}
	if tok, _ := h.tokens.Load(); tok != "tok-recovered" {
		t.Fatal("recovery session not stored")
	}
}

func TestVerificationByCode(t *testing.T) {
	self := &fakeSelf{submitVerify: func(flowID string, body map[string]any) (*adapters.Flow, error) {
		f := flow(flowID)
		if body["email"] != nil {
			f.State = "sent_email"
		} else {
			f.State = "passed_challenge"
		}
		return f, nil
	}}
	h := authenticatedHarness(t, self)
	h.send(events.VerificationRequested{})
	if f := h.last(events.VerificationSubmitted{}).(events.VerificationFormShown); f.State != "sent_email" {
		t.Fatalf("got %#v", f.Form)
	}
	if f := h.last(events.VerificationSubmitted{Code: "123456"}).(events.VerificationFormShown); f.Notice != fsm.MessageVerified {
		t.Fatalf("got %#v", f.Form)
	}
}

func TestSessionsListAndRevoke(t *testing.T) {
	self := &fakeSelf{list: func(string) ([]adapters.Session, error) {
		return []adapters.Session{{ID: "other-1"}, {ID: "other-2"}}, nil
	}}
	h := authenticatedHarness(t, self)
	list := h.last(events.SessionsRequested{}).(events.SessionsListShown)
	if len(list.Sessions) != 3 || !list.Sessions[0].Current {
		t.Fatalf("got %#v", list)
	}
	after := h.last(events.SessionRevocationRequested{SessionID: "other-1"}).(events.SessionsListShown)
	if after.Notice == "" || len(self.revoked) != 1 || self.revoked[0] != "other-1" {
		t.Fatalf("revocation not done or not told: %#v %v", after, self.revoked)
	}
	// Kratos counts 3 (one of them already ended, which its list leaves
	// out); the user saw 2 others: the notice says 2.
	all := h.last(events.OtherSessionsRevocationRequested{}).(events.SessionsListShown)
	if all.Notice != "Ended 2 other session(s)." {
		t.Fatalf("got %q", all.Notice)
	}
}

func TestLostSessionSignsOut(t *testing.T) {
	self := &fakeSelf{createSettings: func(string) (*adapters.Flow, error) {
		return nil, &adapters.Error{Class: adapters.ClassUnauthorized, Status: 401}
	}}
	h := authenticatedHarness(t, self)
	out, ok := h.last(events.SettingsRequested{}).(events.SignedOut)
	if !ok || out.Reason != events.ReasonSessionExpired {
		t.Fatalf("got %#v", out)
	}
	if tok, _ := h.tokens.Load(); tok != "" {
		t.Fatal("dead token kept")
	}
}

func TestWithoutSelfServiceAdapterSaysSo(t *testing.T) {
	h := authenticatedHarness(t, nil)
	in, ok := h.last(events.SettingsRequested{}).(events.SignedIn)
	if !ok || in.Notice == "" {
		t.Fatalf("got %#v", in)
	}
}

func TestBrowserRequiredStepShowsTheURL(t *testing.T) {
	self := &fakeSelf{
		createSettings: func(string) (*adapters.Flow, error) { return flow("settings-1"), nil },
		submitSettings: func(string, string, map[string]any) (*adapters.Flow, error) {
			return nil, &adapters.Error{Class: adapters.ClassBrowserRequired, Status: 422,
				Message: "browser location change required", RedirectTo: "https://idp.example.com/start"}
		},
	}
	h := authenticatedHarness(t, self)
	h.send(events.SettingsRequested{})
	f, ok := h.last(events.SettingsSubmitted{Method: "oidc", Values: map[string]any{"link": "github"}}).(events.SettingsFormShown)
	if !ok || f.GeneralError != "This step needs a web browser: open https://idp.example.com/start" {
		t.Fatalf("got %#v", f)
	}
}
