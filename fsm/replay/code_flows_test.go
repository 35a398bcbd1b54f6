package replay_test

import (
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// Sign-up and sign-in by e-mailed codes, recorded like the rest of the
// corpus by TestUpdateFlows; the codes come from the courier.
func init() {
	corpus = append(corpus, flow{name: "code_sign_up_sign_in", server: serverCode, script: codeSignUpSignIn})
}

func TestCodeSignUpSignInReplays(t *testing.T) {
	replay.File(t, "testdata/flows/code_sign_up_sign_in.jsonl")
}

// codeSignUpSignIn: the profile, the code chosen as the credential, the
// e-mailed code; sign out; the identifier, the e-mailed sign-in code.
func codeSignUpSignIn(r *run) []step {
	return []step{
		then[events.SignedOut](r, events.RegistrationFlowRequested{}),
		then[events.RegistrationFormShown](r, events.SignUpSubmitted{Email: r.email}),
		then[events.RegistrationFormShown](r, events.SignUpSubmitted{Method: "code"}),
		on(r, func(f events.RegistrationFormShown) events.Event {
			if f.Form.State != "sent_email" {
				return r.fail("after sending the sign-up code: %s", describeState(f))
			}
			code, err := waitCode(r, kratostest.TemplateRegistrationCode)
			if err != nil {
				return r.fail("%v", err)
			}
			return events.SignUpSubmitted{Code: code}
		}),
		then[events.SignedIn](r, events.SignOutRequested{}),
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.SignInSubmitted{Identifier: r.email}),
		on(r, func(f events.LoginFormShown) events.Event {
			if f.Form.State != "sent_email" {
				return r.fail("after sending the sign-in code: %s", describeState(f))
			}
			code, err := waitCode(r, kratostest.TemplateLoginCode)
			if err != nil {
				return r.fail("%v", err)
			}
			return events.SignInSubmitted{Code: code}
		}),
		end(r, func(in events.SignedIn) string {
			if in.Email != r.email {
				return "signed in as " + in.Email
			}
			return ""
		}),
	}
}
