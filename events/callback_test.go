package events_test

import (
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
)

// callbackForms are addresses a browser may come back with or a user may
// paste, each holding code somewhere: the machine reads some (ParseCallback
// then Query), refuses others; none may be recorded with the code in clear.
func callbackForms(code string) []string {
	return []string{
		"http://127.0.0.1:4446/callback?code=" + code,
		"  http://127.0.0.1:4446/callback?code=" + code + "  \n",
		"127.0.0.1:4446/callback?code=" + code,
		"[::1]:4446/callback?code=" + code,
		"http://[::1]:4446/callback?code=" + code,
		"localhost:4446/callback?code=" + code,
		"http://127.0.0.1:4446/callback?%63ode=" + code,
		"http://127.0.0.1:4446/callback?%63%6F%64%65=" + code,
		"http://127.0.0.1:4446/callback?CODE=" + code,
		"http://127.0.0.1:4446/callback?code=" + strings.ToUpper(code[:2]) + "%" + "2D" + code[2:],
		"http://127.0.0.1:4446/callback?flow=abc&code=" + code + "&state=xyz",
		"http://127.0.0.1:4446/callback?x=1;code=" + code,
		"http://127.0.0.1:4446/callback?flow=1;code=" + code,
		"http://127.0.0.1:4446/callback?;code=" + code,
		"http://127.0.0.1:4446/callback?" + code,
		"http://127.0.0.1:4446/callback#code=" + code,
		"http://127.0.0.1:4446/callback?a=b#code=" + code,
		"http://u:" + code + "@127.0.0.1:4446/callback",
		`"http://127.0.0.1:4446/callback?code=` + code + `"`,
		"<http://127.0.0.1:4446/callback?code=" + code + ">",
		"'127.0.0.1:4446/callback?code=" + code + "'",
		"callback?code=" + code,
		"/callback?code=" + code,
		"code=" + code,
		code,
		"http://127.0.0.1:4446/callback?code=" + code + "%zz",
		"http://127.0.0.1:4446/callback?code=%" + code,
		"HTTP://127.0.0.1:4446/callback?code=" + code,
		"http://127.0.0.1:4446/callback?code=" + code + "&code=" + code,
	}
}

func TestCallbackRedactedWhateverItsForm(t *testing.T) {
	const code = "ory_xc_k4Jq8zPzM3d2QYpC"
	for _, raw := range callbackForms(code) {
		sec := events.NewSecrets()
		ev := events.SocialSignInCallbackReceived{URL: raw, Pasted: true}
		sec.Learn(ev)
		red := events.Redact(ev, func(string) string { return "«secret:1»" }).(events.SocialSignInCallbackReceived)
		if strings.Contains(red.URL, code[4:]) {
			t.Errorf("%q recorded as %q: the code in clear", raw, red.URL)
		}
		u, err := events.ParseCallback(raw)
		if err != nil {
			if red.URL != events.NotAnAddress {
				t.Errorf("%q does not parse, yet is recorded as %q", raw, red.URL)
			}
			continue
		}
		// What the machine takes as the code is learned by value, before
		// anything is written.
		if c := u.Query().Get("code"); c != "" {
			if _, ok := sec.Index(c); !ok {
				t.Errorf("%q: the code %q the machine would exchange is not learned", raw, c)
			}
			if got := events.CallbackCodes(raw); len(got) == 0 {
				t.Errorf("%q: CallbackCodes finds no code, the machine finds %q", raw, c)
			}
		}
		// The recorded form still parses: the machine refuses or takes it
		// as it did.
		if _, err := events.ParseCallback(red.URL); err != nil {
			t.Errorf("%q recorded as %q, which no longer parses", raw, red.URL)
		}
	}
}

func TestCallbackRedactionKeepsThePublicParts(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:4446/callback?code=abcdefgh":                                          "http://127.0.0.1:4446/callback?code=«secret:1»",
		"127.0.0.1:4446/callback?flow=5f0e3a52-9d1a-4e4f-9d2e-0b6f1f6a9e01":                     "127.0.0.1:4446/callback?flow=5f0e3a52-9d1a-4e4f-9d2e-0b6f1f6a9e01",
		"http://127.0.0.1:4446/callback?error=access_denied&error_description=The+user+said+no": "http://127.0.0.1:4446/callback?error=access_denied&error_description=The+user+said+no",
		"http://127.0.0.1:4446/callback?state=0123&code=x":                                      "http://127.0.0.1:4446/callback?state=«secret:1»&code=«secret:1»",
		"http://127.0.0.1:4446/callback":                                                        "http://127.0.0.1:4446/callback",
		"not an address":                                                                        events.NotAnAddress,
	} {
		got := events.RedactCallbackURL(raw, func(string) string { return "«secret:1»" })
		if got != want {
			t.Errorf("RedactCallbackURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
