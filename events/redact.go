package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Redactor replaces one secret with what may be shown or stored instead
// (a mask, or a stable placeholder).
type Redactor func(secret string) string

// Redactable is implemented by events that carry secrets. Redacted returns a
// copy of the event with every secret passed through r; the receiver is left
// unchanged. Which fields are secret is declared by the event type itself
// (by what a field is), never guessed from a field name.
type Redactable interface {
	Redacted(r Redactor) Event
}

// Redact returns ev with its secrets passed through r, or ev itself when it
// carries none. Empty secrets are left empty.
func Redact(ev Event, r Redactor) Event {
	if red, ok := ev.(Redactable); ok {
		return red.Redacted(func(s string) string {
			if s == "" {
				return ""
			}
			return r(s)
		})
	}
	return ev
}

// Mask is a Redactor for display: it hides the secret but keeps its last
// four characters when the secret is long enough for that to be harmless.
func Mask(secret string) string {
	if len(secret) < 16 {
		return "********"
	}
	return "********" + secret[len(secret)-4:]
}

// secretKeys are the JSON object keys of the Kratos public API (and HTTP
// header names), compared exactly but without case, whose string values are
// secrets wherever they appear outside identity traits: session tokens and
// their exchange codes, passwords, one-time codes (TOTP, backup, recovery,
// verification, login), TOTP secrets and lookup secrets. A key is matched
// whole: "postal_code" or "country_code" is not "code". A number under such
// a key (Kratos's error "code": 401) is not a secret.
var secretKeys = map[string]bool{
	// Session tokens and how they travel.
	"session_token": true, "x-session-token": true, "ory_session_token": true,
	"session-token": true, "authorization": true, "proxy-authorization": true,
	// OAuth 2.0 / OpenID Connect tokens and client secrets, and API keys,
	// in a JSON body (a backend's answer) as in a URL.
	"access_token": true, "refresh_token": true, "id_token": true,
	"client_secret": true, "api_key": true,
	"cookie": true, "set-cookie": true,
	"session_token_exchange_code": true,
	// The two halves of a session token exchange (/sessions/token-exchange).
	"init_code": true, "return_to_code": true,
	// The recovery and verification link tokens, the token store's token.
	"token": true,
	// Anti-CSRF token (not a credential, but bound to the session).
	"csrf_token": true,
	// Passwords.
	"password": true,
	// One-time codes: the code method (login, recovery, verification),
	// TOTP, backup codes.
	"code": true, "totp_code": true, "lookup_secret": true,
	"recovery_code": true, "verification_code": true,
	// TOTP secrets and backup codes as shown.
	"totp_secret_key": true, "totp_url": true, "secret": true, "secrets": true,
	"lookup_secret_codes": true,
}

