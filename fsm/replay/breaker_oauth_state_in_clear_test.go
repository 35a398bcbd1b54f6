package replay_test

// BREAKER finding (low / policy): the OAuth2 `state` of a social sign-in
// (Kratos v1.3.1's encrypted state: flow id, the SHA-512 of the exchange
// code, the provider and the PKCE verifier, under Kratos's cipher) is
// written in clear to the recording: in redirect_browser_to of the
// start_social_sign_in HTTP answer and its result, and in
// SocialSignInStarted.url (so in every trace format and the viewer). The
// brief lists "Kratos/Hydra URLs with codes/state in the query" among the
// secrets. While the flow lives (10 min), whoever holds the state and a
// provider code can complete Kratos's OIDC callback for that flow; it is
// an anti-CSRF value that has no place in a log shared as a bug report.
// Redact the `state` query parameter by meaning (IsSecretKey("state") in
// URL queries only), keeping client_id/redirect_uri/scope readable.
//
// EXPECTED: FAILS on w-breaker at e79d1ce (the corpus social_sign_in
// recording, written by the client, holds the state).

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestBreakerOAuthStateInClear(t *testing.T) {
	b, err := os.ReadFile("../../testdata/flows/social_sign_in.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`[?&](?:\\u0026)?state=([0-9a-fA-F]{32,})`)
	for i, l := range strings.Split(string(b), "\n") {
		if m := re.FindStringSubmatch(strings.ReplaceAll(l, `\u0026`, "&")); m != nil {
			t.Errorf("line %d holds the OAuth state in clear (%s…, %d hex digits)", i+1, m[1][:6], len(m[1]))
		}
	}
}
