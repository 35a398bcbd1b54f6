package fsm

import (
	"context"
	"errors"
	"strings"
	"testing"

	looplab "github.com/looplab/fsm"
)

// expected is the transition table written out by hand, state by state, so
// that a change to Transitions must be made twice to pass.
var expected = map[string]map[string]string{
	StateUninitialized: {
		EventAppStarted: StateCheckingSession,
	},
	StateCheckingSession: {
		EventSessionFound:         StateAuthenticated,
		EventSessionNotFound:      StateUnauthenticated,
		EventSessionCheckFailed:   StateUninitialized,
		EventSecondFactorRequired: StateSecondFactor,
	},
	StateUnauthenticated: {
		EventLoginFlowRequested:        StateLoading,
		EventRegistrationFlowRequested: StateLoading,
		EventRecoveryRequested:         StateLoading,
	},
	StateLoading: {
		EventLoginFlowCreated:              StateLogin,
		EventRegistrationFlowCreated:       StateRegistration,
		EventFlowCreationFailed:            StateUnauthenticated,
		EventSignInSucceeded:               StateAuthenticated,
		EventSignInRejected:                StateLogin,
		EventSignUpSucceeded:               StateAuthenticated,
		EventSignUpRejected:                StateRegistration,
		EventSignUpCompletedWithoutSession: StateLogin,
		EventRegistrationFormUpdated:       StateRegistration,
		EventLoginFormUpdated:              StateLogin,
		EventSignOutSucceeded:              StateUnauthenticated,
		EventSignOutFailed:                 StateAuthenticated,
		EventSecondFactorRequired:          StateSecondFactor,
		EventSecondFactorRejected:          StateSecondFactor,
		EventSecondFactorFormUpdated:       StateSecondFactor,
		EventSecondFactorPassed:            StateAuthenticated,
		EventSettingsFlowCreated:           StateSettings,
		EventSettingsSaved:                 StateSettings,
		EventSettingsRejected:              StateSettings,
		EventReauthenticationRequired:      StateReauthenticating,
		EventReauthenticationRejected:      StateReauthenticating,
		EventReauthenticated:               StateAuthenticated,
		EventRecoveryFlowCreated:           StateRecovery,
		EventRecoveryFormUpdated:           StateRecovery,
		EventRecoveryPassed:                StateSettings,
		EventVerificationFlowCreated:       StateVerification,
		EventVerificationFormUpdated:       StateVerification,
		EventSessionsListed:                StateSessions,
		EventSessionRefreshed:              StateAuthenticated,
		EventReturnedHome:                  StateAuthenticated,
		EventSessionLost:                   StateUnauthenticated,
		EventSocialSignInStarted:           StateSocialSignIn,
	},
	StateLogin: {
		EventLoginFlowRequested:        StateLoading,
		EventRegistrationFlowRequested: StateLoading,
		EventSignInSubmitted:           StateLoading,
		EventFieldChanged:              StateLogin,
		EventRecoveryRequested:         StateLoading,
		EventSocialSignInRequested:     StateLoading,
	},
	StateRegistration: {
		EventLoginFlowRequested:        StateLoading,
		EventRegistrationFlowRequested: StateLoading,
		EventSignUpSubmitted:           StateLoading,
		EventFieldChanged:              StateRegistration,
		EventSocialSignInRequested:     StateLoading,
	},
	StateSocialSignIn: {
		EventSocialSignInCallbackReceived: StateLoading,
		EventSocialSignInRequested:        StateLoading,
		EventLoginFlowRequested:           StateLoading,
		EventRegistrationFlowRequested:    StateLoading,
	},
	StateAuthenticated: {
		EventSignOutRequested:        StateLoading,
		EventSettingsRequested:       StateLoading,
		EventSessionRefreshRequested: StateLoading,
		EventVerificationRequested:   StateLoading,
		EventSessionsRequested:       StateLoading,
	},
	StateSecondFactor: {
		EventSecondFactorSubmitted: StateLoading,
		EventSignOutRequested:      StateLoading,
	},
	StateReauthenticating: {
		EventReauthenticationSubmitted: StateLoading,
		EventHomeRequested:             StateLoading,
		EventSignOutRequested:          StateLoading,
	},
	StateSettings: {
		EventSettingsSubmitted: StateLoading,
		EventHomeRequested:     StateLoading,
		EventSignOutRequested:  StateLoading,
	},
	StateRecovery: {
		EventRecoverySubmitted:  StateLoading,
		EventLoginFlowRequested: StateLoading,
	},
	StateVerification: {
		EventVerificationSubmitted: StateLoading,
		EventHomeRequested:         StateLoading,
		EventSignOutRequested:      StateLoading,
	},
	StateSessions: {
		EventSessionsRequested:                StateLoading,
		EventSessionRevocationRequested:       StateLoading,
		EventOtherSessionsRevocationRequested: StateLoading,
		EventHomeRequested:                    StateLoading,
		EventSignOutRequested:                 StateLoading,
	},
}

