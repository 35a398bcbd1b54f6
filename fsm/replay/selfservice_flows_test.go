package replay_test

import (
	"context"
	"fmt"
	leak "github.com/kratos-tui/kratos-tui/internal/canary"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// The self-service flows of the corpus (issue 5), recorded with the client
// itself against a real Kratos like the rest of the corpus, by
// TestUpdateFlows, replayed by TestCorpusReplays and by the one-line tests
// below, and recorded afresh with canary secrets by
// TestCanarySecretsNeverWritten, which iterates over corpus.
func init() {
	corpus = append(corpus, selfServiceCorpus...)
}

var selfServiceCorpus = []flow{
	{name: "verify_address", server: serverCourier, script: verifyAddress},
	{name: "sessions_revoke", account: true, otherSession: true, script: sessionsRevoke},
	{name: "totp_enrol_sign_in", script: totpEnrolSignIn},
	{name: "backup_code_sign_in_once", script: backupCodeSignInOnce},
	{name: "recover_password", server: serverCourier, account: true, verified: true, script: recoverPassword},
	{name: "password_change_reauthenticate", server: serverPrivileged, script: passwordChangeReauthenticate},
}

func TestTOTPEnrolSignInReplays(t *testing.T) {
	replay.File(t, "testdata/flows/totp_enrol_sign_in.jsonl")
}

func TestBackupCodeSignInOnceReplays(t *testing.T) {
	replay.File(t, "testdata/flows/backup_code_sign_in_once.jsonl")
}

func TestRecoverPasswordReplays(t *testing.T) {
	replay.File(t, "testdata/flows/recover_password.jsonl")
}

func TestVerifyAddressReplays(t *testing.T) {
	replay.File(t, "testdata/flows/verify_address.jsonl")
}

func TestPasswordChangeReauthenticateReplays(t *testing.T) {
	replay.File(t, "testdata/flows/password_change_reauthenticate.jsonl")
}

func TestSessionsRevokeReplays(t *testing.T) {
	replay.File(t, "testdata/flows/sessions_revoke.jsonl")
}

// run is one recording run of a scripted flow: what the steps need, and
// the secrets they see, for the canary checks.
type run struct {
	t               *testing.T
	ctx             context.Context
	srv             *kratostest.Server
	email, password string

	mu        sync.Mutex
	secretsIn []string
	codesIn   []string
	kinds     map[string]string // secret value -> canary kind
	failure   string
	handled   int // state events seen when the previous step ran
	totp      string
	// proxy is in front of Kratos for flows that take it down.
	proxy *switchProxy
	// social is the Kratos + Hydra of a social sign-in flow.
	social *hydratest.Stack
	// seen returns the state events of the run so far, for a step that
	// waits for what an input other than the script (the browser's
	// return) caused.
	seen func() []events.Envelope
}

// awaitState waits (up to 30 s) until the run's last state event is a T:
// the machine is done with what the browser's return caused, so that the
// next intent is taken on its own, not while the machine is busy.
func awaitState[T events.Event](r *run) (T, bool) {
	var zero T
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if s := r.seen(); len(s) > 0 {
			if ev, ok := s[len(s)-1].Event.(T); ok {
				return ev, true
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return zero, false
}

// totpSecret is the TOTP secret the run enrolled.
func (r *run) totpSecret() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.totp
}

// secret notes values the run used or saw that must never be written.
func (r *run) secret(s ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secretsIn = append(r.secretsIn, s...)
}

// kind notes the canary kind of secret values (see internal/canary).
func (r *run) kind(k string, values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kinds == nil {
		r.kinds = map[string]string{}
	}
	for _, v := range values {
		r.kinds[v] = k
	}
}

func (r *run) kindOf(v string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.kinds[v]
}

// code notes a short numeric one-time code (see recorded.codes).
func (r *run) code(c string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.codesIn = append(r.codesIn, c)
}

func (r *run) secrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.secretsIn...)
}

func (r *run) codes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.codesIn...)
}

// fail ends the script (steps run on the client's goroutine, so they may
// not call t.Fatal); recordFlow fails the test with the message.
func (r *run) fail(format string, args ...any) events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failure == "" {
		r.failure = fmt.Sprintf(format, args...)
	}
	return nil
}

