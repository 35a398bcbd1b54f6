package kratostest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// sessionTokenRe matches a Kratos session token.
var sessionTokenRe = regexp.MustCompile(`ory_st_[A-Za-z0-9]+`)

// secretNodeIDs are text and img nodes whose content is a secret.
var secretNodeIDs = map[string]bool{"totp_secret_key": true, "lookup_secret_codes": true, "totp_qr": true}

// secretInputs are inputs whose value is a secret if Kratos echoes one.
var secretInputs = map[string]bool{"code": true, "totp_code": true, "lookup_secret": true, "password": true}

// RedactFixture prepares a Kratos response body for testdata: session
// tokens become ory_st_REDACTED; CSRF values, TOTP secrets and their QR
// codes, backup codes, and recovery, verification and TOTP codes become
// REDACTED; the JSON is re-indented with sorted keys. Fixtures are captured
// from the real server and must hold no secret.
func RedactFixture(raw []byte) ([]byte, error) {
	raw = sessionTokenRe.ReplaceAll(raw, []byte("ory_st_REDACTED"))
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	v = redactValue(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("redact: %w", err)
	}
	return buf.Bytes(), nil
}

// redactValue walks a decoded JSON value and redacts secrets in place.
func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if name, _ := x["name"].(string); name == "csrf_token" || secretInputs[name] {
			if val, ok := x["value"]; ok && val != "" {
				x["value"] = "REDACTED"
			}
		}
		if id, _ := x["id"].(string); secretNodeIDs[id] {
			if _, ok := x["src"]; ok {
				x["src"] = "data:image/png;base64,REDACTED"
			}
			if txt, ok := x["text"].(map[string]any); ok {
				txt["text"] = "REDACTED"
			}
		}
		if ctx, ok := x["context"].(map[string]any); ok {
			if _, ok := ctx["secret"]; ok {
				// A backup code message: its text is the code.
				x["text"] = "REDACTED"
			}
		}
		for k, e := range x {
			switch k {
			case "csrf_token", "secret", "code", "recovery_code", "verification_code":
				if _, isString := e.(string); isString {
					x[k] = "REDACTED"
					continue
				}
			}
			x[k] = redactValue(e)
		}
	case []any:
		for i, e := range x {
			x[i] = redactValue(e)
		}
	}
	return v
}

// IsSecretNode reports whether the Kratos UI node with this id shows a
// secret (the TOTP secret, its QR code, backup codes).
func IsSecretNode(id string) bool { return secretNodeIDs[id] }
