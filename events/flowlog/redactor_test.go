package flowlog

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// record redacts env with r and checks the line is still a record.
func record(t *testing.T, r *Redactor, ev events.Event) string {
	t.Helper()
	line, err := r.Record(events.Envelope{Seq: 1, ID: "id", Time: time.Unix(0, 0).UTC(), Event: ev})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := events.Unmarshal(line); err != nil {
		t.Fatalf("redacted line does not decode: %v\n%s", err, line)
	}
	return string(line)
}

const token = "ory_st_" + "CanaryTok3nValue0123456789abcdef"

// A body cut right after session_token (or inside it), or cut at 64 KiB,
// is kept as a JSON string: its secrets are found by meaning, token by
// token, and replaced inside the text.
func TestRedactorCutBodies(t *testing.T) {
	big := `{"session_token":"` + token + `","session":{"id":"s","identity":{"metadata_public":{"blob":"` + strings.Repeat("x", 70<<10)
	for name, body := range map[string]string{
		"cut after token":    `{"session_token":"` + token + `","sess`,
		"cut inside token":   `{"session_token":"` + token,
		"cut at 64 KiB":      big[:64<<10],
		"exchange code":      `{"session_token_exchange_code":"` + token + `","x":[`,
		"nested token":       `{"continue_with":[{"action":"set_ory_session_token","ory_session_token":"` + token + `"},{"a`,
		"password node":      `{"ui":{"nodes":[{"attributes":{"name":"password","type":"password","value":"` + token + `"}},{"attr`,
		"totp secret node":   `{"ui":{"nodes":[{"attributes":{"id":"totp_secret_key","text":{"id":1050006,"text":"` + token + `","context":{"secret":"` + token + `"}}}},`,
		"backup codes":       `{"ui":{"nodes":[{"attributes":{"id":"lookup_secret_codes","text":{"context":{"secrets":[{"text":"` + token + `"}]}}}},`,
		"password type node": `{"ui":{"nodes":[{"attributes":{"name":"secret_answer","type":"password","value":"` + token + `"}}`,
	} {
		raw, _ := json.Marshal(body)
		r := NewRedactor(RedactorOptions{})
		line := record(t, r, events.AdapterReturned{Operation: "kratos.submit_login", HTTP: []events.HTTPExchange{{Method: "POST", Response: raw}}})
		if strings.Contains(line, token) || strings.Contains(line, token[:30]) {
			t.Errorf("%s: the token survived: %.300s", name, line)
		}
		if !strings.Contains(line, "«secret:1»") {
			t.Errorf("%s: no placeholder: %.300s", name, line)
		}
		if r.Secrets().Len() == 0 {
			t.Errorf("%s: the secret was not registered", name)
		}
	}
}

// Once registered, a secret is replaced by value wherever it is inside a
// string: a password typed as a trait, a non-JSON body, a URL (encoded), an
// error message, a header; numbers stay numbers.
func TestRedactorByValue(t *testing.T) {
	const pw = "Pa55 word&<Canary>"
	r := NewRedactor(RedactorOptions{})
	line := record(t, r, events.SignUpSubmitted{Email: "a@example.com", Password: pw, Traits: map[string]any{"name.first": pw, "postal_code": "80331"}})
	if strings.Contains(line, "Canary") || strings.Count(line, "«secret:1»") != 2 {
		t.Fatalf("the password typed as a name survived: %s", line)
	}
	if !strings.Contains(line, `"postal_code":"80331"`) {
		t.Fatalf("postal_code was redacted: %s", line)
	}
	r.Secrets().Add("123456")
	ev := events.AdapterReturned{
		Operation: "kratos.submit_login", LatencyMS: 0.123456,
		Error: &adapters.Error{Class: adapters.ClassForbidden, Message: "server said: " + pw + " / code 123456", Status: 123456},
		HTTP: []events.HTTPExchange{{
			Method: "GET", URL: "/self-service/recovery?code=123456&p=Pa55+word%26%3CCanary%3E", Status: 200,
			Response: json.RawMessage(mustJSON(t, "<html>"+html.EscapeString(pw)+" "+pw+"</html>")),
		}},
	}
	line = record(t, r, ev)
	if strings.Contains(line, "Canary") || strings.Contains(line, `123456&`) || strings.Contains(line, "code 123456") {
		t.Fatalf("a registered secret survived by value: %s", line)
	}
	if !strings.Contains(line, `"latency_ms":0.123456`) || !strings.Contains(line, `"status":123456`) {
		t.Fatalf("a number was touched: %s", line)
	}
}