// SecretKeys returns the keys whose values are secrets, sorted.
func SecretKeys() []string {
	out := make([]string, 0, len(secretKeys))
	for k := range secretKeys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// secretNodeIDs are the ids of Kratos UI nodes that show secrets: the TOTP
// secret, its QR code (which encodes the otpauth:// URI), backup codes.
var secretNodeIDs = map[string]bool{
	"totp_secret_key": true, "totp_qr": true, "lookup_secret_codes": true,
}

// IsSecretKey reports whether string values under this JSON key or header
// name are secrets (see secretKeys). Keys are matched whole.
func IsSecretKey(key string) bool {
	// Most keys of a document are not secret, and most are ASCII: those
	// whose length and first letter no secret key has are answered
	// without lowering and hashing them (the meaning pass asks for every
	// key of every document).
	ascii := true
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii && (len(key) == 0 || len(key) >= len(secretKeyStarts) || !secretKeyStarts[len(key)][key[0]|0x20]) {
		return false
	}
	return secretKeys[strings.ToLower(key)]
}

// secretKeyStarts[n][c] says whether a secret key is n bytes long and
// starts with the ASCII byte c: an ASCII key lowers to as many bytes, its
// first letter to c|0x20.
var secretKeyStarts = func() (t [32][256]bool) {
	for k := range secretKeys {
		if len(k) == 0 || len(k) >= len(t) {
			panic("events: secret key " + k + " does not fit secretKeyStarts")
		}
		t[len(k)][k[0]|0x20] = true
	}
	return t
}()

// secretFields are the names of Kratos form fields (UI node names, form
// values) whose values are secrets.
var secretFields = map[string]bool{
	"password": true, "code": true, "totp_code": true, "lookup_secret": true,
	"totp_secret_key": true, "recovery_code": true, "verification_code": true,
}

// SecretFields returns the form field names whose values are secrets.
func SecretFields() []string {
	out := make([]string, 0, len(secretFields))
	for k := range secretFields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsSecretField reports whether a Kratos form field's value is a secret:
// the password, a one-time code (TOTP, backup, recovery, verification or
// login code) or a TOTP secret. Names are matched whole, so traits such as
// "traits.postal_code" are not secret.
func IsSecretField(name string) bool {
	return secretFields[strings.ToLower(strings.TrimSpace(name))]
}

// IsSecretNode reports whether an input node's value is a secret: its
// input type is password, or its name is a secret field's.
func IsSecretNode(name, inputType string) bool {
	return strings.EqualFold(inputType, "password") || IsSecretField(name)
}

// RedactJSON returns raw with every secret, at any depth, passed through r:
// strings under a secret key (IsSecretKey) outside "traits", the value of
// an input node of type password or with a secret field's name, and every
// string of a node that shows a secret but its labels. A JSON string that
// holds a JSON document cut short (a body kept as text) is scanned token by
// token the same way and its secrets replaced inside the text. Input that
// is not JSON is replaced by a JSON string saying so, since it may hold
// anything.
func RedactJSON(raw json.RawMessage, r Redactor) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	if out, ok := redactTokens(raw, r, true); ok {
		return out
	}
	return redactDecoded(raw, r)
}

// redactDecoded is RedactJSON by decoding raw, walking and encoding it
// again: for a document that is not a valid object or array.
func redactDecoded(raw json.RawMessage, r Redactor) json.RawMessage {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		out, _ := json.Marshal(fmt.Sprintf("<%d bytes of non-JSON data, not recorded>", len(raw)))
		return out
	}
	if s, ok := v.(string); ok {
		red := RedactText(s, r)
		if red == s {
			return raw
		}
		out, _ := json.Marshal(red)
		return out
	}
	v = redactIn(v, false, false, r)
	out, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`"<unencodable>"`)
	}
	return out
}

// RedactText returns s with the secrets found by meaning in it replaced by
// r(secret): s may be a JSON document, complete or cut short (a body kept
// as text), whose tokens are read as far as they go. Text that is not JSON
// comes back unchanged; only redaction by value reaches it.
func RedactText(s string, r Redactor) string {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return s
	}
	secrets := ScanSecrets(t)
	// Longest first, so that a secret holding another is replaced whole.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	var raws map[string][]string
	if len(secrets) > 0 {
		// As the text writes them: a cut document's strings may use
		// escapes Go does not write ("hunt\u0065r", "h\u00e4nter").
		raws = rawStrings(t)
	}
	for _, sec := range secrets {
		ph := r(sec)
		s = replaceEncoded(s, sec, ph)
		for _, raw := range raws[sec] {
			s = strings.ReplaceAll(s, raw, jsonEscape(ph))
		}
	}
	return s
}

// rawStrings maps each string of the JSON text (read token by token as
// far as it is well formed) to the ways the text writes it, when they
// differ from its value and from Go's escaping of it.
func rawStrings(text string) map[string][]string {
	out := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(text))
	for {
		off0 := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		v, ok := tok.(string)
		if !ok {
			continue
		}
		raw := text[off0:dec.InputOffset()]
		i, j := strings.IndexByte(raw, '"'), strings.LastIndexByte(raw, '"')
		if i < 0 || j <= i {
			continue
		}
		if raw = raw[i+1 : j]; raw != v && raw != jsonEscape(v) && !slices.Contains(out[v], raw) {
			out[v] = append(out[v], raw)
		}
	}
}

