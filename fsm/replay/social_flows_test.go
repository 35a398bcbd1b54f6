package replay_test

import (
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	leak "github.com/kratos-tui/kratos-tui/internal/canary"

	"testing"
)

// Social sign-in with a real Hydra as the OIDC provider, recorded like the
// rest of the corpus by TestUpdateFlows: the browser (a cookie-jar HTTP
// client following the real redirects) comes back to the client's
// loopback callback, whose return the client publishes as an intent.
func init() {
	corpus = append(corpus,
		flow{name: "social_sign_in", social: true, script: socialSignIn},
		flow{name: "social_sign_up", social: true, script: socialSignUp},
		flow{name: "social_refused_paste", social: true, script: socialRefusedPaste},
		flow{name: "social_no_code", social: true, script: socialNoCode},
		flow{name: "social_account_linking", social: true, account: true, script: socialAccountLinking},
	)
}

func TestSocialFlowsReplay(t *testing.T) {
	for _, name := range []string{"social_sign_up", "social_refused_paste", "social_no_code", "social_account_linking"} {
		t.Run(name, func(t *testing.T) { replay.File(t, "testdata/flows/"+name+".jsonl") })
	}
}

// browse signs in at Hydra in a new browser from s, which must come back
// to the client's callback (this sign-in's nonce path) with a code.
func browse(r *run, s events.SocialSignInStarted) events.Event {
	b := hydratest.NewBrowser()
	page := b.Open(r.ctx, s.URL)
	if page.Err != nil || !strings.HasPrefix(page.URL, s.ReturnTo+"?") {
		return r.fail("the browser ended at %+v (visited %v)", page, b.Visited)
	}
	codes := events.CallbackCodes(page.URL)
	r.secret(codes...)
	r.kind(leak.ExchangeCode, codes...)
	return nil
}

// socialSignUp: the sign-up form's provider button (a registration flow);
// the browser signs up at Hydra and comes back; the session.
func socialSignUp(r *run) []step {
	r.social.Hydra.SetUser(hydratest.User{Subject: "sub-" + r.email, Email: r.email})
	return []step{
		then[events.SignedOut](r, events.RegistrationFlowRequested{}),
		then[events.RegistrationFormShown](r, events.SocialSignInRequested{Provider: hydratest.ProviderID, Registration: true}),
		on(r, func(s events.SocialSignInStarted) events.Event {
			if !s.Registration {
				return r.fail("a sign-up's social sign-in is not a registration: %+v", s)
			}
			return browse(r, s)
		}),
	}
}

// socialRefusedPaste: addresses pasted while the sign-in waits are
// refused (one quoted, one without this sign-in's nonce) or fail (this
// sign-in's callback with a code Kratos does not know); the sign-in keeps
// waiting, and the browser's real return signs in.
func socialRefusedPaste(r *run) []step {
	r.social.Hydra.SetUser(hydratest.User{Subject: "sub-" + r.email, Email: r.email})
	const quoted, forged, wrong = "pasted-quoted-code-1234", "pasted-forged-code-5678", "pasted-wrong-code-9012"
	r.secret(quoted, forged, wrong)
	return []step{
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.SocialSignInRequested{Provider: hydratest.ProviderID}),
		on(r, func(s events.SocialSignInStarted) events.Event {
			return events.SocialSignInCallbackReceived{URL: `"` + s.ReturnTo + "?code=" + quoted + `"`, Pasted: true}
		}),
		on(r, func(s events.SocialSignInStarted) events.Event {
			if !strings.Contains(s.Error, "not an address") {
				return r.fail("a quoted address: %+v", s)
			}
			return events.SocialSignInCallbackReceived{URL: r.social.ReturnTo + "?code=" + forged, Pasted: true}
		}),
		on(r, func(s events.SocialSignInStarted) events.Event {
			if !strings.Contains(s.Error, "not this sign-in's callback") {
				return r.fail("an address without the nonce: %+v", s)
			}
			return events.SocialSignInCallbackReceived{URL: s.ReturnTo + "?code=" + wrong, Pasted: true}
		}),
		on(r, func(s events.SocialSignInStarted) events.Event {
			if !strings.Contains(s.Error, "did not sign you in") {
				return r.fail("a wrong code: %+v", s)
			}
			return browse(r, s)
		}),
	}
}

// socialNoCode: a browser already signed in to Kratos comes back without
// a code (Kratos v1.3.1 skips it); the client says so on the form.
func socialNoCode(r *run) []step {
	r.social.Hydra.SetUser(hydratest.User{Subject: "sub-" + r.email, Email: r.email})
	return []step{
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.SocialSignInRequested{Provider: hydratest.ProviderID}),
		on(r, func(s events.SocialSignInStarted) events.Event {
			b := hydratest.NewBrowser()
			if _, err := b.SignInAtKratos(r.ctx, r.social.Kratos.PublicURL); err != nil || !b.HasKratosSession(r.social.Kratos.PublicURL) {
				return r.fail("browser sign-in at Kratos: %v", err)
			}
			page := b.Open(r.ctx, s.URL)
			if page.Err != nil || !strings.HasPrefix(page.URL, s.ReturnTo) || strings.Contains(page.URL, "code=") {
				return r.fail("the browser ended at %+v (visited %v), want the callback without a code", page, b.Visited)
			}
			return nil
		}),
	}
}

// socialAccountLinking: the provider's address has a password account
// (Kratos 1010016): the browser comes back with a login flow asking to
// sign in with the password, which links the provider.
func socialAccountLinking(r *run) []step {
	r.social.Hydra.SetUser(hydratest.User{Subject: "sub-link-" + r.email, Email: r.email})
	return []step{
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.SocialSignInRequested{Provider: hydratest.ProviderID}),
		on(r, func(s events.SocialSignInStarted) events.Event {
			b := hydratest.NewBrowser()
			page := b.Open(r.ctx, s.URL)
			if page.Err != nil || !strings.HasPrefix(page.URL, s.ReturnTo+"?flow=") {
				return r.fail("the browser ended at %+v (visited %v), want the callback with a flow", page, b.Visited)
			}
			// The callback's intent is on the bus before this one: the
			// linking form is shown before the password is sent.
			return events.SignInSubmitted{Identifier: r.email, Password: r.password}
		}),
		on(r, func(s events.SignedIn) events.Event {
			return events.SignOutRequested{}
		}),
	}
}

func TestSocialSignInReplays(t *testing.T) {
	replay.File(t, "testdata/flows/social_sign_in.jsonl")
}

// socialSignIn: the sign-in form, the provider; the browser signs in at
// Hydra and comes back; the session; sign out.
func socialSignIn(r *run) []step {
	r.social.Hydra.SetUser(hydratest.User{Subject: "sub-" + r.email, Email: r.email})
	return []step{
		then[events.SignedOut](r, events.LoginFlowRequested{}),
		then[events.LoginFormShown](r, events.SocialSignInRequested{Provider: hydratest.ProviderID}),
		// The callback's intent is on the bus (the listener published it
		// before answering the browser): the run ends once it and what it
		// causes are done.
		on(r, func(s events.SocialSignInStarted) events.Event { return browse(r, s) }),
	}
}