// Redaction is by meaning, not by substring of a key: traits named
// postal_code, zip_code or country_code and Kratos's numeric error code
// stay; the code of the code method, a string, goes.
func TestRedactorByMeaningNotSubstring(t *testing.T) {
	r := NewRedactor(RedactorOptions{})
	line := record(t, r, events.AdapterCalled{Operation: "kratos.submit_registration", Request: json.RawMessage(
		`{"traits":{"postal_code":"80331","zip_code":"90210","country_code":"DE","code":"AB-1","password_hint":"blue"},` +
			`"error":{"code":401,"status":"Unauthorized"},"method":"code","code":"987654"}`)})
	for _, keep := range []string{`"postal_code":"80331"`, `"zip_code":"90210"`, `"country_code":"DE"`, `"code":401`, `"code":"AB-1"`, `"password_hint":"blue"`} {
		if !strings.Contains(line, keep) {
			t.Errorf("%s was redacted: %s", keep, line)
		}
	}
	if strings.Contains(line, "987654") {
		t.Errorf("the one-time code survived: %s", line)
	}
	ff := record(t, r, events.FieldChanged{Field: "traits.postal_code", Value: "80331"})
	if !strings.Contains(ff, "80331") {
		t.Errorf("a postal_code edit was redacted: %s", ff)
	}
	for _, f := range []string{"traits.postal_code", "traits.country_code", "zip_code", "passcode_hint"} {
		if events.IsSecretField(f) {
			t.Errorf("IsSecretField(%q)", f)
		}
	}
	for _, f := range []string{"password", "code", "totp_code", "lookup_secret"} {
		if !events.IsSecretField(f) {
			t.Errorf("!IsSecretField(%q)", f)
		}
	}
}

// Placeholders are numbered by first appearance in the log, whatever the
// order secrets were registered in, and a secret that is part of a
// placeholder's text does not break it.
func TestRedactorNumbersByAppearance(t *testing.T) {
	s := events.NewSecrets()
	s.Add("secret-later-token", "secret")
	r := NewRedactor(RedactorOptions{Secrets: s})
	a := record(t, r, events.SignInSubmitted{Identifier: "x", Password: "first-password"})
	b := record(t, r, events.SessionCheckFailed{Message: "secret-later-token and first-password"})
	if !strings.Contains(a, `"password":"«secret:1»"`) {
		t.Fatalf("first: %s", a)
	}
	if !strings.Contains(b, "«secret:2» and «secret:1»") {
		t.Fatalf("second: %s", b)
	}
	c := record(t, r, events.SignInSubmitted{Identifier: "x", Password: "secret"})
	if !strings.Contains(c, `"password":"«secret:3»"`) {
		t.Fatalf("third: %s", c)
	}
	// Writing a redacted record again changes nothing.
	env, _ := events.Unmarshal([]byte(b))
	again, _ := r.Record(env)
	if string(again) != b {
		t.Fatalf("second redaction changed the record:\n%s\n%s", b, again)
	}
}

