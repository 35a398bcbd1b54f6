package fsm

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// stepFunc does an intent's work after its transition: the adapter calls
// and the outcome event.
type stepFunc func(m *Machine, ctx context.Context, intent events.Event)

// steps maps each intent type to its work; nil means the transition is all.
var steps = map[string]stepFunc{
	EventAppStarted:                (*Machine).checkSession,
	EventLoginFlowRequested:        (*Machine).createLoginFlow,
	EventRegistrationFlowRequested: (*Machine).createRegistrationFlow,
	EventSignInSubmitted:           (*Machine).signIn,
	EventSignUpSubmitted:           (*Machine).signUp,
	EventFieldChanged:              nil,
	EventSignOutRequested:          (*Machine).signOut,
	EventRequestCancelled:          nil,

	EventSettingsRequested:                (*Machine).requestSettings,
	EventSettingsSubmitted:                (*Machine).submitSettings,
	EventSecondFactorSubmitted:            (*Machine).submitSecondFactor,
	EventReauthenticationSubmitted:        (*Machine).submitReauthentication,
	EventSessionRefreshRequested:          (*Machine).requestSessionRefresh,
	EventRecoveryRequested:                (*Machine).requestRecovery,
	EventRecoverySubmitted:                (*Machine).submitRecovery,
	EventVerificationRequested:            (*Machine).requestVerification,
	EventVerificationSubmitted:            (*Machine).submitVerification,
	EventSessionsRequested:                (*Machine).requestSessions,
	EventSessionRevocationRequested:       (*Machine).revokeSession,
	EventOtherSessionsRevocationRequested: (*Machine).revokeOtherSessions,
	EventHomeRequested:                    (*Machine).requestHome,
	EventSocialSignInRequested:            (*Machine).requestSocialSignIn,
	EventSocialSignInCallbackReceived:     (*Machine).receiveSocialCallback,
}

// MessageSessionExpired is shown when a stored token is no longer valid.
const MessageSessionExpired = "Your session expired. Please sign in."

func (m *Machine) checkSession(ctx context.Context, _ events.Event) {
	token, err := call(ctx, m, "tokens.load", nil, func(context.Context) (string, error) {
		return m.cfg.Tokens.Load()
	})
	if err != nil {
		m.launchFailed(ctx, err, "Could not read the stored session")
		return
	}
	if token == "" {
		m.signedOut(events.ReasonNoSession, "", nil)
		m.must(ctx, EventSessionNotFound)
		return
	}
	sess, err := call(ctx, m, "session.current", tokenRequest{Token: token}, func(ctx context.Context) (*adapters.Session, error) {
		return m.cfg.Sessions.CurrentSession(ctx, token)
	})
	switch adapters.ClassOf(err) {
	case "":
		m.setSession(sess, token, "")
		m.must(ctx, EventSessionFound)
	case adapters.ClassUnauthorized:
		m.deleteToken(ctx)
		m.signedOut(events.ReasonSessionExpired, MessageSessionExpired, nil)
		m.must(ctx, EventSessionNotFound)
	case adapters.ClassAAL2Required:
		m.mu.Lock()
		m.token = token
		m.mu.Unlock()
		if !m.requireSecondFactor(ctx, "") {
			m.launchFailed(ctx, err, "Your session needs a second factor, but its form could not be opened")
		}
	default:
		m.launchFailed(ctx, err, "Could not check your session")
	}
}

func (m *Machine) launchFailed(ctx context.Context, err error, what string) {
	ae := adapters.AsError(err)
	m.mu.Lock()
	m.view.failure = ae
	m.view.message = fmt.Sprintf("%s: %s.", what, strings.TrimSuffix(ae.Message, "."))
	if ae.Class == adapters.ClassUnavailable {
		m.view.message += " Retry when it is back."
	}
	m.mu.Unlock()
	m.must(ctx, EventSessionCheckFailed)
}

func (m *Machine) signedOut(reason, message string, failure *adapters.Error) {
	m.mu.Lock()
	m.view.signedOutReason = reason
	m.view.message = message
	m.view.failure = failure
	m.mu.Unlock()
}

