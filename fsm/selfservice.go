package fsm

import (
	"context"
	"fmt"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// Messages shown by the self-service steps.
const (
	// MessageSettingsSaved is the notice after a settings change.
	MessageSettingsSaved = "Your changes have been saved."
	// MessageRecoveryPassed is the notice after a recovery code was
	// accepted.
	MessageRecoveryPassed = "You are signed in. Choose a new password."
	// MessageReauthenticate explains the re-authentication step.
	MessageReauthenticate = "Please confirm it is you: enter your password again."
	// MessageSecondFactor explains the second-factor step.
	MessageSecondFactor = "Enter the code from your authenticator app, or one of your backup codes."
	// MessageVerified is the notice after an address was verified.
	MessageVerified = "Your email address is verified."
)

// errNoSelfService is returned when the machine was built without the
// self-service adapter.
var errNoSelfService = &adapters.Error{Class: adapters.ClassInternal, Message: "this client was built without the self-service adapter"}

// ss runs f with the self-service adapter, or fails without one.
func ss[T any](m *Machine, f func(adapters.SelfService) (T, error)) (T, error) {
	if m.cfg.SelfService == nil {
		var zero T
		return zero, errNoSelfService
	}
	return f(m.cfg.SelfService)
}

func (m *Machine) currentToken() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.token
}

func (m *Machine) currentFlowID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.view.form.FlowID
}

func (m *Machine) currentEmail() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.view.session != nil && m.view.session.Email != "" {
		return m.view.session.Email
	}
	return m.view.form.Email
}

// describe is the user's message for a failure, with the browser URL when
// a step needs one.
func describe(ae *adapters.Error) string {
	msg := ae.Message
	if ae.Class == adapters.ClassBrowserRequired && ae.RedirectTo != "" {
		return fmt.Sprintf("This step needs a web browser: open %s", ae.RedirectTo)
	}
	return sentence(msg)
}

// sentence ends msg with a full stop unless it ends a sentence already.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" || strings.HasSuffix(msg, ".") || strings.HasSuffix(msg, "!") || strings.HasSuffix(msg, "?") {
		return msg
	}
	return msg + "."
}

// sessionGone handles a token Kratos no longer accepts: it is deleted and
// the user signs in again.
func (m *Machine) sessionGone(ctx context.Context) {
	m.deleteToken(ctx)
	m.signedOut(events.ReasonSessionExpired, MessageSessionExpired, nil)
	m.must(ctx, EventSessionLost)
}

// returnHome goes back to the session screen with a notice.
func (m *Machine) returnHome(ctx context.Context, notice string) {
	m.mu.Lock()
	m.view.notice = notice
	m.mu.Unlock()
	m.must(ctx, EventReturnedHome)
}

// loginFlowRequest is the traced request of a login flow for a session.
type loginFlowRequest struct {
	Token string                    `json:"token"`
	Opts  adapters.LoginFlowOptions `json:"options"`
}

// loginFlowFor opens a login flow for the current session: a second factor
// or a re-authentication.
func (m *Machine) loginFlowFor(ctx context.Context, opts adapters.LoginFlowOptions) (*adapters.Flow, error) {
	token := m.currentToken()
	return call(ctx, m, "kratos.create_login_flow_for", loginFlowRequest{token, opts}, func(ctx context.Context) (*adapters.Flow, error) {
		return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.CreateLoginFlowFor(ctx, token, opts) })
	})
}

// requireSecondFactor opens an aal2 login flow for the session; then is
// where to go once it is passed ("settings" or home).
func (m *Machine) requireSecondFactor(ctx context.Context, then string) bool {
	flow, err := m.loginFlowFor(ctx, adapters.LoginFlowOptions{AAL: "aal2"})
	if err != nil {
		return false
	}
	m.mu.Lock()
	m.afterSecondFactor = then
	m.mu.Unlock()
	m.setForm(newForm(flow, m.currentEmail()), MessageSecondFactor)
	m.must(ctx, EventSecondFactorRequired)
	return true
}

