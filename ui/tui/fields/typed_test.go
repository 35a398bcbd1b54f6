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

// TestArrayTraitsStayArrays: a trait whose value is an array (Kratos
// renders it as text) is sent as an array of items typed like its own.
func TestArrayTraitsStayArrays(t *testing.T) {
	form := events.Form{FlowID: "f-1", UI: adapters.UI{Nodes: []adapters.Node{
		input("profile", "traits.tags", "text", []any{"a", "b"}),
		input("profile", "traits.lucky", "text", []any{7.0}),
		input("profile", "method", "submit", "profile"),
	}}}
	sec := fields.Sections(fields.BuildAll(form, "Settings"))[0]
	if sec.Fields[0].Value != "a, b" {
		t.Fatalf("shown as %q", sec.Fields[0].Value)
	}
	got := fields.SettingsIntent("f-1", sec, map[string]string{"traits.tags": "x, y ,z", "traits.lucky": "3, 4"}, sec.Buttons[0])
	want := map[string]any{"traits.tags": []any{"x", "y", "z"}, "traits.lucky": []any{json.Number("3"), json.Number("4")}}
	if !reflect.DeepEqual(got.Values, want) {
		t.Fatalf("sent %#v, want %#v", got.Values, want)
	}
}

// TestArrayItemNodesFoldIntoTheirTrait: Kratos shows a stored array trait
// as its empty node plus one node per item ("traits.tags.0"...); they are
// one field, and submit one array.
func TestArrayItemNodesFoldIntoTheirTrait(t *testing.T) {
	form := events.Form{FlowID: "f-1", UI: adapters.UI{Nodes: []adapters.Node{
		input("profile", "traits.tags.1", "text", "b"),
		input("profile", "traits.tags", "text", nil),
		input("profile", "traits.tags.0", "text", "a"),
		input("profile", "method", "submit", "profile"),
	}}}
	sec := fields.Sections(fields.BuildAll(form, "Settings"))[0]
	if len(sec.Fields) != 1 || sec.Fields[0].Name != "traits.tags" || sec.Fields[0].Value != "a, b" {
		t.Fatalf("fields %#v", sec.Fields)
	}
	got := fields.SettingsIntent("f-1", sec, map[string]string{"traits.tags": "a, b, c"}, sec.Buttons[0])
	if want := []any{"a", "b", "c"}; !reflect.DeepEqual(got.Values["traits.tags"], want) {
		t.Fatalf("sent %#v", got.Values)
	}
}