func (m *Machine) setSession(sess *adapters.Session, token, notice string) {
	m.mu.Lock()
	m.view.session = sess
	m.token = token
	m.view.notice = notice
	if token != "" {
		m.typedIdentifier = ""
	}
	m.mu.Unlock()
}

func (m *Machine) setForm(f form, notice string) {
	m.mu.Lock()
	m.view.form = f
	m.view.notice = notice
	m.mu.Unlock()
}

func (m *Machine) createLoginFlow(ctx context.Context, _ events.Event) {
	m.mu.Lock()
	email := m.typedIdentifier
	m.mu.Unlock()
	m.openForm(ctx, "kratos.create_login_flow", m.kratosCreateLogin(), EventLoginFlowCreated, email, "")
}

func (m *Machine) createRegistrationFlow(ctx context.Context, _ events.Event) {
	m.openForm(ctx, "kratos.create_registration_flow", m.kratosCreateRegistration(), EventRegistrationFlowCreated, "", "")
}

// openForm creates a flow and enters its form with the given outcome
// event; when Kratos cannot make one, the user lands in StateUnauthenticated
// with the reason and can ask again.
func (m *Machine) openForm(ctx context.Context, op string, create func(context.Context) (*adapters.Flow, error), outcome, email, notice string) {
	flow, err := call(ctx, m, op, nil, create)
	if err != nil {
		ae := adapters.AsError(err)
		m.signedOut(events.ReasonFlowFailed, "Could not get the form from Kratos: "+sentence(ae.Message)+" Try again.", ae)
		m.must(ctx, EventFlowCreationFailed)
		return
	}
	f := newForm(flow, email)
	m.setForm(f, notice)
	m.must(ctx, outcome)
}

// freshFlow replaces an expired or unknown flow after a failed submit. It
// returns false when Kratos could not make one (the machine has then left
// for StateUnauthenticated).
func (m *Machine) freshFlow(ctx context.Context, login bool) (*adapters.Flow, bool) {
	op, create := "kratos.create_login_flow", m.kratosCreateLogin()
	if !login {
		op, create = "kratos.create_registration_flow", m.kratosCreateRegistration()
	}
	flow, err := call(ctx, m, op, nil, create)
	if err != nil {
		ae := adapters.AsError(err)
		m.signedOut(events.ReasonFlowFailed, "Could not get a new form from Kratos: "+sentence(ae.Message)+" Try again.", ae)
		m.must(ctx, EventFlowCreationFailed)
		return nil, false
	}
	return flow, true
}

func (m *Machine) kratosCreateLogin() func(context.Context) (*adapters.Flow, error) {
	return func(ctx context.Context) (*adapters.Flow, error) { return m.cfg.Kratos.CreateLoginFlow(ctx) }
}

func (m *Machine) kratosCreateRegistration() func(context.Context) (*adapters.Flow, error) {
	return func(ctx context.Context) (*adapters.Flow, error) { return m.cfg.Kratos.CreateRegistrationFlow(ctx) }
}

// MessageFormExpired is shown when a form had to be replaced after its flow
// could not be continued.
const MessageFormExpired = "The form had expired, so a new one was opened. Please submit it again."

