package kratos

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// The self-service half of the client (adapters.SelfService) lives in
// secondfactor.go, settings.go, recovery.go, verification.go and
// sessions.go. This file holds what they share: turning a generic form
// body into the JSON Kratos expects, the submit-and-continue policy for
// expired flows, and the list of secrets to keep out of errors.

var _ adapters.SelfService = (*Client)(nil)

// opSessions classifies errors of the session list calls like whoami: they
// need a valid token and have no flow id to miss.
const opSessions = opWhoami

// boolFields are form fields Kratos decodes as booleans; a generic form
// posts them as "true" strings, which client-go's typed bodies reject.
var boolFields = map[string]bool{
	"totp_unlink":              true,
	"lookup_secret_regenerate": true,
	"lookup_secret_reveal":     true,
	"lookup_secret_confirm":    true,
	"lookup_secret_disable":    true,
}

// stringFields are form fields Kratos decodes as strings; a form may hold
// them as numbers (a 6-digit code typed into a number input).
var stringFields = map[string]bool{
	"totp_code": true, "lookup_secret": true, "code": true,
	"identifier": true, "password": true, "email": true,
}

// secretFields are form fields whose values must never appear in an error.
var secretFields = []string{"password", "totp_code", "lookup_secret", "code", "session_token"}

// normalizeForm turns a generic form body into the JSON object Kratos
// expects: dotted keys ("traits.name.first") become nested objects, "true"
// and "false" strings of boolean fields become booleans, and numbers in
// string fields become strings. The input is not modified.
func normalizeForm(body map[string]any) (map[string]any, error) {
	out := map[string]any{}
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	// Shorter keys first, so "traits" is placed before "traits.email"
	// merges into it.
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		v := coerce(k, body[k])
		if err := setPath(out, strings.Split(k, "."), v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// coerce converts a value of a known boolean or string field.
func coerce(key string, v any) any {
	switch x := v.(type) {
	case string:
		if boolFields[key] {
			switch strings.ToLower(x) {
			case "true", "on", "1":
				return true
			case "false", "off", "0", "":
				return false
			}
		}
	case json.Number:
		if stringFields[key] {
			return x.String()
		}
	case float64:
		if stringFields[key] {
			// As typed: 918273645501, never 9.18273645501e+11.
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	case int, int64:
		if stringFields[key] {
			return fmt.Sprint(x)
		}
	}
	return v
}

// setPath stores v at the nested path in m, merging objects.
func setPath(m map[string]any, path []string, v any) error {
	for i, p := range path {
		if p == "" {
			return fmt.Errorf("form field %q has an empty path segment", strings.Join(path, "."))
		}
		if i == len(path)-1 {
			if old, ok := m[p].(map[string]any); ok {
				if nv, ok := v.(map[string]any); ok {
					for k, e := range nv {
						if _, set := old[k]; !set {
							old[k] = e
						}
					}
					return nil
				}
			}
			// Copy, so that merging dotted keys never writes into the
			// caller's maps.
			m[p] = deepCopy(v)
			return nil
		}
		next, ok := m[p].(map[string]any)
		if !ok {
			if _, taken := m[p]; taken {
				return fmt.Errorf("form field %q is both a value and an object", strings.Join(path[:i+1], "."))
			}
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	return nil
}

// deepCopy copies nested objects and arrays of a decoded JSON value.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		cp := make(map[string]any, len(x))
		for k, e := range x {
			cp[k] = deepCopy(e)
		}
		return cp
	case []any:
		cp := make([]any, len(x))
		for i, e := range x {
			cp[i] = deepCopy(e)
		}
		return cp
	}
	return v
}

// formMethod returns the body's "method" as a string.
func formMethod(body map[string]any) string {
	m, _ := body["method"].(string)
	return m
}

// formSecrets returns the secret values of a form body plus extra ones,
// for fail to scrub from error texts.
func formSecrets(body map[string]any, extra ...string) []string {
	out := append([]string(nil), extra...)
	for _, k := range secretFields {
		if s, ok := body[k].(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// decodeUnion fills union (a client-go oneOf body such as
// *ory.UpdateSettingsFlowBody) from a normalised form and reports whether
// a variant was chosen. Errors name the method but never a value.
func decodeUnion(kind string, form map[string]any, union interface {
	json.Unmarshaler
	GetActualInstance() any
}) *adapters.Error {
	method := formMethod(form)
	if method == "" {
		return &adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("kratos: the %s form has no method", kind)}
	}
	b, err := json.Marshal(form)
	if err != nil {
		return &adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("kratos: cannot encode the %s form (method %q): %s", kind, method, jsonProblem(err))}
	}
	if err := union.UnmarshalJSON(b); err != nil {
		return &adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("kratos: the %s form for method %q does not fit the API: %s",
				kind, method, unionProblem(err))}
	}
	if union.GetActualInstance() == nil {
		return &adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("kratos: the %s form has an unknown method %q", kind, method)}
	}
	return nil
}

// unionProblem keeps the part of a client-go decoding error that names a
// field, dropping anything that could quote a value.
func unionProblem(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "no value given for required property"); i >= 0 {
		return msg[i:]
	}
	if i := strings.Index(msg, "cannot unmarshal"); i >= 0 {
		return "a field has the wrong type (" + msg[i:] + ")"
	}
	return "the form does not match the method's schema"
}

// continuePolicy says whether a submission may be repeated on the
// replacement flow Kratos made for an expired one.
type continuePolicy func(form map[string]any) bool

// submitForm posts to flowID and, on 410 self_service_flow_expired with a
// replacement id, posts the same body once more to the replacement when
// mayContinue allows it. Otherwise the 410 is returned as ClassFlowExpired
// with UseFlowID, so that the caller shows the replacement flow.
func (c *Client) submitForm(ctx context.Context, flowID string, form map[string]any, mayContinue continuePolicy,
	send func(ctx context.Context, flowID string) (*http.Response, error)) (*exchange, *adapters.Error) {
	if flowID == "" {
		return nil, &adapters.Error{Class: adapters.ClassInternal,
			Message: "kratos: cannot submit a form without a flow id"}
	}
	if mayContinue != nil && mayContinue(form) {
		return c.submit(ctx, flowID, send)
	}
	return c.submitOnce(ctx, flowID, send)
}

// decodeFlowAnswer decodes a 2xx flow answer.
func (c *Client) decodeFlowAnswer(x *exchange, secrets []string) (*adapters.Flow, error) {
	f, aerr := c.decodeFlow(x)
	if aerr != nil {
		return nil, fail(aerr, secrets...)
	}
	return f, nil
}

// getFlow fetches a flow with a GET that names its id.
func (c *Client) getFlow(ctx context.Context, token string, send sendFunc) (*adapters.Flow, error) {
	x, aerr := c.call(ctx, send)
	if aerr == nil && (x.status < 200 || x.status >= 300) {
		aerr = c.errorFrom(opSubmit, x)
	}
	if aerr != nil {
		return nil, fail(aerr, token)
	}
	return c.decodeFlowAnswer(x, []string{token})
}

// continueItem returns the first continue_with item of the given action.
func continueItem(items []map[string]any, action string) map[string]any {
	for _, it := range items {
		if a, _ := it["action"].(string); a == action {
			return it
		}
	}
	return nil
}

// continueFlowID returns flow.id of a continue_with item.
func continueFlowID(item map[string]any) string {
	if item == nil {
		return ""
	}
	f, _ := item["flow"].(map[string]any)
	id, _ := f["id"].(string)
	return id
}