func (m *Machine) submitSecondFactor(ctx context.Context, intent events.Event) {
	in := intent.(events.SecondFactorSubmitted)
	token, flowID := m.currentToken(), m.currentFlowID()
	body := map[string]any{"method": "totp", "totp_code": in.Code}
	switch in.Method {
	case "lookup_secret":
		body = map[string]any{"method": "lookup_secret", "lookup_secret": in.Code}
	case methodCode:
		// A code by e-mail: first the address to send it to, then the
		// code (or a new one).
		body = map[string]any{"method": methodCode, "csrf_token": ""}
		switch {
		case in.Address != "":
			body["address"] = in.Address
		case in.Resend:
			body["resend"] = methodCode
			m.mu.Lock()
			if id := hiddenValue(m.view.form.UI, "identifier"); id != "" {
				body["identifier"] = id
			}
			m.mu.Unlock()
		default:
			body["code"] = strings.TrimSpace(in.Code)
		}
	}
	sess, err := call(ctx, m, "kratos.submit_login_form", formRequest{Token: token, FlowID: flowID, Body: body},
		func(ctx context.Context) (*adapters.Session, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Session, error) {
				return s.SubmitLoginForm(ctx, token, flowID, body)
			})
		})
	if flow := progress(err); err != nil && flow != nil && in.Method == methodCode {
		// The code was sent: Kratos's 400 with the flow in sent_email.
		m.setForm(newForm(flow, m.currentEmail()), codeNotice(in.Resend))
		m.must(ctx, EventSecondFactorFormUpdated)
		return
	}
	if err != nil {
		m.formFailed(ctx, err, EventSecondFactorRejected)
		return
	}
	if sess.Token == "" {
		sess.Token = token
	}
	m.mu.Lock()
	then := m.afterSecondFactor
	m.afterSecondFactor = ""
	m.mu.Unlock()
	m.setSession(sess, sess.Token, "")
	if then == StateSettings {
		m.openSettings(ctx, EventSettingsFlowCreated, "")
		return
	}
	m.must(ctx, EventSecondFactorPassed)
}

// formFailed puts a failed submit's messages on the open form and fires
// outcome; a lost session signs the user out instead.
func (m *Machine) formFailed(ctx context.Context, err error, outcome string) {
	ae := adapters.AsError(err)
	switch ae.Class {
	case adapters.ClassUnauthorized:
		m.sessionGone(ctx)
		return
	case adapters.ClassValidation:
		email := m.currentEmail()
		m.setForm(newForm(ae.Flow, email), "")
	default:
		m.mu.Lock()
		m.view.form.GeneralError = describe(ae)
		m.mu.Unlock()
	}
	m.must(ctx, outcome)
}

// formRequest is the traced request of a form submit.
type formRequest struct {
	Token  string         `json:"token,omitempty"`
	FlowID string         `json:"flow_id"`
	Body   map[string]any `json:"body"`
}

func (m *Machine) requestSettings(ctx context.Context, _ events.Event) {
	m.openSettings(ctx, EventSettingsFlowCreated, "")
}

// openSettings creates a settings flow and enters it with outcome; on the
// way it handles a second factor or a lost session.
func (m *Machine) openSettings(ctx context.Context, outcome, notice string) {
	token := m.currentToken()
	flow, err := call(ctx, m, "kratos.create_settings_flow", tokenRequest{Token: token}, func(ctx context.Context) (*adapters.Flow, error) {
		return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.CreateSettingsFlow(ctx, token) })
	})
	if err != nil {
		ae := adapters.AsError(err)
		switch ae.Class {
		case adapters.ClassUnauthorized:
			m.sessionGone(ctx)
		case adapters.ClassAAL2Required:
			if !m.requireSecondFactor(ctx, StateSettings) {
				m.returnHome(ctx, "Could not open the second-factor step: "+describe(adapters.AsError(err)))
			}
		default:
			m.returnHome(ctx, "Could not open the settings: "+describe(ae))
		}
		return
	}
	f := newForm(flow, m.currentEmail())
	m.mu.Lock()
	f.AfterRecovery, m.afterRecovery = m.afterRecovery, false
	m.mu.Unlock()
	if f.AfterRecovery && notice == "" {
		notice = MessageRecoveryPassed
	}
	m.setForm(f, notice)
	m.must(ctx, outcome)
}