// replaceEncoded replaces sec in s, both as is and JSON-escaped.
func replaceEncoded(s, sec, ph string) string {
	s = strings.ReplaceAll(s, sec, ph)
	if esc := jsonEscape(sec); esc != sec {
		s = strings.ReplaceAll(s, esc, jsonEscape(ph))
	}
	return s
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// ScanSecrets reads the JSON document in text token by token, as far as it
// is well formed (a document cut short is read up to the cut), and returns
// the secrets it holds by meaning, as RedactJSON finds them: strings under
// secret keys outside traits, values of secret input nodes, and the texts
// of nodes showing a secret. A secret cut in two by the end of the text is
// returned as far as it goes.
func ScanSecrets(text string) []string {
	// A whole document decodes at once, which is several times faster
	// than reading tokens; only a document cut short is read token by
	// token.
	var out []string
	collect := func(s string) string {
		out = append(out, s)
		return s
	}
	if _, ok := redactTokens([]byte(text), collect, false); ok {
		return out
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err == nil {
		redactWalk(v, "", false, false, false, collect)
		return out
	}
	return scanTokens(text)
}

// scanSecretsBytes is ScanSecrets(string(raw)) reading a whole document
// in place: an HTTP body the state machine learns from is not copied
// twice (to a string, and back to bytes) to be read once. The secrets it
// returns are copies, never views of raw.
func scanSecretsBytes(raw []byte) []string {
	var out []string
	collect := func(s string) string {
		out = append(out, s)
		return s
	}
	if _, ok := redactTokens(raw, collect, false); ok {
		return out
	}
	return ScanSecrets(string(raw))
}

// scanTokens is ScanSecrets for a document cut short.
func scanTokens(text string) []string {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var (
		out   []string
		stack []*scanFrame
	)
	cut := func() string {
		// The string the text ends in, if it ends inside one.
		off := int(dec.InputOffset())
		rest := text[off:]
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			return ""
		}
		tail := rest[i+1:]
		if strings.ContainsRune(tail, '"') {
			return ""
		}
		return tail
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) && len(stack) > 0 {
				top := stack[len(stack)-1]
				if top.obj && !top.expectKey {
					switch tail := cut(); {
					case tail == "":
					case top.secretValue():
						out = append(out, tail)
					case isHTTPURL(tail):
						// An address cut short: its query's secrets
						// as far as they go.
						RedactURLQuery(tail, func(v string) string { out = append(out, v); return v })
					}
				}
			}
			return out
		}
		var top *scanFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				f := &scanFrame{obj: t == '{', expectKey: t == '{'}
				if top != nil {
					f.secret = top.secretValue()
					f.traits = top.traits || (top.obj && top.key == "traits")
					f.node = top.node
				}
				if top != nil && top.obj {
					top.expectKey = true
				}
				stack = append(stack, f)
			default:
				stack = stack[:len(stack)-1]
				if top != nil && top.pendingNode != "" && top.nodeSecret {
					out = append(out, top.pendingNode)
				}
			}
		case string:
			if top == nil {
				continue
			}
			if top.obj && top.expectKey {
				top.key = t
				top.expectKey = false
				continue
			}
			if top.obj {
				switch top.key {
				case "id":
					if secretNodeIDs[t] {
						top.node = true
					}
				case "name":
					if IsSecretField(t) {
						top.nodeSecret = true
					}
				case "type":
					if strings.EqualFold(t, "password") {
						top.nodeSecret = true
					}
				case "value":
					top.pendingNode = t
				}
				switch {
				case t != "" && (top.secretValue() || (top.node && !nodeLabelKeys[top.key])):
					out = append(out, t)
				case len(t) > 1 && (t[0] == '{' || t[0] == '['):
					out = append(out, ScanSecrets(t)...) // a JSON text kept as a string
				case isHTTPURL(t):
					RedactURLQuery(t, func(v string) string { out = append(out, v); return v })
				}
				top.expectKey = true
			} else if t != "" && (top.secret || top.node) {
				out = append(out, t)
			}
		default:
			if top != nil && top.obj {
				top.expectKey = true
			}
		}
	}
}

