package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Redactor replaces one secret with what may be shown or stored instead
// (a mask, or a stable placeholder).
type Redactor func(secret string) string

// Redactable is implemented by events that carry secrets. Redacted returns a
// copy of the event with every secret passed through r; the receiver is left
// unchanged.
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

// secretKeys are JSON object keys (and HTTP header names), compared without
// case, whose values are secrets wherever they appear.
var secretKeys = map[string]bool{
	"password": true, "token": true, "session_token": true, "x-session-token": true,
	"session-token": true, "ory_session_token": true, "authorization": true, "cookie": true, "set-cookie": true,
	"csrf_token": true, "code": true, "totp_code": true, "lookup_secret": true,
	"recovery_code": true, "verification_code": true, "secret": true, "secrets": true,
	"totp_secret_key": true, "value_secret": true,
}

// secretNodeIDs are the ids of Kratos UI nodes that show secrets.
var secretNodeIDs = map[string]bool{
	"totp_secret_key": true, "totp_qr": true, "lookup_secret_codes": true,
}

// IsSecretKey reports whether values under this JSON key or header name are
// secrets.
func IsSecretKey(key string) bool {
	return secretKeys[strings.ToLower(key)]
}

// RedactJSON returns raw with every string under a secret key (see
// IsSecretKey), at any depth, passed through r. Input that is not JSON is
// replaced by a JSON string saying so, since it may hold anything.
func RedactJSON(raw json.RawMessage, r Redactor) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		out, _ := json.Marshal(fmt.Sprintf("<%d bytes of non-JSON data, not recorded>", len(raw)))
		return out
	}
	v = redactValue(v, false, r)
	out, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`"<unencodable>"`)
	}
	return out
}

func redactValue(v any, secret bool, r Redactor) any { return redactIn(v, secret, false, r) }

// nodeLabelKeys are the keys inside a secret UI node that name or type it
// rather than hold its secret; they stay readable, as do numbers, so that a
// redacted flow still decodes and compares.
var nodeLabelKeys = map[string]bool{"id": true, "node_type": true, "type": true}

// redactIn redacts v: secret says a secret key is above it, node that it
// is inside a node showing a secret (where every other string is one).
func redactIn(v any, secret, node bool, r Redactor) any {
	switch t := v.(type) {
	case map[string]any:
		// A form node or field {"name": "password", "value": ...} holds a
		// secret under "value" when its name is a secret field's.
		name, _ := t["name"].(string)
		nodeSecret := name != "" && IsSecretField(name)
		// A text or image node that shows a secret (the TOTP secret, its
		// QR code, backup codes) is secret but for its labels.
		id, _ := t["id"].(string)
		node = node || secretNodeIDs[id]
		for k, child := range t {
			s := secret || IsSecretKey(k) || (nodeSecret && k == "value")
			t[k] = redactIn(child, s, node && (s || !nodeLabelKeys[k]), r)
		}
		return t
	case []any:
		for i, child := range t {
			t[i] = redactIn(child, secret, node, r)
		}
		return t
	case string:
		if (secret || node) && t != "" {
			return r(t)
		}
		return t
	default:
		// Numbers and booleans stay: Kratos sends every secret (codes,
		// tokens, passwords) as a string, and a number under a secret key
		// is not one (an error's "code" is its HTTP status). Replacing it
		// by a string would make the recorded answer undecodable, and
		// offline replay serves recorded answers to the real adapters.
		return t
	}
}
