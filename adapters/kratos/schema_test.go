package kratos_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TestTraitTypesFromTheRealKratos: the types come from the identity schema
// the real Kratos serves at GET /schemas: integer and number told apart,
// an enum's values, nested traits by dotted name (issue 11).
func TestTraitTypesFromTheRealKratos(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.typed.schema.json"})
	c, err := kratos.New(srv.PublicURL, kratos.Options{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.TraitTypes(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]adapters.TraitType{
		"traits.email":          {Type: "string"},
		"traits.newsletter":     {Type: "boolean"},
		"traits.age":            {Type: "integer"},
		"traits.height":         {Type: "number"},
		"traits.plan":           {Type: "string", Enum: []any{"free", "pro", "team"}},
		"traits.tags":           {Type: "array"},
		"traits.address.street": {Type: "string"},
		"traits.address.city":   {Type: "string"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("trait types:\n got %v\nwant %v", got, want)
	}
	if _, err := c.TraitTypes(context.Background(), "no-such-schema"); err != nil {
		t.Fatalf("an unknown id falls back to the default schema: %v", err)
	}
}
