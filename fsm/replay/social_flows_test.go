package replay_test

import (
	"bytes"
	"context"
	"os"
	"regexp"
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
			// The password goes in once the linking form is shown (the
			// callback's intent handled): intents one at a time.
			f, ok := awaitState[events.LoginFormShown](r)
			if !ok || !hasMessageID(f.Form, 1010016) {
				return r.fail("no linking form (1010016) after the browser came back: %+v", f)
			}
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

// TestReplayChecksTheListenedCallback: replay answers callback.listen from
// the recording, and the machine checks that the address listened on is
// under the configured callback (the header's callback_url): a recording
// whose listener was elsewhere than configured diverges there.
func TestReplayChecksTheListenedCallback(t *testing.T) {
	b, err := os.ReadFile(replay.Resolve("testdata/flows/social_sign_in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`"callback_url":"(http://127\.0\.0\.1:[0-9]+/callback)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("the recording's header has no callback_url")
	}
	// The configured callback (the header, and the request that carries
	// it) moved to another port; the recorded listener did not.
	other := []byte("http://127.0.0.1:1/callback")
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		if i == 0 || bytes.Contains(l, []byte(`"operation":"callback.listen","request"`)) {
			lines[i] = bytes.ReplaceAll(l, []byte(`"callback_url":"`+string(m[1])+`"`), []byte(`"callback_url":"`+string(other)+`"`))
		}
	}
	res, err := replay.RunReader(context.Background(), bytes.NewReader(bytes.Join(lines, []byte("\n"))), "moved", replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The machine refuses the recorded listener (the sign-in is rejected
	// where the recording went on to start it).
	if res.Passed() || !strings.Contains(res.Divergence.Reason, "SignInRejected") || !strings.Contains(res.Divergence.Reason, "of kratos.start_social_sign_in") {
		t.Fatalf("want the sign-in rejected where the recording starts it, got %+v", res.Divergence)
	}
}
