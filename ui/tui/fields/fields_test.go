package fields_test

import (
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

func TestBuildAndIntent(t *testing.T) {
	label := func(s string) adapters.NodeMeta { return adapters.NodeMeta{Label: &adapters.Message{Text: s}} }
	form := events.Form{
		FlowID:       "f1",
		GeneralError: "boom",
		Messages:     []adapters.Message{{Text: "boom", Type: "error"}, {Text: "hello", Type: "info"}},
		FieldErrors:  map[string][]adapters.Message{"password": {{Text: "too short", Type: "error"}}},
		UI: adapters.UI{Nodes: []adapters.Node{
			{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "csrf_token", Type: "hidden"}},
			{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "traits.email", Type: "email", Value: "a@b.c"}, Meta: label("E-Mail")},
			{Type: "input", Group: "password", Attributes: adapters.NodeAttributes{Name: "password", Type: "password"}, Meta: label("Password")},
			{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "traits.name.first", Type: "text"}},
			{Type: "input", Group: "oidc", Attributes: adapters.NodeAttributes{Name: "provider", Type: "submit"}},
			{Type: "input", Group: "password", Attributes: adapters.NodeAttributes{Name: "method", Type: "submit", Value: "password"}, Meta: label("Sign up")},
		}},
	}
	f := fields.Build(form, false)
	if len(f.Fields) != 3 || f.Fields[0].Label != "E-Mail" || f.Fields[0].Value != "a@b.c" || f.Fields[2].Label != "traits.name.first" {
		t.Fatalf("fields %+v", f.Fields)
	}
	if f.Fields[1].Kind != fields.KindSecret || len(f.Fields[1].Messages) != 1 {
		t.Fatalf("password %+v", f.Fields[1])
	}
	if len(f.Buttons) != 1 || f.Buttons[0].Label != "Sign up" || len(f.Errors) != 1 || len(f.Infos) != 1 {
		t.Fatalf("form %+v", f)
	}
	up := f.Intent(map[string]string{"traits.email": "a@b.c", "password": "pw", "traits.name.first": "Zoë"}).(events.SignUpSubmitted)
	if up.FlowID != "f1" || up.Email != "a@b.c" || up.Password != "pw" || up.Traits["name.first"] != "Zoë" || len(up.Traits) != 1 {
		t.Fatalf("intent %+v", up)
	}
	if c := fields.Changed("password", "secret"); c.Value != "" {
		t.Fatalf("secret value sent: %+v", c)
	}
	if fields.MaskToken("ory_st_abc") != "ory_st_••••••••••••" {
		t.Fatal(fields.MaskToken("ory_st_abc"))
	}
}