func (m *Machine) submitSettings(ctx context.Context, intent events.Event) {
	in := intent.(events.SettingsSubmitted)
	m.saveSettings(ctx, in)
}

// saveSettings submits one settings method; a session too old for it goes
// to re-authentication and the change is sent again afterwards.
func (m *Machine) saveSettings(ctx context.Context, in events.SettingsSubmitted) {
	token, flowID := m.currentToken(), m.currentFlowID()
	if in.FlowID != "" {
		flowID = in.FlowID
	}
	body := map[string]any{"method": in.Method}
	for k, v := range in.Values {
		body[k] = copyValue(v)
	}
	// E-mail inputs are sent without surrounding spaces.
	m.mu.Lock()
	ui := m.view.form.UI
	m.mu.Unlock()
	for _, n := range ui.Nodes {
		if s, ok := body[n.Attributes.Name].(string); ok && n.Attributes.Type == "email" {
			body[n.Attributes.Name] = strings.TrimSpace(s)
		}
	}
	flow, err := call(ctx, m, "kratos.submit_settings", formRequest{Token: token, FlowID: flowID, Body: body},
		func(ctx context.Context) (*adapters.Flow, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) {
				return s.SubmitSettings(ctx, token, flowID, body)
			})
		})
	if err == nil {
		notice := ""
		if flow.State == "success" {
			notice = MessageSettingsSaved
		}
		m.setForm(newForm(flow, m.currentEmail()), notice)
		m.must(ctx, EventSettingsSaved)
		return
	}
	ae := adapters.AsError(err)
	switch ae.Class {
	case adapters.ClassRefreshRequired:
		m.mu.Lock()
		pending := in
		pending.FlowID = flowID
		m.pendingSettings = &pending
		m.mu.Unlock()
		m.reauthenticate(ctx)
	case adapters.ClassAAL2Required:
		if !m.requireSecondFactor(ctx, StateSettings) {
			m.formFailed(ctx, err, EventSettingsRejected)
		}
	default:
		if isDeadFlow(ae) {
			m.openSettings(ctx, EventSettingsRejected, MessageFormExpired)
			return
		}
		m.formFailed(ctx, err, EventSettingsRejected)
	}
}

// reauthenticate opens a refresh login flow for the session.
func (m *Machine) reauthenticate(ctx context.Context) {
	flow, err := m.loginFlowFor(ctx, adapters.LoginFlowOptions{Refresh: true})
	if err != nil {
		ae := adapters.AsError(err)
		if ae.Class == adapters.ClassUnauthorized {
			m.sessionGone(ctx)
			return
		}
		m.returnHome(ctx, "Could not open the sign-in step: "+describe(ae))
		return
	}
	m.setForm(newForm(flow, m.currentEmail()), MessageReauthenticate)
	m.must(ctx, EventReauthenticationRequired)
}

func (m *Machine) requestSessionRefresh(ctx context.Context, _ events.Event) {
	m.mu.Lock()
	m.pendingSettings = nil
	m.mu.Unlock()
	m.reauthenticate(ctx)
}

func (m *Machine) submitReauthentication(ctx context.Context, intent events.Event) {
	in := intent.(events.ReauthenticationSubmitted)
	token, flowID, email := m.currentToken(), m.currentFlowID(), m.currentEmail()
	body := map[string]any{"method": "password", "identifier": email, "password": in.Password}
	sess, err := call(ctx, m, "kratos.submit_login_form", formRequest{Token: token, FlowID: flowID, Body: body},
		func(ctx context.Context) (*adapters.Session, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Session, error) {
				return s.SubmitLoginForm(ctx, token, flowID, body)
			})
		})
	if err != nil {
		m.formFailed(ctx, err, EventReauthenticationRejected)
		return
	}
	if sess.Token == "" {
		sess.Token = token
	}
	if sess.IdentityID == "" {
		m.mu.Lock()
		if m.view.session != nil {
			sess.IdentityID, sess.Email, sess.Verified = m.view.session.IdentityID, m.view.session.Email, m.view.session.Verified
		}
		m.mu.Unlock()
	}
	m.setSession(sess, sess.Token, "")
	m.mu.Lock()
	pending := m.pendingSettings
	m.pendingSettings = nil
	m.mu.Unlock()
	if pending != nil {
		m.saveSettings(ctx, *pending)
		return
	}
	m.mu.Lock()
	m.view.notice = "Your session was refreshed."
	m.mu.Unlock()
	m.must(ctx, EventReauthenticated)
}