func (r *run) failed() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failure
}

// newPassword is the password a flow changes to.
func (r *run) newPassword() string {
	p := r.password + "-new"
	r.secret(p)
	return p
}

// totpCode is the current code of the TOTP secret.
func (r *run) totpCode(secret string) (string, error) {
	c, err := totp.GenerateCode(secret, time.Now())
	if err == nil {
		r.code(c)
	}
	return c, err
}

// on returns a step that waits for the state of type T: the previous
// intent must have been answered (the script waits for the bus to settle
// before calling a step) by at least one new state event, the last of
// which is a T. Then next returns the intent to send; nil ends the run.
func on[T events.Event](r *run, next func(T) events.Event) step {
	return func(seen []events.Envelope) events.Event {
		r.mu.Lock()
		fresh := len(seen) > r.handled
		r.handled = len(seen)
		r.mu.Unlock()
		var want T
		if !fresh {
			return r.fail("waiting for %s: no new state event after the previous intent", want.EventType())
		}
		last := seen[len(seen)-1].Event
		got, ok := last.(T)
		if !ok {
			return r.fail("waiting for %s, the client is in %s: %s", want.EventType(), last.EventType(), describeState(last))
		}
		return next(got)
	}
}

// then waits for a T and sends intent.
func then[T events.Event](r *run, intent events.Event) step {
	return on(r, func(T) events.Event { return intent })
}

// end waits for a T, checks it and ends the run.
func end[T events.Event](r *run, check func(T) string) step {
	return on(r, func(ev T) events.Event {
		if msg := check(ev); msg != "" {
			return r.fail("%s", msg)
		}
		return nil
	})
}

func describeState(ev events.Event) string {
	s := fmt.Sprintf("%+v", ev)
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

func hasMessageID(f events.Form, id int64) bool {
	for _, m := range f.Messages {
		if m.ID == id {
			return true
		}
	}
	for _, m := range f.UI.Messages {
		if m.ID == id {
			return true
		}
	}
	for _, n := range f.UI.Nodes {
		for _, m := range n.Messages {
			if m.ID == id {
				return true
			}
		}
	}
	return false
}

func formNode(f events.Form, id string) *adapters.Node {
	for i, n := range f.UI.Nodes {
		if n.Attributes.ID == id || n.Attributes.Name == id {
			return &f.UI.Nodes[i]
		}
	}
	return nil
}

// totpSecretOf is the TOTP secret the settings form shows for enrolment.
func totpSecretOf(f events.Form) string {
	n := formNode(f, "totp_secret_key")
	if n == nil || n.Attributes.Text == nil {
		return ""
	}
	if s, ok := n.Attributes.Text.Context["secret"].(string); ok && s != "" {
		return s
	}
	return n.Attributes.Text.Text
}

// backupCodesOf are the backup codes the settings form shows.
func backupCodesOf(f events.Form) []string {
	n := formNode(f, "lookup_secret_codes")
	if n == nil || n.Attributes.Text == nil {
		return nil
	}
	var codes []string
	secrets, _ := n.Attributes.Text.Context["secrets"].([]any)
	for _, s := range secrets {
		if m, ok := s.(map[string]any); ok {
			if ctx, ok := m["context"].(map[string]any); ok {
				if code, ok := ctx["secret"].(string); ok && code != "" {
					codes = append(codes, code)
				}
			}
		}
	}
	return codes
}

func saved(f events.SettingsFormShown) string {
	if f.Notice != fsm.MessageSettingsSaved {
		return fmt.Sprintf("settings not saved: %s", describeState(f))
	}
	return ""
}

// signUpSteps sign a new user up from the launch, ending signed in.
func signUpSteps(r *run) []step {
	return []step{
		then[events.SignedOut](r, events.RegistrationFlowRequested{}),
		then[events.RegistrationFormShown](r, events.SignUpSubmitted{Email: r.email, Password: r.password}),
	}
}

// signOutInSteps, from signed in, sign out and in again with password;
// the last step waits for what the sign-in shows.
func signOutInSteps(r *run, password string) []step {
	return []step{
		then[events.SignedIn](r, events.SignOutRequested{}),
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.SignInSubmitted{Identifier: r.email, Password: password}),
	}
}