func (m *Machine) signIn(ctx context.Context, intent events.Event) {
	in := intent.(events.SignInSubmitted)
	m.mu.Lock()
	flowID := m.view.form.FlowID
	ui := m.view.form.UI
	m.mu.Unlock()
	if in.FlowID != "" {
		flowID = in.FlowID
	}
	// An identifier never has surrounding spaces (a pasted " a@b.c").
	in.Identifier = strings.TrimSpace(in.Identifier)
	if in.Identifier == "" {
		// After a code was sent, Kratos keeps the identifier hidden.
		in.Identifier = hiddenValue(ui, "identifier")
	}
	m.mu.Lock()
	m.typedIdentifier = in.Identifier
	m.mu.Unlock()
	method := in.Method
	if method == "" {
		method = chooseMethod(ui, in.Password != "", "")
	}
	if method == methodIdentifierFirst {
		flow, done := m.identifierFirst(ctx, flowID, in.Identifier)
		if done {
			return
		}
		if in.Password == "" || !hasInput(flow.UI, "password") {
			// The methods Kratos offers for this identifier.
			m.setForm(newForm(flow, in.Identifier), "")
			m.must(ctx, EventLoginFormUpdated)
			return
		}
		// Identifier and password at once (a script): the password
		// follows on the flow Kratos moved on.
		m.setForm(newForm(flow, in.Identifier), "")
		flowID, method = flow.ID, methodPassword
	}
	switch method {
	case methodPassword:
	case methodCode:
		m.codeSignIn(ctx, flowID, in)
		return
	default:
		m.mu.Lock()
		m.view.form.GeneralError = noMethodMessage(ui, method, "sign-in")
		m.mu.Unlock()
		m.must(ctx, EventSignInRejected)
		return
	}
	req := adapters.LoginRequest{FlowID: flowID, Identifier: in.Identifier, Password: in.Password}
	sess, err := call(ctx, m, "kratos.submit_login", req, func(ctx context.Context) (*adapters.Session, error) {
		return m.cfg.Kratos.SubmitLogin(ctx, req)
	})
	if err == nil {
		m.loggedIn(ctx, sess, in.Identifier)
		return
	}
	m.submitFailed(ctx, err, true, in.Identifier, EventSignInRejected)
}

// loggedIn ends a login Kratos accepted: signed in, or a second factor
// to give.
func (m *Machine) loggedIn(ctx context.Context, sess *adapters.Session, identifier string) {
	if sess.IdentityID == "" && sess.Token != "" {
		// Kratos withholds the identity of an aal1 session when a
		// second factor is set up: ask for it.
		m.storeToken(ctx, sess.Token)
		m.setSession(&adapters.Session{Token: sess.Token, Email: identifier, AAL: sess.AAL, ID: sess.ID}, sess.Token, "")
		if !m.requireSecondFactor(ctx, "") {
			m.mu.Lock()
			m.view.form.GeneralError = "Your account needs a second factor, but its form could not be opened. Try again."
			m.mu.Unlock()
			m.must(ctx, EventSignInRejected)
		}
		return
	}
	m.signedIn(ctx, sess, EventSignInSucceeded)
}

// codeSignIn submits the code method of a login flow: without a code it
// asks Kratos to e-mail one (Kratos answers 400 with the flow in state
// sent_email: the next screen, not a failure), with one it signs in.
func (m *Machine) codeSignIn(ctx context.Context, flowID string, in events.SignInSubmitted) {
	body := map[string]any{"method": methodCode, "csrf_token": "", "identifier": in.Identifier}
	switch {
	case in.Resend:
		body["resend"] = methodCode
	case in.Code != "":
		body["code"] = strings.TrimSpace(in.Code)
	}
	sess, err := call(ctx, m, "kratos.submit_login_form", formRequest{FlowID: flowID, Body: body},
		func(ctx context.Context) (*adapters.Session, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Session, error) {
				return s.SubmitLoginForm(ctx, "", flowID, body)
			})
		})
	if err == nil {
		m.loggedIn(ctx, sess, in.Identifier)
		return
	}
	if flow := progress(err); flow != nil {
		m.setForm(newForm(flow, in.Identifier), codeNotice(in.Resend))
		m.must(ctx, EventLoginFormUpdated)
		return
	}
	m.submitFailed(ctx, err, true, in.Identifier, EventSignInRejected)
}

// identifierFirst submits the identifier of an identifier-first login
// (selfservice.flows.login.style: identifier_first). It returns the flow
// with the methods Kratos offers for it, or done when the step ended
// otherwise (refused: an unknown account is message 4000037 on the
// identifier; failed; or signed in).
func (m *Machine) identifierFirst(ctx context.Context, flowID, identifier string) (*adapters.Flow, bool) {
	body := map[string]any{"method": methodIdentifierFirst, "csrf_token": "", "identifier": identifier}
	sess, err := call(ctx, m, "kratos.submit_login_form", formRequest{FlowID: flowID, Body: body},
		func(ctx context.Context) (*adapters.Session, error) {
			return ss(m, func(s adapters.SelfService) (*adapters.Session, error) {
				return s.SubmitLoginForm(ctx, "", flowID, body)
			})
		})
	if err == nil {
		m.loggedIn(ctx, sess, identifier)
		return nil, true
	}
	if flow := progress(err); flow != nil {
		return flow, false
	}
	m.submitFailed(ctx, err, true, identifier, EventSignInRejected)
	return nil, true
}