func (m *Machine) requestRecovery(ctx context.Context, _ events.Event) {
	email := m.currentEmail()
	flow, err := call(ctx, m, "kratos.create_recovery_flow", nil, m.createRecovery())
	if err != nil {
		ae := adapters.AsError(err)
		m.signedOut(events.ReasonFlowFailed, "Could not get the recovery form from Kratos: "+describe(ae), ae)
		m.must(ctx, EventFlowCreationFailed)
		return
	}
	m.setForm(newForm(flow, email), "")
	m.must(ctx, EventRecoveryFlowCreated)
}

func (m *Machine) submitRecovery(ctx context.Context, intent events.Event) {
	in := intent.(events.RecoverySubmitted)
	flowID := m.currentFlowID()
	body := map[string]any{"method": "code"}
	email := strings.TrimSpace(in.Email)
	if in.Code != "" {
		body["code"] = strings.TrimSpace(in.Code)
	} else {
		body["email"] = email
	}
	res, err := call(ctx, m, "kratos.submit_recovery", formRequest{FlowID: flowID, Body: body},
		func(ctx context.Context) (*adapters.FlowResult, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.FlowResult, error) { return s.SubmitRecovery(ctx, flowID, body) })
		})
	if err != nil {
		ae := adapters.AsError(err)
		if ae.UseFlowID != "" && m.followFlow(ctx, ae, "kratos.get_recovery_flow", func(ctx context.Context, id string) (*adapters.Flow, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.GetRecoveryFlow(ctx, id) })
		}, "recovery", EventRecoveryFormUpdated) {
			return
		}
		if isDeadFlow(ae) && m.reopenForm(ctx, "kratos.create_recovery_flow", m.createRecovery(),
			"The recovery form had expired, so a new one was opened. Ask for a new code.", EventRecoveryFormUpdated) {
			return
		}
		m.formFailed(ctx, err, EventRecoveryFormUpdated)
		return
	}
	if res.SessionToken == "" {
		formEmail := m.currentEmail()
		if email != "" {
			formEmail = email
		}
		m.setForm(newForm(res.Flow, formEmail), "")
		m.must(ctx, EventRecoveryFormUpdated)
		return
	}
	// The code was right: Kratos made a session to set a new password in.
	m.setSession(&adapters.Session{Token: res.SessionToken, Email: m.currentEmail()}, res.SessionToken, "")
	if _, err := call(ctx, m, "tokens.save", tokenRequest{Token: res.SessionToken}, func(context.Context) (none, error) {
		return none{}, m.cfg.Tokens.Save(res.SessionToken)
	}); err != nil {
		m.mu.Lock()
		m.view.notice = "The new session could not be stored for next time: " + adapters.AsError(err).Message
		m.mu.Unlock()
	}
	m.refreshSessionQuietly(ctx)
	m.mu.Lock()
	m.afterRecovery = true
	m.mu.Unlock()
	m.openSettings(ctx, EventRecoveryPassed, MessageRecoveryPassed)
}

// refreshSessionQuietly loads the session's identity for the home screen;
// a failure here is not the user's concern yet.
func (m *Machine) refreshSessionQuietly(ctx context.Context) {
	token := m.currentToken()
	sess, err := call(ctx, m, "session.current", tokenRequest{Token: token}, func(ctx context.Context) (*adapters.Session, error) {
		return m.cfg.Sessions.CurrentSession(ctx, token)
	})
	if err == nil {
		m.setSession(sess, token, "")
	}
}

