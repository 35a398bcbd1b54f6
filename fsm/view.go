package fsm

import (
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// view is what the state events show; the steps update it before firing
// the event that enters a state.
type view struct {
	form      form
	session   *adapters.Session
	operation string
	// notice is an informational message for the next state event only.
	notice string
	// signedOutReason and failure describe StateUnauthenticated and a
	// failed launch.
	signedOutReason string
	message         string
	failure         *adapters.Error
	// sessions is the list StateSessions shows.
	sessions []events.SessionSummary
}

// form is the open login or registration form.
type form struct {
	events.Form
}

// stateEvent builds the state event for entering state.
func (m *Machine) stateEvent(state string) events.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	types := m.traitTypes
	v := m.view
	switch state {
	case StateCheckingSession:
		return events.SessionCheckStarted{Message: "Checking your session…"}
	case StateUninitialized:
		return events.SessionCheckFailed{Message: v.message, Error: v.failure}
	case StateUnauthenticated:
		return events.SignedOut{Reason: v.signedOutReason, Message: v.message, Error: v.failure}
	case StateLoading:
		return events.RequestStarted{Operation: v.operation}
	case StateLogin:
		f := v.form.snapshot()
		f.Notice = v.notice
		return events.LoginFormShown{Form: f}
	case StateRegistration:
		f := v.form.snapshot()
		f.Notice = v.notice
		f.TraitTypes = types
		return events.RegistrationFormShown{Form: f}
	case StateSecondFactor:
		return events.SecondFactorFormShown{Form: v.formWithNotice()}
	case StateReauthenticating:
		return events.ReauthenticationFormShown{Form: v.formWithNotice()}
	case StateSettings:
		f := v.formWithNotice()
		f.TraitTypes = types
		return events.SettingsFormShown{Form: f}
	case StateRecovery:
		return events.RecoveryFormShown{Form: v.formWithNotice()}
	case StateVerification:
		return events.VerificationFormShown{Form: v.formWithNotice()}
	case StateSessions:
		return events.SessionsListShown{Sessions: append([]events.SessionSummary(nil), v.sessions...), Notice: v.notice}
	case StateSocialSignIn:
		return m.socialEvent()
	case StateAuthenticated:
		s := v.session
		if s == nil {
			s = &adapters.Session{}
		}
		return events.SignedIn{
			IdentityID: s.IdentityID, Email: s.Email, Verified: s.Verified, Token: m.token,
			SessionID: s.ID, ExpiresAt: s.ExpiresAt, AuthenticatedAt: s.AuthenticatedAt, AAL: s.AAL,
			Notice: v.notice,
		}
	}
	return events.IntentRejected{State: state, Reason: "no state event for this state"}
}

// formWithNotice is the open form with the pending notice.
func (v view) formWithNotice() events.Form {
	f := v.form.snapshot()
	f.Notice = v.notice
	return f
}

// snapshot copies the form so a published event shares nothing with the
// machine's view.
func (f form) snapshot() events.Form {
	out := f.Form
	if f.FieldErrors != nil {
		out.FieldErrors = make(map[string][]adapters.Message, len(f.FieldErrors))
		for k, v := range f.FieldErrors {
			out.FieldErrors[k] = append([]adapters.Message(nil), v...)
		}
	}
	out.Messages = append([]adapters.Message(nil), f.Messages...)
	return out
}

// emailFields are the node names of the seed's email field: the login
// identifier and the registration email trait.
var emailFields = []string{"identifier", "traits.email", "email"}

// newForm builds the form of a flow: every message with its id, by node.
func newForm(flow *adapters.Flow, email string) form {
	f := form{Form: events.Form{Email: email}}
	if flow == nil {
		return f
	}
	f.FlowID = flow.ID
	f.State = flow.State
	f.ExpiresAt = flow.ExpiresAt
	f.UI = flow.UI
	f.Messages = append([]adapters.Message(nil), flow.UI.Messages...)
	for _, msg := range flow.UI.Messages {
		if (msg.Type == "error" || mutation.On(mutation.InfoShownAsError) && msg.Type == "info") && f.GeneralError == "" {
			f.GeneralError = msg.Text
		}
	}
	for _, node := range flow.UI.Nodes {
		name := node.Attributes.Name
		if name == "" || len(node.Messages) == 0 {
			continue
		}
		if f.FieldErrors == nil {
			f.FieldErrors = map[string][]adapters.Message{}
		}
		f.FieldErrors[name] = append(f.FieldErrors[name], node.Messages...)
		first := node.Messages[0].Text
		switch {
		case isEmailField(name) && f.EmailError == "":
			f.EmailError = first
		case name == "password" && f.PasswordError == "":
			f.PasswordError = first
		}
	}
	return f
}

func isEmailField(name string) bool {
	for _, n := range emailFields {
		if name == n {
			return true
		}
	}
	return false
}

// clearField applies a FieldChanged: the field's errors and the general
// error are cleared; an email value is kept.
func (f *form) clearField(fc events.FieldChanged) {
	name := strings.TrimSpace(fc.Field)
	f.GeneralError = ""
	if isEmailField(name) {
		f.EmailError = ""
		if !events.IsSecretField(name) {
			f.Email = fc.Value
		}
		for _, n := range emailFields {
			delete(f.FieldErrors, n)
		}
	}
	if name == "password" {
		f.PasswordError = ""
	}
	delete(f.FieldErrors, name)
}
