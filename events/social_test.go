package events_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
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
		// A fragment of parameters (an implicit grant) is read as a query.
		"http://127.0.0.1:4446/callback#access_token=tok&state=st&token_type=bearer": "http://127.0.0.1:4446/callback#access_token=«T»&state=«S»&token_type=bearer",
		"/cb?code=c1#state=s1": "/cb?code=«C»#state=«S»",
		"https://app.example.com/#/callback?access_token=tok&state=st": "https://app.example.com/#/callback?access_token=«T»&state=«S»",
	}
	for in, want := range cases {
		if got := events.RedactURLQuery(in, r); got != want {
			t.Errorf("RedactURLQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// OAuth's state and its kin are redacted by meaning inside URLs wherever
// URLs are recorded: a URL's query, a URL inside another, a URL in a JSON
// string (whole or cut short), a Location header, SocialSignInStarted.url;
// the public parameters stay readable.
func TestURLSecretsRedactedByMeaning(t *testing.T) {
	const state = "7d1f0c8e2b9a4f6c8d3e1a0b5c7f9e2d"
	const auth = "http://127.0.0.1:4444/oauth2/auth?client_id=kratos&code_challenge=abc&code_challenge_method=S256" +
		"&redirect_uri=http%3A%2F%2F127.0.0.1%3A4433%2Fself-service%2Fmethods%2Foidc%2Fcallback%2Fhydra&response_type=code" +
		"&scope=openid+email&state=" + state + "&nonce=n0nce-value-123"
	r := func(string) string { return "«secret:1»" }
	red := events.RedactURLQuery(auth, r)
	for _, public := range []string{"client_id=kratos", "code_challenge=abc", "code_challenge_method=S256", "redirect_uri=http%3A%2F%2F127.0.0.1%3A4433", "response_type=code", "scope=openid+email", "state=«secret:1»", "nonce=«secret:1»"} {
		if !strings.Contains(red, public) {
			t.Errorf("RedactURLQuery: %q lacks %q", red, public)
		}
	}
	if strings.Contains(red, state) || strings.Contains(red, "n0nce") {
		t.Errorf("RedactURLQuery left a secret: %q", red)
	}
	// Inside a redirect_uri.
	nested := "https://kratos.example/x?return_to=" + url.QueryEscape("https://app.example/cb?state="+state+"&a=1")
	if got := events.RedactURLQuery(nested, r); strings.Contains(got, state) || !strings.Contains(got, "a%3D1") {
		t.Errorf("nested: %q", got)
	}
	body := `{"error":{"id":"browser_location_change_required","code":422},"redirect_browser_to":"` + strings.ReplaceAll(auth, "&", `\u0026`) + `"}`
	for name, got := range map[string]string{
		"RedactJSON":           string(events.RedactJSON(json.RawMessage(body), r)),
		"RedactJSON cut":       string(events.RedactJSON(json.RawMessage(`"`+strings.ReplaceAll(body[:len(body)-2], `"`, `\"`)+`"`), r)),
		"RedactJSON cut after": string(events.RedactJSON(json.RawMessage(`"`+strings.ReplaceAll(body[:len(body)-1], `"`, `\"`)+`"`), r)),
	} {
		if strings.Contains(got, state) || !strings.Contains(got, "client_id=kratos") {
			t.Errorf("%s: %s", name, got)
		}
	}
	ret := events.AdapterReturned{Operation: "kratos.x", HTTP: []events.HTTPExchange{{Method: "GET", URL: "/x",
		ResponseHeaders: map[string][]string{"Location": {auth}}}}}
	got := events.Redact(ret, r).(events.AdapterReturned)
	if loc := got.HTTP[0].ResponseHeaders["Location"][0]; strings.Contains(loc, state) || !strings.Contains(loc, "client_id=kratos") {
		t.Errorf("Location: %s", loc)
	}
	// Learned by value, before anything is written.
	sec := events.NewSecrets()
	sec.Learn(ret)
	sec.Learn(events.AdapterReturned{Operation: "kratos.start_social_sign_in", Result: json.RawMessage(body)})
	sec.Learn(events.AdapterReturned{Operation: "kratos.y", HTTP: []events.HTTPExchange{{Response: json.RawMessage(`"` + strings.ReplaceAll(body[:len(body)-2], `"`, `\"`) + `"`)}}})
	if _, ok := sec.Index(state); !ok {
		t.Error("the state is not learned")
	}
	// SocialSignInStarted.url is shown whole by the UIs (the user opens
	// it) and replaced by value where the run is written.
	if got := sec.Scrub(auth); strings.Contains(got, state) || !strings.Contains(got, "client_id=kratos") {
		t.Errorf("by value: %s", got)
	}
	if _, ok := sec.Index("kratos"); ok {
		t.Error("client_id learned as a secret")
	}
}

// A transport error names the URL it failed on, query and all: its
// secrets are redacted by meaning and learned.
func TestURLSecretsInErrorTexts(t *testing.T) {
	const code = "ory_ic_w8Xq2pLk9ZrT4vBn"
	msg := `Get "http://127.0.0.1:4433/sessions/token-exchange?init_code=` + code + `&return_to_code=abcdef123456": dial tcp: connection refused`
	r := func(string) string { return "«secret:1»" }
	ret := events.AdapterReturned{Operation: "kratos.exchange_session_token",
		Error: &adapters.Error{Class: adapters.ClassUnavailable, Message: msg},
		HTTP:  []events.HTTPExchange{{Method: "GET", URL: "/sessions/token-exchange?init_code=" + code, Error: msg}}}
	got := events.Redact(ret, r).(events.AdapterReturned)
	for _, s := range []string{got.Error.Message, got.HTTP[0].Error, got.HTTP[0].URL} {
		if strings.Contains(s, code) || strings.Contains(s, "abcdef123456") {
			t.Errorf("in clear: %s", s)
		}
	}
	if ret.Error.Message != msg {
		t.Error("the event redacted in place")
	}
	sec := events.NewSecrets()
	sec.Learn(ret)
	if _, ok := sec.Index(code); !ok {
		t.Error("the code in an error's URL is not learned")
	}
}