func (m *Machine) requestVerification(ctx context.Context, _ events.Event) {
	m.mu.Lock()
	pendingID := m.verificationFlowID
	m.mu.Unlock()
	var flow *adapters.Flow
	var err error
	if pendingID != "" {
		flow, err = call(ctx, m, "kratos.get_verification_flow", struct {
			FlowID string `json:"flow_id"`
		}{pendingID}, func(ctx context.Context) (*adapters.Flow, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.GetVerificationFlow(ctx, pendingID) })
		})
	}
	if pendingID == "" || err != nil {
		flow, err = call(ctx, m, "kratos.create_verification_flow", nil, m.createVerification())
	}
	if err != nil {
		m.returnHome(ctx, "Could not open the verification form: "+describe(adapters.AsError(err)))
		return
	}
	m.setForm(newForm(flow, m.currentEmail()), "")
	m.must(ctx, EventVerificationFlowCreated)
}

func (m *Machine) submitVerification(ctx context.Context, intent events.Event) {
	in := intent.(events.VerificationSubmitted)
	flowID := m.currentFlowID()
	body := map[string]any{"method": "code"}
	if in.Code != "" {
		body["code"] = strings.TrimSpace(in.Code)
	} else {
		email := strings.TrimSpace(in.Email)
		if email == "" {
			email = m.currentEmail()
		}
		body["email"] = email
	}
	flow, err := call(ctx, m, "kratos.submit_verification", formRequest{FlowID: flowID, Body: body},
		func(ctx context.Context) (*adapters.Flow, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.SubmitVerification(ctx, flowID, body) })
		})
	if err != nil {
		ae := adapters.AsError(err)
		if ae.UseFlowID != "" && m.followFlow(ctx, ae, "kratos.get_verification_flow", func(ctx context.Context, id string) (*adapters.Flow, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.GetVerificationFlow(ctx, id) })
		}, "verification", EventVerificationFormUpdated) {
			m.mu.Lock()
			m.verificationFlowID = ""
			m.mu.Unlock()
			return
		}
		// An expired verification flow answers 403: start a new one.
		if isDeadFlow(ae) {
			m.mu.Lock()
			m.verificationFlowID = ""
			m.mu.Unlock()
			if m.reopenForm(ctx, "kratos.create_verification_flow", m.createVerification(),
				"The verification form had expired, so a new one was opened. Ask for a new code.", EventVerificationFormUpdated) {
				return
			}
		}
		m.formFailed(ctx, err, EventVerificationFormUpdated)
		return
	}
	notice := ""
	if flow.State == "passed_challenge" {
		notice = MessageVerified
		m.mu.Lock()
		m.verificationFlowID = ""
		if m.view.session != nil {
			m.view.session.Verified = true
		}
		m.mu.Unlock()
	}
	m.setForm(newForm(flow, m.currentEmail()), notice)
	m.must(ctx, EventVerificationFormUpdated)
}

func (m *Machine) requestSessions(ctx context.Context, _ events.Event) {
	m.listSessions(ctx, "")
}

// listSessions lists the other sessions and enters StateSessions.
func (m *Machine) listSessions(ctx context.Context, notice string) {
	token := m.currentToken()
	list, err := call(ctx, m, "kratos.list_sessions", tokenRequest{Token: token}, func(ctx context.Context) ([]adapters.Session, error) {
		return ss(m, func(s adapters.SelfService) ([]adapters.Session, error) { return s.ListSessions(ctx, token) })
	})
	if err != nil {
		ae := adapters.AsError(err)
		if ae.Class == adapters.ClassUnauthorized {
			m.sessionGone(ctx)
			return
		}
		m.returnHome(ctx, "Could not list your sessions: "+describe(ae))
		return
	}
	m.completeCurrentSession(ctx, token)
	m.mu.Lock()
	m.view.sessions = summarize(m.view.session, list)
	m.view.notice = notice
	m.mu.Unlock()
	m.must(ctx, EventSessionsListed)
}

// completeCurrentSession fills what the current session lacks (its
// devices, methods, issue time: a backend's whoami answer, or a session
// restored at start, carries only the identity and expiry) from Kratos's
// whoami. Kratos's session list leaves the current session out, so this is
// where they come from; a failure leaves the session as it was.
func (m *Machine) completeCurrentSession(ctx context.Context, token string) {
	m.mu.Lock()
	cur := m.view.session
	complete := cur != nil && len(cur.Devices) > 0 && len(cur.Methods) > 0 && cur.IssuedAt != nil
	m.mu.Unlock()
	if cur == nil || complete || token == "" || m.cfg.Kratos == nil && m.cfg.Responder == nil {
		return
	}
	full, err := call(ctx, m, "kratos.whoami", tokenRequest{Token: token}, func(ctx context.Context) (*adapters.Session, error) {
		return m.cfg.Kratos.Whoami(ctx, token)
	})
	if err != nil || full == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.view.session; s != nil && (s.ID == "" || full.ID == "" || s.ID == full.ID) {
		// What the session already says stays; what it lacks comes from
		// Kratos's whoami.
		m.view.session = keepDetails(full, s)
	}
}