// progress returns the flow of a step Kratos answered with HTTP 400 and
// no error (a code sent, the next screen), else nil.
func progress(err error) *adapters.Flow {
	if err == nil {
		return nil
	}
	ae := adapters.AsError(err)
	if ae.Class == adapters.ClassValidation && ae.Flow != nil && !ae.Flow.HasError() {
		return ae.Flow
	}
	return nil
}

// codeNotice is the notice after a code was sent.
func codeNotice(resent bool) string {
	if resent {
		return "A new code was sent; the one before no longer works."
	}
	return ""
}

// chooseMethod picks the method of a sign-in or sign-up form when the
// user named none: the identifier on an identifier-first login's first
// screen; "code" while the form asks for an e-mailed code; the
// password when one was given or the form has a password field and no
// code button; "code" (send one) when the form offers it; then
// fallback, else the password.
func chooseMethod(ui adapters.UI, passwordGiven bool, fallback string) string {
	switch {
	case hasButton(ui, "method", methodIdentifierFirst) && !hasInput(ui, "password") && !hasInput(ui, "code"):
		return methodIdentifierFirst
	case hasInput(ui, "code"):
		return methodCode
	case hasInput(ui, "password") && (passwordGiven || !hasButton(ui, "method", methodCode)):
		return methodPassword
	case hasButton(ui, "method", methodCode) && !passwordGiven:
		return methodCode
	case fallback != "":
		return fallback
	}
	return methodPassword
}

// hasButton reports whether the form has a submit button name=value.
func hasButton(ui adapters.UI, name, value string) bool {
	for _, n := range ui.Nodes {
		if n.Attributes.Name == name && n.Attributes.Value == value && n.Attributes.Type == "submit" {
			return true
		}
	}
	return false
}

// hiddenValue is the value of the form's hidden input name, if any.
func hiddenValue(ui adapters.UI, name string) string {
	for _, n := range ui.Nodes {
		if n.Attributes.Name == name && n.Attributes.Type == "hidden" {
			if v, ok := n.Attributes.Value.(string); ok {
				return v
			}
		}
	}
	return ""
}

func (m *Machine) signUp(ctx context.Context, intent events.Event) {
	in := intent.(events.SignUpSubmitted)
	m.mu.Lock()
	flowID := m.view.form.FlowID
	ui := m.view.form.UI
	m.mu.Unlock()
	if in.FlowID != "" {
		flowID = in.FlowID
	}
	// Identifiers and e-mail traits are sent without surrounding spaces:
	// " a@b.c" would make an account whose address never verifies.
	in.Email = strings.TrimSpace(in.Email)
	traits := nestTraits(mergeHiddenTraits(ui, in.Traits), in.Email)
	trimEmails(ui, "traits", traits)
	if e, ok := traits["email"].(string); ok && in.Email == "" {
		in.Email = e
	}
	m.mu.Lock()
	m.typedIdentifier = in.Email
	m.mu.Unlock()

	method := in.Method
	if method == "" && in.Screen == "" {
		method = registrationMethod(ui, in.Password != "")
	}
	switch {
	case in.Screen != "":
		m.registrationStep(ctx, flowID, map[string]any{"screen": in.Screen, "traits": traits}, in.Email, "")
		return
	case method == methodProfile:
		flow, done := m.profileStep(ctx, flowID, traits, in.Email)
		if done {
			return
		}
		if in.Password == "" || !hasInput(flow.UI, "password") {
			// The choice of credential is the next screen.
			m.setForm(newForm(flow, in.Email), "")
			m.must(ctx, EventRegistrationFormUpdated)
			return
		}
		// Everything was sent at once (a script): the password step
		// follows on the flow Kratos moved on.
		m.setForm(newForm(flow, in.Email), "")
		flowID = flow.ID
	case method == methodCode:
		body := map[string]any{"method": methodCode, "traits": traits}
		switch {
		case in.Resend:
			body["resend"] = methodCode
		case in.Code != "":
			body["code"] = strings.TrimSpace(in.Code)
		}
		m.registrationStep(ctx, flowID, body, in.Email, codeNotice(in.Resend))
		return
	case method != methodPassword:
		m.mu.Lock()
		m.view.form.GeneralError = noMethodMessage(ui, method, "sign-up")
		m.mu.Unlock()
		m.must(ctx, EventSignUpRejected)
		return
	}
	req := adapters.RegistrationRequest{FlowID: flowID, Traits: traits, Password: in.Password}
	sess, err := call(ctx, m, "kratos.submit_registration", req, func(ctx context.Context) (*adapters.Session, error) {
		return m.cfg.Kratos.SubmitRegistration(ctx, req)
	})
	if err != nil {
		m.submitFailed(ctx, err, false, in.Email, EventSignUpRejected)
		return
	}
	m.signedUp(ctx, sess, in.Email)
}

