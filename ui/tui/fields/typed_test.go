package fields_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

func input(group, name, typ string, value any) adapters.Node {
	return adapters.Node{Type: "input", Group: group, Attributes: adapters.NodeAttributes{Name: name, Type: typ, Value: value}}
}

// typedForm is a form as Kratos renders identity.typed.schema.json.
func typedForm(group string) events.Form {
	return events.Form{FlowID: "f-1", UI: adapters.UI{Nodes: []adapters.Node{
		input("default", "csrf_token", "hidden", ""),
		input(group, "traits.email", "email", nil),
		input(group, "traits.newsletter", "checkbox", nil),
		input(group, "traits.age", "number", nil),
		input(group, "traits.height", "number", nil),
		input(group, "traits.plan", "text", nil),
		input(group, "traits.address.street", "text", nil),
		input(group, "traits.tier", "hidden", 3),
		input("password", "password", "password", nil),
		input(group, "method", "submit", group),
	}}}
}

// TestIntentsCarryTypedValues: what is typed becomes the JSON value its
// node gives: a checkbox true/false, a number input a number (an integer
// stays one; what is not a number goes as typed, for Kratos to refuse on
// the field), hidden traits as they came, e-mails trimmed; an empty
// optional number is left out (issue 11, items 1 and 2).
func TestIntentsCarryTypedValues(t *testing.T) {
	typed := map[string]string{
		"traits.email": " ada@example.com ", "traits.newsletter": "true", "traits.age": "42",
		"traits.height": "1.85", "traits.plan": "pro", "traits.address.street": "Main 1", "password": "pw",
	}
	up := fields.Build(typedForm("password"), false).Intent(typed).(events.SignUpSubmitted)
	want := map[string]any{
		"newsletter": true, "age": json.Number("42"), "height": json.Number("1.85"), "plan": "pro",
		"address.street": "Main 1", "tier": 3,
	}
	if up.Email != "ada@example.com" || !reflect.DeepEqual(up.Traits, want) {
		t.Fatalf("sign-up %q %#v, want %#v", up.Email, up.Traits, want)
	}
	b, _ := json.Marshal(up.Traits)
	if string(b) != `{"address.street":"Main 1","age":42,"height":1.85,"newsletter":true,"plan":"pro","tier":3}` {
		t.Fatalf("as JSON: %s", b)
	}

	typed["traits.age"], typed["traits.height"], typed["traits.newsletter"] = "forty", "", "false"
	f := fields.BuildAll(typedForm("profile"), "Settings")
	var profile fields.Section
	for _, s := range fields.Sections(f) {
		if s.Group == "profile" {
			profile = s
		}
	}
	got := fields.SettingsIntent("f-1", profile, typed, profile.Buttons[0])
	wantValues := map[string]any{
		"traits.email": "ada@example.com", "traits.newsletter": false, "traits.age": "forty",
		"traits.plan": "pro", "traits.address.street": "Main 1", "traits.tier": 3,
	}
	if got.Method != "profile" || !reflect.DeepEqual(got.Values, wantValues) {
		t.Fatalf("settings %#v, want %#v", got.Values, wantValues)
	}
}