// summarize lists the current session first, then the others.
func summarize(current *adapters.Session, others []adapters.Session) []events.SessionSummary {
	out := make([]events.SessionSummary, 0, len(others)+1)
	if current != nil {
		out = append(out, summary(*current, true))
	}
	for _, s := range others {
		if current != nil && s.ID == current.ID {
			continue
		}
		out = append(out, summary(s, mutation.On(mutation.EverySessionCurrent)))
	}
	return out
}

func summary(s adapters.Session, current bool) events.SessionSummary {
	return events.SessionSummary{
		ID: s.ID, Current: current, AAL: s.AAL, IssuedAt: s.IssuedAt,
		AuthenticatedAt: s.AuthenticatedAt, ExpiresAt: s.ExpiresAt,
		Methods: s.Methods, Devices: s.Devices,
	}
}

func (m *Machine) revokeSession(ctx context.Context, intent events.Event) {
	in := intent.(events.SessionRevocationRequested)
	token := m.currentToken()
	_, err := call(ctx, m, "kratos.revoke_session", struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
	}{token, in.SessionID}, func(ctx context.Context) (none, error) {
		return ss(m, func(s adapters.SelfService) (none, error) { return none{}, s.RevokeSession(ctx, token, in.SessionID) })
	})
	notice := "The session was ended."
	if err != nil {
		ae := adapters.AsError(err)
		if ae.Class == adapters.ClassUnauthorized {
			m.sessionGone(ctx)
			return
		}
		notice = "Could not end the session: " + describe(ae)
	}
	m.listSessions(ctx, notice)
}

func (m *Machine) revokeOtherSessions(ctx context.Context, _ events.Event) {
	token := m.currentToken()
	// The user counts the other sessions the list showed; Kratos's count
	// also takes in sessions already signed out or expired, which the list
	// leaves out.
	m.mu.Lock()
	shown := 0
	for _, s := range m.view.sessions {
		if !s.Current {
			shown++
		}
	}
	m.mu.Unlock()
	n, err := call(ctx, m, "kratos.revoke_other_sessions", tokenRequest{Token: token}, func(ctx context.Context) (int, error) {
		return ss(m, func(s adapters.SelfService) (int, error) { return s.RevokeOtherSessions(ctx, token) })
	})
	if shown > 0 && shown < n {
		n = shown
	}
	notice := fmt.Sprintf("Ended %d other session(s).", n)
	if err != nil {
		ae := adapters.AsError(err)
		if ae.Class == adapters.ClassUnauthorized {
			m.sessionGone(ctx)
			return
		}
		notice = "Could not end the other sessions: " + describe(ae)
	}
	m.listSessions(ctx, notice)
}

func (m *Machine) requestHome(ctx context.Context, _ events.Event) {
	m.mu.Lock()
	m.pendingSettings = nil
	m.mu.Unlock()
	token := m.currentToken()
	sess, err := call(ctx, m, "session.current", tokenRequest{Token: token}, func(ctx context.Context) (*adapters.Session, error) {
		return m.cfg.Sessions.CurrentSession(ctx, token)
	})
	switch adapters.ClassOf(err) {
	case "":
		m.mu.Lock()
		sess = keepDetails(m.view.session, sess)
		m.mu.Unlock()
		m.setSession(sess, token, "")
		m.must(ctx, EventSessionRefreshed)
	case adapters.ClassUnauthorized:
		m.sessionGone(ctx)
	case adapters.ClassAAL2Required:
		if !m.requireSecondFactor(ctx, "") {
			m.returnHome(ctx, "A second factor is needed, but its form could not be opened.")
		}
	default:
		m.returnHome(ctx, "Could not refresh the session: "+describe(adapters.AsError(err)))
	}
}