func allEvents() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range Transitions {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t.Name)
		}
	}
	return out
}

// TestEveryStateEventPair fires every event in every state on a bare
// machine with the real table: allowed pairs reach the expected state,
// every other pair is refused with a clear error and no state change.
func TestEveryStateEventPair(t *testing.T) {
	for _, state := range States {
		for _, event := range allEvents() {
			t.Run(state+"/"+event, func(t *testing.T) {
				m := &Machine{}
				m.fsm = looplab.NewFSM(state, Transitions, looplab.Callbacks{})
				err := m.fire(context.Background(), event)
				want, allowed := expected[state][event]
				if allowed {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if got := m.fsm.Current(); got != want {
						t.Fatalf("went to %s, want %s", got, want)
					}
					return
				}
				if err == nil {
					t.Fatalf("accepted, went to %s; the table does not allow it", m.fsm.Current())
				}
				if !strings.Contains(err.Error(), event) || !strings.Contains(err.Error(), state) {
					t.Fatalf("error %q does not name the event and the state", err)
				}
				if got := m.fsm.Current(); got != state {
					t.Fatalf("state changed to %s on a refused event", got)
				}
			})
		}
	}
	// Every expected pair must exist in the table (no state or event typo).
	for state, byEvent := range expected {
		for event := range byEvent {
			found := false
			for _, tr := range Transitions {
				if tr.Name == event {
					for _, src := range tr.Src {
						found = found || src == state
					}
				}
			}
			if !found {
				t.Errorf("expected pair %s/%s is not in Transitions", state, event)
			}
		}
	}
}

// TestCallbackKeysBind checks that every callback key names a real state or
// event: looplab silently ignores a key with a typo.
func TestCallbackKeysBind(t *testing.T) {
	states := map[string]bool{}
	for _, s := range States {
		states[s] = true
	}
	evs := map[string]bool{}
	for _, e := range allEvents() {
		evs[e] = true
	}
	for _, tr := range Transitions {
		for _, src := range tr.Src {
			if !states[src] {
				t.Errorf("transition %s has unknown source state %q", tr.Name, src)
			}
		}
		if !states[tr.Dst] {
			t.Errorf("transition %s has unknown destination state %q", tr.Name, tr.Dst)
		}
	}
	m := &Machine{}
	for key := range m.callbacks() {
		if err := checkCallbackKey(key, states, evs); err != nil {
			t.Error(err)
		}
	}
	// The checker itself must catch a typo.
	if checkCallbackKey("enter_logn", states, evs) == nil {
		t.Error("checkCallbackKey accepted a misspelt state")
	}
	if checkCallbackKey("after_SignInSubmited", states, evs) == nil {
		t.Error("checkCallbackKey accepted a misspelt event")
	}
}

func checkCallbackKey(key string, states, evs map[string]bool) error {
	switch key {
	case "before_event", "leave_state", "enter_state", "after_event":
		return nil
	}
	for _, p := range []struct {
		prefix string
		names  map[string]bool
	}{{"before_", evs}, {"after_", evs}, {"leave_", states}, {"enter_", states}} {
		if name, ok := strings.CutPrefix(key, p.prefix); ok {
			if p.names[name] {
				return nil
			}
			return errors.New("callback key " + key + " names no " + strings.TrimSuffix(p.prefix, "_") + " target")
		}
	}
	// looplab also accepts bare state or event names.
	if states[key] || evs[key] {
		return nil
	}
	return errors.New("callback key " + key + " binds to nothing")
}

// TestEveryIntentHasAStep makes sure no intent is missing from steps.
func TestEveryIntentHasAStep(t *testing.T) {
	for _, name := range IntentEvents {
		if _, ok := steps[name]; !ok {
			t.Errorf("intent %s has no entry in steps", name)
		}
	}
}
