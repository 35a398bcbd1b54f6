package jsonui_test

import (
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/jsonui"
)

// TestParseIntentRefusesUnknownFields: a key the intent does not have (a
// typo) is an error naming it and the intent's fields, never an intent
// sent without that value; known fields still parse.
func TestParseIntentRefusesUnknownFields(t *testing.T) {
	_, err := jsonui.ParseIntent([]byte(`{"type":"SignInSubmitted","data":{"identifier":"a@example.org","pasword":"correct horse"}}`))
	if err == nil || !strings.Contains(err.Error(), `"pasword"`) || !strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "correct horse") {
		t.Fatalf("a misspelt field: %v", err)
	}
	ev, err := jsonui.ParseIntent([]byte(`{"type":"SignInSubmitted","data":{"identifier":"a@example.org","password":"correct horse"}}`))
	if in, ok := ev.(events.SignInSubmitted); err != nil || !ok || in.Password != "correct horse" {
		t.Fatalf("a good intent: %#v %v", ev, err)
	}
	if _, err := jsonui.ParseIntent([]byte(`{"type":"LoginFlowRequested","data":{"flow":"x"}}`)); err == nil {
		t.Fatal("data on an intent that takes none was accepted")
	}
	// One level up: "dat" for "data", a password beside the type.
	for _, l := range []string{
		`{"type":"SignInSubmitted","dat":{"identifier":"a@example.org","password":"correct horse"}}`,
		`{"type":"SignInSubmitted","password":"correct horse"}`,
	} {
		if _, err := jsonui.ParseIntent([]byte(l)); err == nil || strings.Contains(err.Error(), "correct horse") {
			t.Errorf("%s: %v", l, err)
		}
	}
}