// signedUp ends a registration Kratos accepted.
func (m *Machine) signedUp(ctx context.Context, sess *adapters.Session, email string) {
	if sess == nil || sess.Token == "" {
		// Kratos has no session hook after registration: the account
		// exists, the user signs in.
		m.openForm(ctx, "kratos.create_login_flow", m.kratosCreateLogin(), EventSignUpCompletedWithoutSession,
			email, "Your account was created. Please sign in.")
		return
	}
	m.mu.Lock()
	m.verificationFlowID = verificationFlowOf(sess.ContinueWith)
	m.mu.Unlock()
	m.signedIn(ctx, sess, EventSignUpSucceeded)
}

// Registration methods the machine submits itself.
const (
	methodProfile  = "profile"
	methodPassword = "password"
	methodCode     = "code"
	// methodIdentifierFirst is the first screen of an identifier-first
	// login: the identifier alone.
	methodIdentifierFirst = "identifier_first"
)

// profileStep submits two-step registration's profile. It returns the
// flow of the next step, or done when the step ended otherwise (refused,
// failed, or the registration completed).
func (m *Machine) profileStep(ctx context.Context, flowID string, traits map[string]any, email string) (*adapters.Flow, bool) {
	step, err := m.submitRegistrationForm(ctx, flowID, map[string]any{"method": methodProfile, "traits": traits})
	switch {
	case err != nil:
		m.submitFailed(ctx, err, false, email, EventSignUpRejected)
		return nil, true
	case step.Session != nil:
		m.signedUp(ctx, step.Session, email)
		return nil, true
	case step.Flow == nil:
		m.mu.Lock()
		m.view.form.GeneralError = "Kratos answered the sign-up step with neither a session nor a form. Try again."
		m.mu.Unlock()
		m.must(ctx, EventSignUpRejected)
		return nil, true
	}
	return step.Flow, false
}

// registrationStep submits a step (back to the profile, a code to send or
// check) and shows the form Kratos answers with, or signs up.
func (m *Machine) registrationStep(ctx context.Context, flowID string, body map[string]any, email, notice string) {
	step, err := m.submitRegistrationForm(ctx, flowID, body)
	switch {
	case err != nil:
		m.submitFailed(ctx, err, false, email, EventSignUpRejected)
	case step.Session != nil:
		m.signedUp(ctx, step.Session, email)
	case step.Flow == nil:
		m.mu.Lock()
		m.view.form.GeneralError = "Kratos answered the sign-up step with neither a session nor a form. Try again."
		m.mu.Unlock()
		m.must(ctx, EventSignUpRejected)
	default:
		m.setForm(newForm(step.Flow, email), notice)
		m.must(ctx, EventRegistrationFormUpdated)
	}
}

func (m *Machine) submitRegistrationForm(ctx context.Context, flowID string, body map[string]any) (*adapters.Step, error) {
	req := formRequest{FlowID: flowID, Body: body}
	return call(ctx, m, "kratos.submit_registration_form", req, func(ctx context.Context) (*adapters.Step, error) {
		if m.cfg.SelfService == nil {
			return nil, &adapters.Error{Class: adapters.ClassInternal, Message: "no self-service adapter for two-step registration"}
		}
		return m.cfg.SelfService.SubmitRegistrationForm(ctx, flowID, body)
	})
}