// --redact-pii replaces identifiers, e-mails and names with stable
// pseudonyms and keeps other traits.
func TestRedactorPII(t *testing.T) {
	r := NewRedactor(RedactorOptions{RedactPII: true})
	a := record(t, r, events.SignUpSubmitted{Email: "Jane.Doe@corp.example.com", Password: "Canary-Pw-1",
		Traits: map[string]any{"name.first": "Janet", "name.last": "Doerington", "postal_code": "80331"}})
	b := record(t, r, events.AdapterReturned{Operation: "kratos.submit_registration", Result: json.RawMessage(
		`{"identity":{"traits":{"email":"Jane.Doe@corp.example.com","name":{"first":"Janet","last":"Doerington"},"postal_code":"80331"},` +
			`"verifiable_addresses":[{"value":"Jane.Doe@corp.example.com"}]},"note":"mail bob@other.example.org"}`)})
	c := record(t, r, events.SignInSubmitted{Identifier: "Jane.Doe@corp.example.com", Password: "Canary-Pw-1"})
	for _, line := range []string{a, b, c} {
		for _, pii := range []string{"Jane", "Doe", "corp.example", "bob@", "Canary"} {
			if strings.Contains(line, pii) {
				t.Errorf("%q survived: %s", pii, line)
			}
		}
		if !strings.Contains(line, "user-1@example.invalid") {
			t.Errorf("no stable pseudonym: %s", line)
		}
	}
	if !strings.Contains(a, "name-1") || !strings.Contains(b, "name-2") || !strings.Contains(b, "80331") || !strings.Contains(b, "user-2@example.invalid") {
		t.Errorf("pseudonyms: %s\n%s", a, b)
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A secret that is a word of the Kratos API ("password" typed as the
// password) or a JSON key is replaced where its meaning marks it, and the
// flows around it stay intact.
func TestRedactorKeepsProtocolWordsAndKeys(t *testing.T) {
	r := NewRedactor(RedactorOptions{})
	a := record(t, r, events.SignInSubmitted{Identifier: "x@example.com", Password: "password"})
	if !strings.Contains(a, `"password":"«secret:1»"`) {
		t.Fatalf("the typed password was not redacted: %s", a)
	}
	r.Secrets().Add("identifier_key")
	b := record(t, r, events.AdapterReturned{Operation: "kratos.submit_login", Result: json.RawMessage(
		`{"method":"password","identifier_key":"x","ui":{"nodes":[{"group":"password","attributes":{"name":"password","type":"password"}}]}}`)})
	for _, keep := range []string{`"method":"password"`, `"group":"password"`, `"name":"password","type":"password"`, `"identifier_key":"x"`} {
		if !strings.Contains(b, keep) {
			t.Errorf("%s was rewritten: %s", keep, b)
		}
	}
}

// A one-time code is replaced where it stands as a value or a token of a
// text, never inside a longer run of letters and digits: a recovery code
// that happens to occur in a timestamp's fraction must not corrupt the
// record (the canary test once wrote "17:45:52.«secret:1»341Z").
func TestRedactorCodesOnlyAsWholeTokens(t *testing.T) {
	const code = "541234"
	secrets := events.NewSecrets()
	secrets.Add(code)
	r := NewRedactor(RedactorOptions{Secrets: secrets})
	line := record(t, r, events.AdapterReturned{Operation: "kratos.submit_recovery", Result: json.RawMessage(
		`{"expires_at":"2026-11-30T17:45:52.541234341Z","id":"x541234y","ui":{"messages":[{"text":"code 541234 sent"}]},"url":"/r?code=541234&x=1","code":"541234"}`)})
	for _, keep := range []string{"17:45:52.541234341Z", "x541234y"} {
		if !strings.Contains(line, keep) {
			t.Errorf("%q was rewritten: %s", keep, line)
		}
	}
	if n := strings.Count(line, code); n != 2 {
		t.Errorf("the code stands %d times, want 2 (inside the timestamp and the id only): %s", n, line)
	}
	if got := events.NewLongestFirstReplacer(code, "X").Replace(`a 541234, 1541234, 5412345, (541234) \u003e541234\n541234`); got != `a X, 1541234, 5412345, (X) \u003eX\nX` {
		t.Errorf("Replace = %q", got)
	}
}

// A password or code sent as a JSON number (the json UI takes values of
// any type) is a secret all the same: neither the intent nor the adapter
// call's request keeps its digits. Kratos's numeric error "code" stays.
func TestRedactorSecretsTypedAsNumbers(t *testing.T) {
	secrets := events.NewSecrets()
	r := NewRedactor(RedactorOptions{Secrets: secrets})
	intent := events.SettingsSubmitted{Method: "password", Values: map[string]any{"password": float64(918273645501), "totp_code": json.Number("482913")}}
	secrets.Learn(intent)
	lines := record(t, r, intent) + record(t, r, events.AdapterCalled{Operation: "kratos.submit_settings",
		Request: json.RawMessage(`{"values":{"password":918273645501,"totp_code":"482913"}}`)}) +
		record(t, r, events.AdapterReturned{Operation: "kratos.whoami", Result: json.RawMessage(`{"error":{"code":401,"status":"Unauthorized"}}`)})
	for _, digits := range []string{"918273645501", "9.18273645501e+11", "482913"} {
		if strings.Contains(lines, digits) {
			t.Errorf("%s is in the recording:\n%s", digits, lines)
		}
	}
	if !strings.Contains(lines, `"code":401`) {
		t.Errorf("the error's numeric code was redacted:\n%s", lines)
	}
}

// A password equal to a word of the log's own structure (a state, a record
// kind) is replaced where its meaning marks it, and the record keeps its
// structure: it decodes and replays (a wrong password "transition" once
// turned every record kind into a placeholder).
func TestRedactorKeepsStructureWhenASecretEqualsAWord(t *testing.T) {
	secrets := events.NewSecrets()
	r := NewRedactor(RedactorOptions{Secrets: secrets})
	for _, pw := range []string{"transition", "loading", "unauthenticated", "validation"} {
		in := events.SignInSubmitted{Identifier: "a@example.com", Password: pw}
		secrets.Learn(in)
		line := record(t, r, in)
		if strings.Contains(line, `"password":"`+pw+`"`) {
			t.Errorf("password %q in clear: %s", pw, line)
		}
	}
	line := record(t, r, events.TransitionMade{From: "authenticated", Event: "SignOutRequested", To: "loading"})
	if !strings.Contains(line, `"kind":"transition"`) || !strings.Contains(line, `"to":"loading"`) {
		t.Errorf("the transition lost its structure: %s", line)
	}
	line = record(t, r, events.AdapterReturned{Operation: "kratos.submit_login", Error: &adapters.Error{Class: "validation", Message: "wrong: loading"}})
	if !strings.Contains(line, `"class":"validation"`) || strings.Contains(line, "wrong: loading") {
		t.Errorf("want the class kept and the message scrubbed: %s", line)
	}
}

// --redact-pii replaces two-letter names too (Li, Wu), where they stand as
// a name, not inside other words.
func TestRedactorPIITwoLetterNames(t *testing.T) {
	r := NewRedactor(RedactorOptions{RedactPII: true})
	line := record(t, r, events.SignUpSubmitted{Email: "wu.li@corp.example.com", Password: "Canary-Pw-1",
		Traits: map[string]any{"name": map[string]any{"first": "Wu", "last": "Li"}}})
	line += record(t, r, events.SessionCheckFailed{Message: "Hello Wu Li, Limit Wuppertal"})
	for _, name := range []string{`"Wu"`, `"Li"`, "Hello Wu", "Wu Li,"} {
		if strings.Contains(line, name) {
			t.Errorf("%s is in clear: %s", name, line)
		}
	}
	if !strings.Contains(line, "Limit Wuppertal") {
		t.Errorf("words holding a name were rewritten: %s", line)
	}
}

// A long run learns a secret per sign-in: every one of them is replaced by
// value, whichever of the redactor's replacers (rebuilt at different
// rates) holds it.
func TestRedactorManySecretsLearnedOneByOne(t *testing.T) {
	s := events.NewSecrets()
	r := NewRedactor(RedactorOptions{Secrets: s})
	var toks []string
	for i := 0; i < 300; i++ {
		tok := fmt.Sprintf("ory_st_canary%06dXYZ", i)
		toks = append(toks, tok)
		s.Add(tok)
		line := record(t, r, events.SessionCheckFailed{Message: "tokens " + toks[0] + " " + toks[i/2] + " " + tok})
		for _, k := range []int{0, i / 2, i} {
			if strings.Contains(line, toks[k]) {
				t.Fatalf("after %d secrets, secret %d is in clear: %s", i+1, k, line)
			}
		}
	}
}

// A session's device IP address and location are personal: pseudonyms
// ip-N and place-N, the same value the same pseudonym; the user agent is
// kept.
func TestRedactorPIIDevices(t *testing.T) {
	r := NewRedactor(RedactorOptions{RedactPII: true})
	a := record(t, r, events.AdapterReturned{Operation: "kratos.list_sessions", Result: json.RawMessage(
		`{"sessions":[{"devices":[{"ip_address":"203.0.113.7:51234","location":"Springfield, US","user_agent":"kratos-tui/1"}]}]}`)})
	b := record(t, r, events.AdapterReturned{Operation: "kratos.whoami", Result: json.RawMessage(
		`{"devices":[{"ip_address":"203.0.113.7:51234","location":"Springfield, US"}]}`)})
	for _, line := range []string{a, b} {
		if strings.Contains(line, "203.0.113.7") || strings.Contains(line, "Springfield") {
			t.Errorf("a device's address or location survived: %s", line)
		}
		if !strings.Contains(line, `"ip_address":"ip-1"`) || !strings.Contains(line, `"location":"place-1"`) {
			t.Errorf("no stable pseudonyms: %s", line)
		}
	}
	if !strings.Contains(a, "kratos-tui/1") {
		t.Errorf("the user agent was replaced: %s", a)
	}
}

// TestRedactorEscapesAndGluedSecrets: in a body cut short and kept as
// text, a secret under a secret key is redacted however the text escapes
// it (escapes Go never writes, a Python backend's \u00e4); a secret known
// by value is replaced right after a URL percent-escape (%3A, %0A) too;
// Proxy-Authorization and a Session-Token header are secrets by meaning.
func TestRedactorEscapesAndGluedSecrets(t *testing.T) {
	const tok = "ory_st_" + "AbCdEf0123456789GhIjKl"
	for name, body := range map[string]string{
		"escaped letter":    `{"password":"hunt\u0065r2222","x":`,
		"escaped non-ASCII": `{"password":"h\u00e4nter2222","x":`,
		"escaped token":     `{"session_token":"ory\u005fst_AbCdEf0123456789GhIjKl","x":`,
	} {
		raw, _ := json.Marshal(body)
		line := record(t, NewRedactor(RedactorOptions{}), events.AdapterReturned{Operation: "kratos.submit_login",
			HTTP: []events.HTTPExchange{{Method: "POST", Response: raw, ResponseText: true}}})
		if strings.Contains(line, "2222") || strings.Contains(line, "AbCdEf0123") || !strings.Contains(line, "«secret:1»") {
			t.Errorf("%s: %s", name, line)
		}
	}
	for name, ev := range map[string]events.Event{
		"after %3A in a text body": events.AdapterReturned{Operation: "kratos.submit_login", HTTP: []events.HTTPExchange{{Method: "POST", URL: "/x", Status: 400,
			Response: json.RawMessage(`"error=Password%3Ahunter2222\u0026x=1"`), ResponseText: true}}},
		"after %0A in a query": events.AdapterReturned{Operation: "kratos.submit_login", HTTP: []events.HTTPExchange{{Method: "GET", URL: "/self-service/login?return_to=%0Ahunter2222", Status: 200}}},
	} {
		r := NewRedactor(RedactorOptions{})
		r.Secrets().Add("hunter2222")
		if line := record(t, r, ev); strings.Contains(line, "hunter2222") {
			t.Errorf("%s: %s", name, line)
		}
	}
	for _, h := range []string{"Proxy-Authorization", "Session-Token"} {
		line := record(t, NewRedactor(RedactorOptions{}), events.AdapterReturned{Operation: "kratos.whoami",
			HTTP: []events.HTTPExchange{{Method: "GET", URL: "/x", Status: 200, Headers: map[string][]string{h: {"Bearer " + tok}}}}})
		if strings.Contains(line, "AbCdEf0123") {
			t.Errorf("header %s: %s", h, line)
		}
	}
}

// TestRedactorPasswordInsideAnAddress: a password that is part of the
// user's e-mail address (its local part: trying one's name as the
// password) is not replaced inside the address, which earlier records
// show in clear: a placeholder there would tell which part the password
// is. Where it stands alone it is replaced as ever.
func TestRedactorPasswordInsideAnAddress(t *testing.T) {
	r := NewRedactor(RedactorOptions{})
	record(t, r, events.SignInSubmitted{Identifier: "alice4711@example.com", Password: "wrong-pass-1"})
	record(t, r, events.SignInSubmitted{Identifier: "alice4711@example.com", Password: "alice4711"})
	line := record(t, r, events.AdapterReturned{Operation: "kratos.submit_login", Result: json.RawMessage(
		`{"identifier":"alice4711@example.com","note":"you typed alice4711 again","domain":"example.com"}`)})
	if !strings.Contains(line, `"identifier":"alice4711@example.com"`) {
		t.Errorf("the address was rewritten: %s", line)
	}
	if strings.Contains(line, "typed alice4711") || !strings.Contains(line, "typed «secret:2» again") {
		t.Errorf("the password standing alone was not replaced: %s", line)
	}
}

// OAuth tokens, client secrets and API keys in a JSON body (a backend's
// whoami answer) are secrets by meaning, as in a URL.
func TestRedactorOAuthKeysInBodies(t *testing.T) {
	line := record(t, NewRedactor(RedactorOptions{}), events.AdapterReturned{Operation: "backend.whoami",
		HTTP: []events.HTTPExchange{{Method: "GET", URL: "/whoami", Status: 200, Response: json.RawMessage(
			`{"access_token":"at-0123456789","refresh_token":"rt-0123456789","id_token":"it-0123456789","client_secret":"cs-0123456789","api_key":"ak-0123456789"}`)}}})
	if strings.Contains(line, "0123456789") {
		t.Fatalf("a token in a body is in clear: %s", line)
	}
}

// The e-mail exception is narrow: only a whole local part, domain or
// domain label is left inside an address; a secret that is another part
// of an address-shaped text, in a URL's user:password@host or in a
// percent-encoded text, is replaced.
func TestRedactorEmailExceptionIsNarrow(t *testing.T) {
	r := NewRedactor(RedactorOptions{})
	r.Secrets().Add("Hunter2Secret", "P@ssw0rd.2024", "482913x")
	line := record(t, r, events.AdapterReturned{Operation: "kratos.whoami", Result: json.RawMessage(
		`{"a":"https://alice:Hunter2Secret@kratos.example.com/","b":"Hunter2Secret+bob@example.com","c":"P@ssw0rd.2024-",` +
			`"d":"code-482913x-sent-to-bob@example.com","e":"https%3A%2F%2Fx%2F%3Fu%3DHunter2Secret%26by%3Dbob@example.com"}`)})
	for _, s := range []string{"Hunter2Secret", "P@ssw0rd", "482913x"} {
		if strings.Contains(line, s) {
			t.Errorf("%s in clear: %s", s, line)
		}
	}
}