func signedInAs(r *run, aal string) func(events.SignedIn) string {
	return func(in events.SignedIn) string {
		if in.Email != r.email || (aal != "" && in.AAL != aal) {
			return fmt.Sprintf("want signed in as %s at %q, got %s", r.email, aal, describeState(in))
		}
		return ""
	}
}

func join(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// totpEnrolSignIn: sign up, enrol TOTP in the settings, sign out, sign in
// with the password and then a TOTP code (aal2).
func totpEnrolSignIn(r *run) []step {
	var secret string
	return join(signUpSteps(r), []step{
		then[events.SignedIn](r, events.SettingsRequested{}),
		on(r, func(f events.SettingsFormShown) events.Event {
			if secret = totpSecretOf(f.Form); secret == "" {
				return r.fail("the settings form has no TOTP secret: %s", describeState(f))
			}
			r.mu.Lock()
			r.totp = secret
			r.mu.Unlock()
			r.secret(secret)
			r.kind(leak.TOTPSecret, secret, fields.TOTPURI(f.Form))
			code, err := r.totpCode(secret)
			if err != nil {
				return r.fail("TOTP code: %v", err)
			}
			return events.SettingsSubmitted{Method: "totp", Values: map[string]any{"totp_code": code}}
		}),
		on(r, func(f events.SettingsFormShown) events.Event {
			if msg := saved(f); msg != "" {
				return r.fail("TOTP not enrolled: %s", msg)
			}
			return events.HomeRequested{}
		}),
	}, signOutInSteps(r, r.password), []step{
		on(r, func(f events.SecondFactorFormShown) events.Event {
			code, err := r.totpCode(secret)
			if err != nil {
				return r.fail("TOTP code: %v", err)
			}
			return events.SecondFactorSubmitted{Method: "totp", Code: code}
		}),
		end(r, signedInAs(r, "aal2")),
	})
}

// backupCodeSignInOnce: sign up, make and confirm backup codes, sign in
// with one; the same code is refused the second time, another one works.
func backupCodeSignInOnce(r *run) []step {
	var codes []string
	return join(signUpSteps(r), []step{
		then[events.SignedIn](r, events.SettingsRequested{}),
		then[events.SettingsFormShown](r, events.SettingsSubmitted{Method: "lookup_secret", Values: map[string]any{"lookup_secret_regenerate": "true"}}),
		on(r, func(f events.SettingsFormShown) events.Event {
			if codes = backupCodesOf(f.Form); len(codes) < 2 {
				return r.fail("the settings form shows %d backup codes: %s", len(codes), describeState(f))
			}
			r.secret(codes...)
			r.kind(leak.BackupCode, codes...)
			return events.SettingsSubmitted{Method: "lookup_secret", Values: map[string]any{"lookup_secret_confirm": "true"}}
		}),
		on(r, func(f events.SettingsFormShown) events.Event {
			if msg := saved(f); msg != "" {
				return r.fail("backup codes not confirmed: %s", msg)
			}
			return events.HomeRequested{}
		}),
	}, signOutInSteps(r, r.password), []step{
		on(r, func(events.SecondFactorFormShown) events.Event {
			return events.SecondFactorSubmitted{Method: "lookup_secret", Code: codes[0]}
		}),
	}, signOutInSteps(r, r.password), []step{
		on(r, func(events.SecondFactorFormShown) events.Event {
			return events.SecondFactorSubmitted{Method: "lookup_secret", Code: codes[0]}
		}),
		on(r, func(f events.SecondFactorFormShown) events.Event {
			if !hasMessageID(f.Form, 4000012) {
				return r.fail("a used backup code: want Kratos message 4000012, got %s", describeState(f))
			}
			return events.SecondFactorSubmitted{Method: "lookup_secret", Code: codes[1]}
		}),
		end(r, signedInAs(r, "aal2")),
	})
}

// recoverPassword: forgot the password: the email, the code from the
// courier, a new password in the settings, sign in with it.
func recoverPassword(r *run) []step {
	newPassword := r.newPassword()
	return join([]step{
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.RecoveryRequested{}),
		then[events.RecoveryFormShown](r, events.RecoverySubmitted{Email: r.email}),
		on(r, func(f events.RecoveryFormShown) events.Event {
			if f.State != "sent_email" {
				return r.fail("recovery email not sent: %s", describeState(f))
			}
			code, err := waitCode(r, kratostest.TemplateRecoveryCode)
			if err != nil {
				return r.fail("%v", err)
			}
			return events.RecoverySubmitted{Code: code}
		}),
		on(r, func(f events.SettingsFormShown) events.Event {
			if f.Notice != fsm.MessageRecoveryPassed {
				return r.fail("after the recovery code: %s", describeState(f))
			}
			return events.SettingsSubmitted{Method: "password", Values: map[string]any{"password": newPassword}}
		}),
		on(r, func(f events.SettingsFormShown) events.Event {
			if msg := saved(f); msg != "" {
				return r.fail("new password: %s", msg)
			}
			return events.HomeRequested{}
		}),
	}, signOutInSteps(r, newPassword), []step{
		end(r, signedInAs(r, "")),
	})
}