// registrationMethod chooses the method of a sign-up form: as
// chooseMethod, with two-step registration's profile step before any
// credential.
func registrationMethod(ui adapters.UI, passwordGiven bool) string {
	if !hasInput(ui, "password") && !hasInput(ui, "code") && hasButton(ui, "method", methodProfile) {
		return methodProfile
	}
	return chooseMethod(ui, passwordGiven, "")
}

// hasInput reports whether the form has a visible input named name.
func hasInput(ui adapters.UI, name string) bool {
	for _, n := range ui.Nodes {
		if n.Type == "input" && n.Attributes.Name == name && n.Attributes.Type != "hidden" {
			return true
		}
	}
	return false
}

// noMethodMessage says that the form offers no method the client
// submits, naming those it does offer.
func noMethodMessage(ui adapters.UI, asked, form string) string {
	var offered []string
	seen := map[string]bool{}
	for _, n := range ui.Nodes {
		if n.Attributes.Name == "method" {
			if v, ok := n.Attributes.Value.(string); ok && !seen[v] {
				seen[v] = true
				offered = append(offered, v)
			}
		}
	}
	what := fmt.Sprintf("kratos-tui cannot submit method %q of this %s form", asked, form)
	if len(offered) == 0 {
		return what + "."
	}
	return what + "; Kratos offers: " + strings.Join(offered, ", ") + "."
}

// mergeHiddenTraits adds the traits the form carries in hidden inputs
// (two-step registration's second screen) to those typed; typed ones win.
func mergeHiddenTraits(ui adapters.UI, typed map[string]any) map[string]any {
	out := map[string]any{}
	for _, n := range ui.Nodes {
		a := n.Attributes
		name, ok := strings.CutPrefix(a.Name, "traits.")
		if n.Type != "input" || a.Type != "hidden" || !ok || a.Value == nil {
			continue
		}
		out[name] = a.Value
	}
	for k, v := range typed {
		out[strings.TrimPrefix(k, "traits.")] = v
	}
	if len(out) == 0 {
		return typed
	}
	return out
}

// verificationFlowOf returns the verification flow a registration's
// continue_with asks to show, if any.
func verificationFlowOf(items []map[string]any) string {
	for _, item := range items {
		if item["action"] != "show_verification_ui" {
			continue
		}
		if flow, ok := item["flow"].(map[string]any); ok {
			if id, ok := flow["id"].(string); ok {
				return id
			}
		}
	}
	return ""
}

// storeToken saves the token; a failure is reported in the next notice.
func (m *Machine) storeToken(ctx context.Context, token string) {
	if _, err := call(ctx, m, "tokens.save", tokenRequest{Token: token}, func(context.Context) (none, error) {
		return none{}, m.cfg.Tokens.Save(token)
	}); err != nil {
		m.mu.Lock()
		m.view.notice = "The session could not be stored for next time: " + adapters.AsError(err).Message
		m.mu.Unlock()
	}
}

// signedIn stores the new token and enters StateAuthenticated. A token that
// cannot be stored does not undo the sign-in; the user is told.
func (m *Machine) signedIn(ctx context.Context, sess *adapters.Session, outcome string) {
	notice := ""
	if mutation.On(mutation.MachineNoTokenSave) {
		m.setSession(sess, sess.Token, notice)
		m.must(ctx, outcome)
		return
	}
	if _, err := call(ctx, m, "tokens.save", tokenRequest{Token: sess.Token}, func(context.Context) (none, error) {
		return none{}, m.cfg.Tokens.Save(sess.Token)
	}); err != nil {
		notice = "Signed in, but the session could not be stored for next time: " + adapters.AsError(err).Message
	}
	m.setSession(sess, sess.Token, notice)
	m.must(ctx, outcome)
}

