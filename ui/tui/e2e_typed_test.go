package tui_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TestEndToEndTypedTraits signs up through the TUI against a Kratos whose
// identity schema has boolean, integer, number, enum and nested traits: a
// checkbox is sent as true, numbers as numbers; a sign-up Kratos refuses
// keeps every value; a profile change keeps every type (issue 11, item 1).
func TestEndToEndTypedTraits(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{IdentitySchema: "identity.typed.schema.json"})
	h := startApp(t, srv.PublicURL)
	email := fmt.Sprintf("tui-typed-%d@example.com", time.Now().UnixNano())

	h.waitFor("the sign-in form", signInForm)
	h.key(tcell.KeyF2)
	h.waitFor("the sign-up form", has("Sign up with ORY", "Newsletter", "Age", "Height (m)", "Street", "City"))
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyTab)
	h.press(' ') // Newsletter
	h.key(tcell.KeyTab)
	h.typeText("-1") // Age: refused, the minimum is 0
	h.key(tcell.KeyTab)
	h.typeText("1.85")
	h.key(tcell.KeyTab)
	// Plan: the schema's enum, a drop-down of its values (Kratos's node
	// is a bare text input); "p" picks "pro", Enter closes the list.
	// The key's frame may follow another one (a key that draws twice):
	// wait for the choices rather than take the next frame.
	h.press('p')
	h.waitFor("the plan's choices", has("free", "pro", "team"))
	h.key(tcell.KeyEnter)
	h.key(tcell.KeyTab)
	h.typeText("x, y") // Tags: Kratos shows an array trait as text
	h.key(tcell.KeyTab)
	h.typeText("Unter den Linden 1")
	h.key(tcell.KeyTab)
	h.typeText("Berlin")
	h.key(tcell.KeyEnter)
	// The schema says the tags are an array: they go as one at once.
	frame := h.waitFor("the refusal", has("must be >= 0"))
	if strings.Contains(frame, "expected array") {
		t.Fatalf("the tags went as text:\n%s", frame)
	}
	for _, want := range []string{email[:30], "Newsletter X", "1.85", "pro", "Unter den Linden 1", "Berlin"} {
		if !strings.Contains(frame, want) {
			t.Fatalf("the refused sign-up lost %q:\n%s", want, frame)
		}
	}
	// The focus is on the age; the password is typed again.
	h.key(tcell.KeyUp)
	h.key(tcell.KeyUp)
	h.typeText(password)
	h.key(tcell.KeyDown)
	h.key(tcell.KeyDown)
	h.key(tcell.KeyCtrlU)
	h.typeText("42.0") // an integer trait: sent as 42 (Kratos refuses 42.0)
	h.key(tcell.KeyEnter)
	h.waitFor("the session", has("Session information", email))

	traits, err := srv.IdentityTraits(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"email": email, "newsletter": true, "age": float64(42), "height": 1.85, "plan": "pro", "tags": []any{"x", "y"},
		"address": map[string]any{"street": "Unter den Linden 1", "city": "Berlin"}}
	if !reflect.DeepEqual(traits, want) {
		t.Fatalf("Kratos stored %#v, want %#v", traits, want)
	}

	// The profile: untick the newsletter, age 43.
	h.press('g')
	h.waitFor("the profile", has("Settings", "Newsletter", "42"))
	h.key(tcell.KeyTab) // the tabs -> e-mail
	h.key(tcell.KeyTab) // e-mail -> newsletter
	h.press(' ')
	h.key(tcell.KeyTab)
	h.key(tcell.KeyCtrlU)
	h.typeText("43")
	h.key(tcell.KeyEnter)
	h.waitFor("the saved profile", has("Your changes have been saved."))
	traits, err = srv.IdentityTraits(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	want["newsletter"], want["age"] = false, float64(43)
	if !reflect.DeepEqual(traits, want) {
		t.Fatalf("after the profile change Kratos stored %#v, want %#v", traits, want)
	}
}
