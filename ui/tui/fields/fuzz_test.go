package fields_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// FuzzBuild builds forms from arbitrary flows (seeded with the flows
// captured from Kratos): Build, Inputs and Intent must not panic, and the
// intent must carry the flow id and the values typed.
func FuzzBuild(f *testing.F) {
	for _, name := range []string{"login_flow_created_200.json", "registration_flow_created_200.json",
		"login_wrong_password_400.json", "registration_duplicate_email_400.json", "registration_short_password_400.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "fixtures", "kratos", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, name[0] == 'l')
	}
	f.Add([]byte(`{"id":"x","ui":{"nodes":null}}`), true)
	f.Add([]byte(`{"id":"x","ui":{"nodes":[{"type":"input","attributes":{"name":"traits.name.first","type":"text","value":{"a":1}}}]}}`), false)
	f.Fuzz(func(t *testing.T, b []byte, login bool) {
		var flow struct {
			ID string `json:"id"`
			events.Form
		}
		if err := json.Unmarshal(b, &flow); err != nil {
			return
		}
		if flow.FlowID == "" {
			flow.FlowID = flow.ID
		}
		form := fields.Build(flow.Form, login)
		values := map[string]string{}
		for _, in := range form.Inputs() {
			values[in.Name] = "v-" + in.Name
		}
		intent := form.Intent(values)
		switch ev := intent.(type) {
		case events.SignInSubmitted:
			if !login || ev.FlowID != form.FlowID || ev.Identifier != values["identifier"] {
				t.Fatalf("sign-in intent %+v from %+v", ev, values)
			}
		case events.SignUpSubmitted:
			if login || ev.FlowID != form.FlowID || ev.Email != values["traits.email"] {
				t.Fatalf("sign-up intent %+v from %+v", ev, values)
			}
		default:
			t.Fatalf("intent %T", intent)
		}
	})
}
