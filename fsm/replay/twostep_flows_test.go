package replay_test

import (
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// Two-step registration (Kratos's default since v1.2), recorded like the
// rest of the corpus by TestUpdateFlows: the profile, the choice of
// credential, Back to the profile, the profile again, the password.
func init() {
	corpus = append(corpus, flow{name: "sign_up_two_step", server: serverTwoStep,
		steps: func(e, p string) []func([]events.Envelope) events.Event {
			return []func([]events.Envelope) events.Event{
				intent(events.RegistrationFlowRequested{}),
				intent(events.SignUpSubmitted{Email: e, Traits: map[string]any{"name.first": "Ada"}}),
				intent(events.SignUpSubmitted{Screen: "previous"}),
				intent(events.SignUpSubmitted{Email: e, Traits: map[string]any{"name.first": "Ada"}}),
				intent(events.SignUpSubmitted{Password: p}),
			}
		}})
}

// Identifier-first sign-in: the identifier, then the password on the
// screen of the methods Kratos offers for it.
func init() {
	corpus = append(corpus, flow{name: "identifier_first_sign_in", server: serverIdentifierFirst, account: true,
		steps: func(e, p string) []func([]events.Envelope) events.Event {
			return []func([]events.Envelope) events.Event{
				intent(events.LoginFlowRequested{}),
				intent(events.SignInSubmitted{Identifier: e}),
				intent(events.SignInSubmitted{Password: p}),
			}
		}})
}

func TestIdentifierFirstSignInReplays(t *testing.T) {
	replay.File(t, "testdata/flows/identifier_first_sign_in.jsonl")
}

func TestSignUpTwoStepReplays(t *testing.T) {
	replay.File(t, "testdata/flows/sign_up_two_step.jsonl")
}