// scanFrame is an object or array being read by ScanSecrets.
type scanFrame struct {
	obj, expectKey bool
	key            string
	// secret: a secret key is above; traits: inside identity traits;
	// node: inside a node showing a secret; nodeSecret: this object is a
	// secret input's attributes, whose value (pendingNode) is a secret.
	secret, traits, node, nodeSecret bool
	pendingNode                      string
}

func (f *scanFrame) secretValue() bool {
	return f.secret || (f.obj && !f.traits && IsSecretKey(f.key))
}

// nodeLabelKeys are the keys inside a secret UI node that name or type it
// rather than hold its secret; they stay readable, as do numbers, so that a
// redacted flow still decodes and compares.
var nodeLabelKeys = map[string]bool{"id": true, "node_type": true, "type": true}

// redactIn redacts v: secret says a secret key is above it, node that it
// is inside a node showing a secret (where every other string is one).
func redactIn(v any, secret, node bool, r Redactor) any {
	return redactWalk(v, "", secret, false, node, r)
}

// redactWalk redacts v, found under key.
func redactWalk(v any, key string, secret, traits, node bool, r Redactor) any {
	switch t := v.(type) {
	case map[string]any:
		// A form node's attributes {"name": "password", "type":
		// "password", "value": ...} hold a secret under "value".
		name, _ := t["name"].(string)
		typ, _ := t["type"].(string)
		nodeSecret := !traits && (name != "" || typ != "") && IsSecretNode(name, typ)
		// A text or image node that shows a secret (the TOTP secret, its
		// QR code, backup codes) is secret but for its labels.
		id, _ := t["id"].(string)
		node = node || secretNodeIDs[id]
		for k, child := range t {
			s := secret || (!traits && IsSecretKey(k)) || (nodeSecret && k == "value")
			t[k] = redactWalk(child, k, s, traits || k == "traits", node && (s || !nodeLabelKeys[k]), r)
		}
		return t
	case []any:
		for i, child := range t {
			t[i] = redactWalk(child, key, secret, traits, node, r)
		}
		return t
	case string:
		if secret || node {
			if t == "" {
				return t
			}
			return r(t)
		}
		if isHTTPURL(t) {
			// An address with OAuth's state in its query, say.
			return RedactURLQuery(t, r)
		}
		// A JSON document kept as text (a body cut short).
		return RedactText(t, r)
	case json.Number, float64:
		// Kratos sends every secret (codes, tokens, passwords) as a string,
		// and a number under its "code" key is not one (an error's HTTP
		// status): replacing it by a string would make the recorded answer
		// undecodable, and offline replay serves recorded answers to the
		// real adapters. A number a client sent under a password or code
		// field (a password of digits typed as a JSON number) is the
		// secret itself.
		if secret && key != "code" && IsSecretField(key) {
			return r(numberText(t))
		}
		return t
	default:
		// Booleans and null are never secrets.
		return t
	}
}

// secretURLKeys are query parameters whose values are secrets inside
// URLs only (an address Kratos sends a browser to, a Location header, a
// request URI), on top of the secret keys (IsSecretKey: code, token,
// init_code, return_to_code…): OAuth 2.0 and OpenID Connect's state and
// nonce (Kratos's state holds the flow, the hash of the exchange code and
// the PKCE verifier), PKCE verifiers, Hydra's login, consent and logout
// challenges and verifiers, and tokens sent in a query. The public
// parameters of those addresses (client_id, redirect_uri, scope,
// response_type, code_challenge, code_challenge_method, flow, return_to…)
// stay readable.
var secretURLKeys = map[string]bool{
	"state": true, "nonce": true, "code_verifier": true,
	"login_challenge": true, "consent_challenge": true, "logout_challenge": true,
	"login_verifier": true, "consent_verifier": true, "logout_verifier": true,
	"access_token": true, "refresh_token": true, "id_token": true, "id_token_hint": true,
	"client_secret": true, "client_assertion": true, "assertion": true,
	"session_token_exchange_code": true,
}

