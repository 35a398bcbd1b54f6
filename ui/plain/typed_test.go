package plain_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TestPlainTypedTraitsFromTheSchema: against a Kratos whose identity
// schema has an enum and an integer, the plain UI offers the enum's values
// and asks again for one that is not among them; an integer typed 42.0
// goes as 42 (issue 11: the schema, read from Kratos, tells what the
// nodes do not).
func TestPlainTypedTraitsFromTheSchema(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.typed.schema.json"})
	s := start(t, srv.PublicURL)
	email := uniqueEmail(t)
	s.await("E-Mail")
	s.send("signup")
	s.await("Sign up")
	s.send(email, password, "y", "42.0", "1.85")
	s.await("Plan (free/pro/team)")
	s.send("gold")
	s.await("Choose one of: free, pro, team.")
	s.send("pro", "x, y", "Unter den Linden 1", "Berlin")
	s.await("Session information")
	// In settings too, a plan that is not a choice is asked again.
	s.send("settings")
	s.await("Command (profile")
	s.send("profile", "", "", "", "")
	s.await("Plan (free/pro/team) [pro]:")
	s.send("platinum")
	s.await("Choose one of: free, pro, team.")
	s.send("team", "", "", "")
	s.await("Your changes have been saved")
	traits, err := srv.IdentityTraits(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"email": email, "newsletter": true, "age": float64(42), "height": 1.85, "plan": "team", "tags": []any{"x", "y"},
		"address": map[string]any{"street": "Unter den Linden 1", "city": "Berlin"}}
	if !reflect.DeepEqual(traits, want) {
		t.Fatalf("Kratos stored %#v, want %#v", traits, want)
	}
}
