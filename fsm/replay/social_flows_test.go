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
	corpus = append(corpus, flow{name: "social_sign_in", social: true, script: socialSignIn})
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
		on(r, func(s events.SocialSignInStarted) events.Event {
			b := hydratest.NewBrowser()
			page := b.Open(r.ctx, s.URL)
			if page.Err != nil || !(strings.HasPrefix(page.URL, r.social.ReturnTo+"/") && strings.Contains(page.URL, "?code=")) {
				return r.fail("the browser ended at %+v (visited %v)", page, b.Visited)
			}
			codes := events.CallbackCodes(page.URL)
			r.secret(codes...)
			r.kind(leak.ExchangeCode, codes...)
			// The callback's intent is on the bus (the listener published
			// it before answering the browser): the run ends once it and
			// what it causes are done.
			return nil
		}),
	}
}
