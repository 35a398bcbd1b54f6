package fastjson_test

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/fastjson"
)

// FuzzSameAsEncodingJSON decodes the same bytes with encoding/json and
// fastjson into the types the client decodes this way (a Kratos flow, a
// form shown, a signed-in state, any JSON) and requires the same value or
// the same error, text included.
func FuzzSameAsEncodingJSON(f *testing.F) {
	if b, err := os.ReadFile("../../testdata/flows/sign_out.jsonl"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		`{"id":"x","ui":{"nodes":[{"type":"input","attributes":{"name":"a","value":1}}]}}`,
		"{\"id\":\"x\",\"ui\":{\"nodes\":[{\"type\":\"input\",\"attributes\":{\"name\":\"a\",\"value\":\"\xff\"}}]}}",
		`{"ID":"x","Ui":{}}`,
		`{"id":"x","id":"y"}`,
		`{"id":12}`,
		`{"id":"x"`,
		`{"id":"x"} {"id":"y"}`,
		`{"flow_id":"f","ui":{"action":"a","method":"POST","nodes":[{"type":"input","group":"default","attributes":{"node_type":"input","name":"csrf_token","type":"hidden","value":"","required":true},"messages":[],"meta":{"label":{"id":1070002,"text":"E-Mail","type":"info","context":{"title":"E-Mail"}}}}]},"expires_at":"2026-11-29T21:24:56.098896336Z","field_errors":{"a":[{"id":1,"text":"t","type":"error"}]}}`,
		`{"identity_id":"i","session_id":"s","expires_at":"not a time"}`,
		`[1e400]`,
		`"\ud800"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(name string, std, fast any) {
			errStd := json.Unmarshal(data, std)
			errFast := fastjson.Unmarshal(data, fast)
			if (errStd == nil) != (errFast == nil) || errStd != nil && errStd.Error() != errFast.Error() {
				t.Fatalf("%s %q: encoding/json says %v, fastjson %v", name, data, errStd, errFast)
			}
			if errStd == nil && !reflect.DeepEqual(std, fast) {
				t.Fatalf("%s %q: encoding/json decodes %+v, fastjson %+v", name, data, std, fast)
			}
		}
		check("flow", &adapters.Flow{}, &adapters.Flow{})
		check("form", &events.LoginFormShown{}, &events.LoginFormShown{})
		check("signed in", &events.SignedIn{}, &events.SignedIn{})
		check("settings form", &events.SettingsFormShown{}, &events.SettingsFormShown{})
		check("sessions", &events.SessionsListShown{}, &events.SessionsListShown{})
		check("settings submitted", &events.SettingsSubmitted{}, &events.SettingsSubmitted{})
		check("session", &adapters.Session{}, &adapters.Session{})
		check("any", new(any), new(any))
	})
}

// TestErrorsAreEncodingJSONs: a refused document gets encoding/json's
// error, of its type, with its offset and without the input.
func TestErrorsAreEncodingJSONs(t *testing.T) {
	data := []byte(`{"id":"x"} {"password":"hunter2-secret"}`)
	var v adapters.Flow
	err := fastjson.Unmarshal(data, &v)
	var syn *json.SyntaxError
	if !errorsAs(err, &syn) || syn.Offset != int64(len(`{"id":"x"} {`)) {
		t.Fatalf("error %v (%T), want encoding/json's *json.SyntaxError at offset 12", err, err)
	}
	if want := json.Unmarshal(data, &adapters.Flow{}).Error(); err.Error() != want {
		t.Fatalf("error text %q, want encoding/json's %q", err, want)
	}
}

func errorsAs(err error, target **json.SyntaxError) bool {
	s, ok := err.(*json.SyntaxError)
	*target = s
	return ok
}

// FuzzValidSameAsEncodingJSON: Valid agrees with encoding/json's.
func FuzzValidSameAsEncodingJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `[1,2`, "\"\xff\"", `"\ud800"`, ` 1 `, `1 2`, `{"a":1,}`, `nul`, `-0`, `01`, `1e400`, "{\"a\"\x00:1}", `"\u00"`, ``} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("../../testdata/flows/sign_out.jsonl"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := fastjson.Valid(data), json.Valid(data); got != want {
			t.Fatalf("Valid(%q) = %v, encoding/json says %v", data, got, want)
		}
	})
}