// keepDetails returns fresh, with what only Kratos's whoami tells (the
// session's devices, methods, issue time; empty when a backend answered)
// taken from old when both are the same session.
func keepDetails(old, fresh *adapters.Session) *adapters.Session {
	if old == nil || fresh == nil || (fresh.ID != "" && old.ID != "" && fresh.ID != old.ID) {
		return fresh
	}
	out := *fresh
	if out.ID == "" {
		out.ID = old.ID
	}
	if len(out.Devices) == 0 {
		out.Devices = old.Devices
	}
	if len(out.Methods) == 0 {
		out.Methods = old.Methods
	}
	if out.IssuedAt == nil {
		out.IssuedAt = old.IssuedAt
	}
	if out.AuthenticatedAt == nil {
		out.AuthenticatedAt = old.AuthenticatedAt
	}
	if out.ExpiresAt == nil {
		out.ExpiresAt = old.ExpiresAt
	}
	if out.AAL == "" {
		out.AAL = old.AAL
	}
	if out.Traits == nil {
		out.Traits = old.Traits
	}
	return &out
}

// isDeadFlow reports whether a submit failed because its flow can no
// longer be used (expired, replaced, unknown, or refused as foreign).
func isDeadFlow(ae *adapters.Error) bool {
	switch ae.Class {
	case adapters.ClassFlowExpired, adapters.ClassFlowReplaced, adapters.ClassFlowNotFound, adapters.ClassForbidden:
		return true
	}
	return false
}

// followFlow moves to the flow Kratos named to replace the one submitted
// (ae.UseFlowID), says why on it and fires outcome; false when the named
// flow could not be fetched.
func (m *Machine) followFlow(ctx context.Context, ae *adapters.Error, op string,
	get func(context.Context, string) (*adapters.Flow, error), what, outcome string) bool {
	id := ae.UseFlowID
	flow, err := call(ctx, m, op, struct {
		FlowID string `json:"flow_id"`
	}{id}, func(ctx context.Context) (*adapters.Flow, error) { return get(ctx, id) })
	if err != nil {
		return false
	}
	f := newForm(flow, m.currentEmail())
	f.GeneralError = replacedWhy(ae, what)
	m.setForm(f, "")
	m.must(ctx, outcome)
	return true
}

// replacedWhy says why Kratos replaced a flow and what to do now.
func replacedWhy(ae *adapters.Error, what string) string {
	why := strings.TrimSpace(ae.Message)
	switch {
	case ae.Class == adapters.ClassFlowExpired:
		return fmt.Sprintf("The %s form had expired, so Kratos opened a new one. Ask for a new code.", what)
	case strings.Contains(strings.ToLower(why), "too often"):
		return fmt.Sprintf("Too many attempts: Kratos closed this %s and opened a new one. Ask for a new code.", what)
	case why != "":
		return fmt.Sprintf("Kratos opened a new %s form (%s). Ask for a new code.", what, strings.TrimSuffix(why, "."))
	}
	return fmt.Sprintf("Kratos opened a new %s form. Ask for a new code.", what)
}

// reopenForm replaces a dead flow with a new one, explains why on the new
// form and fires outcome; false when no new flow could be had.
func (m *Machine) reopenForm(ctx context.Context, op string, create func(context.Context) (*adapters.Flow, error), why, outcome string) bool {
	flow, err := call(ctx, m, op, nil, create)
	if err != nil {
		return false
	}
	f := newForm(flow, m.currentEmail())
	f.GeneralError = why
	m.setForm(f, "")
	m.must(ctx, outcome)
	return true
}

func (m *Machine) createRecovery() func(context.Context) (*adapters.Flow, error) {
	return func(ctx context.Context) (*adapters.Flow, error) {
		return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.CreateRecoveryFlow(ctx) })
	}
}

func (m *Machine) createVerification() func(context.Context) (*adapters.Flow, error) {
	return func(ctx context.Context) (*adapters.Flow, error) {
		return ss(m, func(s adapters.SelfService) (*adapters.Flow, error) { return s.CreateVerificationFlow(ctx) })
	}
}