// submitFailed handles a rejected or failed form submit: validation errors
// go on the form; an expired flow is replaced; anything else becomes the
// general error, and the same form can be submitted again.
func (m *Machine) submitFailed(ctx context.Context, err error, login bool, email, outcome string) {
	ae := adapters.AsError(err)
	switch {
	case ae.Class == adapters.ClassValidation:
		m.setForm(newForm(ae.Flow, email), "")
	case isDeadFlow(ae):
		flow, ok := m.freshFlow(ctx, login)
		if !ok {
			return
		}
		f := newForm(flow, email)
		f.GeneralError = MessageFormExpired
		m.setForm(f, "")
	default:
		m.mu.Lock()
		m.view.form.GeneralError = ae.Message
		m.view.form.Email = email
		m.mu.Unlock()
	}
	m.must(ctx, outcome)
}

func (m *Machine) signOut(ctx context.Context, _ events.Event) {
	m.mu.Lock()
	token := m.token
	m.mu.Unlock()
	_, err := call(ctx, m, "kratos.logout", tokenRequest{Token: token}, func(ctx context.Context) (none, error) {
		return none{}, m.cfg.Kratos.Logout(ctx, token)
	})
	switch adapters.ClassOf(err) {
	case "", adapters.ClassUnauthorized, adapters.ClassForbidden:
		// A stale or unknown token still ends the local session.
		msg := "You are signed out."
		if !m.deleteToken(ctx) {
			msg = "You are signed out, but the stored session could not be deleted."
		}
		m.signedOut(events.ReasonSignedOut, msg, nil)
		m.must(ctx, EventSignOutSucceeded)
	default:
		m.mu.Lock()
		m.view.notice = "Could not sign out: " + sentence(adapters.AsError(err).Message) + " Try again."
		m.mu.Unlock()
		m.must(ctx, EventSignOutFailed)
	}
}

func (m *Machine) deleteToken(ctx context.Context) bool {
	_, err := call(ctx, m, "tokens.delete", nil, func(context.Context) (none, error) {
		return none{}, m.cfg.Tokens.Delete()
	})
	return err == nil
}

// nestTraits turns dotted trait names ("name.first") into the nested map
// Kratos expects, with email set when given. Values keep their JSON type
// (a boolean stays a boolean); nested objects given as values are merged
// with dotted keys under the same parent. The input is not modified.
func nestTraits(flat map[string]any, email string) map[string]any {
	out := map[string]any{}
	keys := make([]string, 0, len(flat))
	for k := range flat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		parts := strings.Split(strings.TrimPrefix(key, "traits."), ".")
		node := out
		for i, p := range parts {
			if i == len(parts)-1 {
				node[p] = mergeValue(node[p], flat[key])
				break
			}
			child, ok := node[p].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[p] = child
			}
			node = child
		}
	}
	if email != "" {
		out["email"] = email
	}
	return out
}

// mergeValue returns v, merged into old when both are objects (old's keys
// are kept where v has none); v is copied.
func mergeValue(old, v any) any {
	nv, ok := v.(map[string]any)
	if !ok {
		return copyValue(v)
	}
	om, _ := old.(map[string]any)
	out := map[string]any{}
	for k, e := range om {
		out[k] = e
	}
	for k, e := range nv {
		out[k] = mergeValue(out[k], e)
	}
	return out
}

// copyValue copies the objects and arrays of a JSON value.
func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return mergeValue(nil, x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// trimEmails removes surrounding spaces from the values, nested under
// prefix as in the form's node names, of the form's e-mail inputs and of
// the email trait.
func trimEmails(ui adapters.UI, prefix string, values map[string]any) {
	names := map[string]bool{prefix + ".email": true}
	for _, n := range ui.Nodes {
		if n.Attributes.Type == "email" {
			names[n.Attributes.Name] = true
		}
	}
	for name := range names {
		rest, ok := strings.CutPrefix(name, prefix+".")
		if !ok {
			continue
		}
		parts := strings.Split(rest, ".")
		node := values
		for i, p := range parts {
			if i == len(parts)-1 {
				if s, ok := node[p].(string); ok {
					node[p] = strings.TrimSpace(s)
				}
				break
			}
			child, ok := node[p].(map[string]any)
			if !ok {
				break
			}
			node = child
		}
	}
}