// IsSecretURLKey reports whether the value of this query parameter is a
// secret in a URL: a secret key (IsSecretKey) or one of secretURLKeys.
// Keys are matched whole, without case.
func IsSecretURLKey(key string) bool {
	return IsSecretKey(key) || secretURLKeys[strings.ToLower(key)]
}

// RedactURLQuery returns the URL or request URI u with the value of every
// query parameter whose key is secret in a URL (IsSecretURLKey: the
// session token exchange's init_code and return_to_code, a code, a token,
// OAuth's state and nonce…) passed through r; the query of an absolute
// http(s) URL held in another parameter (a redirect_uri) is redacted the
// same way; the rest of u is left as it is. A replacement that needs no
// escaping is written as it is, so that a placeholder stays readable.
func RedactURLQuery(u string, r Redactor) string {
	return redactURLQuery(u, r, 0)
}

func redactURLQuery(u string, r Redactor, depth int) string {
	// A fragment of key=value pairs (an implicit OAuth grant's
	// #access_token=…&state=…) is read as a query is.
	if base, frag, ok := strings.Cut(u, "#"); ok && strings.Contains(frag, "=") {
		if strings.Contains(frag, "?") {
			// A single-page app's route with its own query
			// (#/callback?access_token=…).
			frag = redactURLQuery(frag, r, depth)
		} else {
			frag = redactParams(frag, r, depth)
		}
		return redactURLQuery(base, r, depth) + "#" + frag
	}
	path, query, ok := strings.Cut(u, "?")
	if !ok || query == "" {
		return u
	}
	frag := ""
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query, frag = query[:i], query[i:]
	}
	red := redactParams(query, r, depth)
	if red == query {
		return u
	}
	return path + "?" + red + frag
}

// redactParams redacts the secret values of a query (or fragment) of
// key=value pairs joined by '&' (see RedactURLQuery).
func redactParams(query string, r Redactor, depth int) string {
	parts := strings.Split(query, "&")
	changed := false
	for i, kv := range parts {
		k, v, hasV := strings.Cut(kv, "=")
		key, err := url.QueryUnescape(k)
		if !hasV || v == "" || err != nil {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if !IsSecretURLKey(key) {
			// An address inside the address (redirect_uri, return_to).
			if depth < 2 && isHTTPURL(val) {
				if red := redactURLQuery(val, r, depth+1); red != val {
					parts[i] = k + "=" + url.QueryEscape(red)
					changed = true
				}
			}
			continue
		}
		// Written the same way whether it changed or not (a placeholder
		// sent back as it is, say), so that equal values read equal.
		red := r(val)
		if strings.ContainsAny(red, "&#=+% ") {
			red = url.QueryEscape(red)
		}
		parts[i] = k + "=" + red
		changed = true
	}
	if !changed {
		return query
	}
	return strings.Join(parts, "&")
}

// urlInText finds absolute http(s) URLs inside text (an error message
// such as `Get "http://…?init_code=…": connection refused`).
var urlInText = regexp.MustCompile(`(?i)https?://[^\s"'<>]+`)

// RedactURLsInText returns text with the query secrets of every absolute
// http(s) URL in it passed through r (RedactURLQuery), the rest as it is.
func RedactURLsInText(text string, r Redactor) string {
	if !strings.Contains(text, "://") {
		return text
	}
	return urlInText.ReplaceAllStringFunc(text, func(u string) string { return RedactURLQuery(u, r) })
}

// isHTTPURL says s looks like an absolute http(s) URL with a query: the
// strings whose query RedactURLQuery reads inside JSON documents and
// headers.
func isHTTPURL(s string) bool {
	if len(s) < 8 || !strings.ContainsAny(s, "?#") {
		return false
	}
	p := s[:8]
	return strings.EqualFold(p[:7], "http://") || strings.EqualFold(p, "https://")
}
