package events_test

import (
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
)

func TestSocialCallbackCodeIsRedacted(t *testing.T) {
	const code = "xLAvKhTf3kNKSld2Eqj0AybuoYiPZpp1DGcT6KXZ"
	ev := events.SocialSignInCallbackReceived{URL: "http://127.0.0.1:4446/callback?code=" + code + "&state=abc"}
	got := events.Redact(ev, func(string) string { return "«secret:1»" }).(events.SocialSignInCallbackReceived)
	if strings.Contains(got.URL, code) || got.URL != "http://127.0.0.1:4446/callback?code=«secret:1»&state=«secret:1»" {
		t.Fatalf("redacted URL %q", got.URL)
	}
	// An escaped code is found as written and decoded.
	if c := events.CallbackCodes("http://127.0.0.1:4446/callback?code=a%2Bb"); len(c) != 2 || c[0] != "a%2Bb" || c[1] != "a+b" {
		t.Fatalf("codes %q", c)
	}
}

func TestRedactURLQueryBySecretKey(t *testing.T) {
	r := func(s string) string { return "«" + strings.ToUpper(s[:1]) + "»" }
	cases := map[string]string{
		"/sessions/token-exchange?init_code=abc&return_to_code=def":                                                          "/sessions/token-exchange?init_code=«A»&return_to_code=«D»",
		"/self-service/login/api?return_session_token_exchange_code=true&return_to=http%3A%2F%2F127.0.0.1%3A4446%2Fcallback": "/self-service/login/api?return_session_token_exchange_code=true&return_to=http%3A%2F%2F127.0.0.1%3A4446%2Fcallback",
		"/self-service/login/flows?id=f1": "/self-service/login/flows?id=f1",
		"/callback?code=x%20y#frag":       "/callback?code=«X»#frag",
		"/no-query":                       "/no-query",
	}
	for in, want := range cases {
		if got := events.RedactURLQuery(in, r); got != want {
			t.Errorf("RedactURLQuery(%q) = %q, want %q", in, got, want)
		}
	}
}
