package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// typedSchema is the identity schema with boolean, integer, number, enum
// and nested traits (testdata/kratos/identity.typed.schema.json).
const typedSchema = "identity.typed.schema.json"

// formUI is a form state with its nodes.
type formUI struct {
	form
	UI adapters.UI `json:"ui"`
}

// nodeValues are the values of the form's traits inputs, as decoded JSON.
func nodeValues(t *testing.T, l line) (map[string]any, map[string]string) {
	t.Helper()
	var f struct {
		UI struct {
			Nodes []struct {
				Attributes struct {
					Name  string `json:"name"`
					Type  string `json:"type"`
					Value any    `json:"value"`
				} `json:"attributes"`
			} `json:"nodes"`
		} `json:"ui"`
	}
	if err := json.Unmarshal(l.Data, &f); err != nil {
		t.Fatal(err)
	}
	values, types := map[string]any{}, map[string]string{}
	for _, n := range f.UI.Nodes {
		if n.Attributes.Name == "" {
			continue
		}
		types[n.Attributes.Name] = n.Attributes.Type
		if n.Attributes.Value != nil {
			values[n.Attributes.Name] = n.Attributes.Value
		}
	}
	return values, types
}

// TestTypedTraitsThroughJSONUI signs up, is refused and changes the
// profile with an identity schema of boolean, integer, number, enum and
// nested traits: every value reaches Kratos with its JSON type and comes
// back with it (issue 11, item 1).
func TestTypedTraitsThroughJSONUI(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: typedSchema})
	c := startClient(t, srv.PublicURL, clientOptions{})
	email := uniqueEmail(t)
	c.await("SignedOut")
	c.send("RegistrationFlowRequested", nil)
	shown := c.await("RegistrationFormShown")
	_, types := nodeValues(t, shown)
	// Kratos's nodes say "number" for both; the identity schema, read from
	// Kratos's GET /schemas, tells the integer and gives the enum's values.
	schema := decode[struct {
		TraitTypes map[string]adapters.TraitType `json:"trait_types"`
	}](t, shown).TraitTypes
	for name, want := range map[string]adapters.TraitType{
		"traits.age": {Type: "integer"}, "traits.height": {Type: "number"},
		"traits.plan": {Type: "string", Enum: []any{"free", "pro", "team"}},
	} {
		if got := schema[name]; got.Type != want.Type || fmt.Sprint(got.Enum) != fmt.Sprint(want.Enum) {
			t.Errorf("trait_types[%s] = %+v, want %+v (all: %v)", name, got, want, schema)
		}
	}
	for name, want := range map[string]string{
		"traits.newsletter": "checkbox", "traits.age": "number", "traits.height": "number",
		"traits.plan": "text", "traits.address.street": "text",
	} {
		if types[name] != want {
			t.Errorf("node %s has type %q, want %q (all: %v)", name, types[name], want, types)
		}
	}

	// A value of the wrong type goes to Kratos, whose message is on its
	// field.
	c.send("SignUpSubmitted", map[string]any{"email": email, "password": password,
		"traits": map[string]any{"newsletter": "yes", "age": 42}})
	wrong := c.await("RegistrationFormShown")
	f := decode[form](t, wrong)
	if len(f.FieldErrors["traits.newsletter"]) == 0 {
		t.Fatalf("no message on traits.newsletter for a string: %+v", f)
	}

	// Rejected by the schema (age below its minimum): every other value
	// comes back with its type.
	traits := map[string]any{
		"newsletter": true, "age": -1, "height": 1.85, "plan": "pro", "tags": []any{"a", "b"},
		"address": map[string]any{"street": "Unter den Linden 1"}, "address.city": "Berlin",
	}
	c.send("SignUpSubmitted", map[string]any{"email": " " + email + " ", "password": password, "traits": traits})
	rejected := c.await("RegistrationFormShown")
	f = decode[form](t, rejected)
	if len(f.FieldErrors["traits.age"]) == 0 {
		t.Fatalf("no message on traits.age for -1: %+v", f)
	}
	got, _ := nodeValues(t, rejected)
	want := map[string]any{
		"traits.email": email, "traits.newsletter": true, "traits.age": float64(-1), "traits.height": 1.85,
		"traits.plan": "pro", "traits.address.street": "Unter den Linden 1", "traits.address.city": "Berlin",
	}
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("rejected sign-up: %s is %#v, want %#v", k, got[k], v)
		}
	}

	traits["age"] = 42
	c.send("SignUpSubmitted", map[string]any{"email": email, "password": password, "traits": traits})
	in := decode[signedIn](t, c.await("SignedIn"))
	if in.Email != email {
		t.Fatalf("signed in as %q, want %q (trimmed)", in.Email, email)
	}

	// Kratos stored every value with its type (an array trait, which its
	// form never shows, included).
	stored, err := srv.IdentityTraits(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	wantStored := map[string]any{"email": email, "newsletter": true, "age": float64(42), "height": 1.85, "plan": "pro",
		"tags": []any{"a", "b"}, "address": map[string]any{"street": "Unter den Linden 1", "city": "Berlin"}}
	if !reflect.DeepEqual(stored, wantStored) {
		t.Fatalf("Kratos stored %#v, want %#v", stored, wantStored)
	}

	c.send("SettingsRequested", nil)
	got, _ = nodeValues(t, c.await("SettingsFormShown"))
	want["traits.age"] = float64(42)
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("after sign-up: %s is %#v, want %#v", k, got[k], v)
		}
	}

	// A profile change with typed values, dotted and nested.
	c.send("SettingsSubmitted", map[string]any{"method": "profile", "values": map[string]any{
		"traits.email": email, "traits.newsletter": false, "traits.age": 43, "traits.height": 2,
		"traits.plan": "team", "traits.tags": []any{"c"}, "traits": map[string]any{"address": map[string]any{"street": "Jungfernstieg 7", "city": "Hamburg"}},
	}})
	saved := c.await("SettingsFormShown")
	if n := decode[form](t, saved).Notice; n == "" {
		t.Fatalf("profile change not saved: %s", saved.raw)
	}
	got, _ = nodeValues(t, saved)
	for k, v := range map[string]any{
		"traits.newsletter": false, "traits.age": float64(43), "traits.height": float64(2),
		"traits.plan": "team", "traits.address.street": "Jungfernstieg 7", "traits.address.city": "Hamburg",
	} {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("after the profile change: %s is %#v, want %#v", k, got[k], v)
		}
	}
	stored, err = srv.IdentityTraits(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if tags := stored["tags"]; !reflect.DeepEqual(tags, []any{"c"}) {
		t.Fatalf("tags stored as %#v after the profile change", tags)
	}
}