// verifyAddress: sign up, then verify the address with the code the
// sign-up sent.
func verifyAddress(r *run) []step {
	return join(signUpSteps(r), []step{
		then[events.SignedIn](r, events.VerificationRequested{}),
		on(r, func(f events.VerificationFormShown) events.Event {
			code, err := waitCode(r, kratostest.TemplateVerificationCode)
			if err != nil {
				return r.fail("%v", err)
			}
			return events.VerificationSubmitted{Code: code}
		}),
		on(r, func(f events.VerificationFormShown) events.Event {
			if f.Notice != fsm.MessageVerified || !hasMessageID(f.Form, 1080002) {
				return r.fail("after the verification code: %s", describeState(f))
			}
			return events.HomeRequested{}
		}),
		end(r, func(in events.SignedIn) string {
			if !in.Verified {
				return "home does not show the address as verified"
			}
			return ""
		}),
	})
}

// passwordChangeReauthenticate: sign up, let the privileged window (one
// second) pass, change the password: Kratos asks to sign in again first.
func passwordChangeReauthenticate(r *run) []step {
	newPassword := r.newPassword()
	return join(signUpSteps(r), []step{
		on(r, func(events.SignedIn) events.Event {
			time.Sleep(1500 * time.Millisecond) // past the privileged window
			return events.SettingsRequested{}
		}),
		then[events.SettingsFormShown](r, events.SettingsSubmitted{Method: "password", Values: map[string]any{"password": newPassword}}),
		then[events.ReauthenticationFormShown](r, events.ReauthenticationSubmitted{Password: r.password}),
		on(r, func(f events.SettingsFormShown) events.Event {
			if msg := saved(f); msg != "" {
				return r.fail("change after re-authentication: %s", msg)
			}
			return events.HomeRequested{}
		}),
	}, signOutInSteps(r, newPassword), []step{
		end(r, signedInAs(r, "")),
	})
}

// sessionsRevoke: sign in while another session of the account exists,
// list the sessions, revoke the other one.
func sessionsRevoke(r *run) []step {
	return []step{
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.SignInSubmitted{Identifier: r.email, Password: r.password}),
		then[events.SignedIn](r, events.SessionsRequested{}),
		on(r, func(l events.SessionsListShown) events.Event {
			var other string
			for _, s := range l.Sessions {
				if !s.Current {
					other = s.ID
				}
			}
			if len(l.Sessions) != 2 || other == "" {
				return r.fail("want the current and one other session, got %s", describeState(l))
			}
			return events.SessionRevocationRequested{SessionID: other}
		}),
		end(r, func(l events.SessionsListShown) string {
			if len(l.Sessions) != 1 || !l.Sessions[0].Current || l.Notice == "" {
				return "after revoking: " + describeState(l)
			}
			return ""
		}),
	}
}

// waitCode waits for the courier's email to the run's address.
func waitCode(r *run, template string) (string, error) {
	if courier == nil {
		return "", fmt.Errorf("no courier: the flow needs serverCourier")
	}
	ctx, cancel := context.WithTimeout(r.ctx, time.Minute)
	defer cancel()
	code, err := courier.WaitCode(ctx, r.email, template)
	if err == nil {
		r.code(code)
	}
	return code, err
}
