package events_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// samples has one filled-in value of every registered type.
func samples() []events.Event {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	form := events.Form{FlowID: "f", Email: "a@b.c", GeneralError: "g", Messages: []adapters.Message{{ID: 4000006, Text: "x", Type: "error"}},
		FieldErrors: map[string][]adapters.Message{"identifier": {{ID: 4000002, Text: "y", Type: "error"}}}}
	return []events.Event{
		events.AppStarted{}, events.LoginFlowRequested{}, events.RegistrationFlowRequested{},
		events.SignInSubmitted{FlowID: "f", Identifier: "a@b.c", Password: "pw"},
		events.SignUpSubmitted{FlowID: "f", Email: "a@b.c", Password: "pw", Traits: map[string]any{"name.first": "A"}},
		events.FieldChanged{Field: "identifier", Value: "a"}, events.SignOutRequested{}, events.RequestCancelled{},
		events.SocialSignInRequested{Provider: "github", Registration: true},
		events.SocialSignInCallbackReceived{URL: "http://127.0.0.1:4446/callback?code=c", Pasted: true},
		events.SocialSignInStarted{Provider: "github", ProviderLabel: "GitHub", URL: "https://github.com/login/oauth/authorize?x=1",
			ReturnTo: "http://127.0.0.1:4446/callback", FlowID: "f", Error: "e"},
		events.SessionCheckStarted{Message: "m"}, events.SessionCheckFailed{Message: "m", Error: &adapters.Error{Class: adapters.ClassUnavailable, Message: "down"}},
		events.SignedOut{Reason: events.ReasonSignedOut, Message: "bye"}, events.RequestStarted{Operation: "sign_in"},
		events.LoginFormShown{Form: form}, events.RegistrationFormShown{Form: form},
		events.SignedIn{IdentityID: "i", Email: "a@b.c", Token: "ory_st_x", ExpiresAt: &now, AAL: "aal1"},
		events.IntentRejected{Intent: "SignOutRequested", State: "login", Reason: "r"},
		events.TransitionMade{From: "a", Event: "e", To: "b"},
		events.AdapterCalled{Operation: "op", Request: json.RawMessage(`{"a":1}`)},
		events.AdapterReturned{Operation: "op", Result: json.RawMessage(`{"b":2}`), LatencyMS: 1.5},
		events.SettingsRequested{}, events.SettingsSubmitted{Method: "password", Values: map[string]any{"password": "pw"}},
		events.SecondFactorSubmitted{Method: "totp", Code: "123456"}, events.ReauthenticationSubmitted{Password: "pw"},
		events.SessionRefreshRequested{}, events.RecoveryRequested{}, events.RecoverySubmitted{Email: "a@b.c"},
		events.VerificationRequested{}, events.VerificationSubmitted{Code: "123456"}, events.SessionsRequested{},
		events.SessionRevocationRequested{SessionID: "s"}, events.OtherSessionsRevocationRequested{}, events.HomeRequested{},
		events.SettingsFormShown{Form: form}, events.SecondFactorFormShown{Form: form}, events.ReauthenticationFormShown{Form: form},
		events.RecoveryFormShown{Form: form}, events.VerificationFormShown{Form: form},
		events.SessionsListShown{Sessions: []events.SessionSummary{{ID: "s", Current: true, ExpiresAt: &now}}},
	}
}

func TestEveryTypeRoundTrips(t *testing.T) {
	covered := map[string]bool{}
	for i, ev := range samples() {
		env := events.Envelope{Seq: uint64(i + 1), ID: "id", Time: time.Unix(0, 0).UTC(), CorrelationID: "c", CausationID: "k", FlowID: "f", Event: ev}
		b, err := events.Marshal(env)
		if err != nil {
			t.Fatalf("%s: %v", ev.EventType(), err)
		}
		back, err := events.Unmarshal(b)
		if err != nil {
			t.Fatalf("%s: %v", ev.EventType(), err)
		}
		if !reflect.DeepEqual(back.Event, ev) {
			t.Errorf("%s: got %#v, want %#v", ev.EventType(), back.Event, ev)
		}
		if back.Seq != env.Seq || back.Kind != ev.EventKind() || back.CorrelationID != "c" || back.CausationID != "k" || back.FlowID != "f" {
			t.Errorf("%s: envelope fields lost: %+v", ev.EventType(), back)
		}
		covered[ev.EventType()] = true
	}
	for _, name := range events.Types() {
		if !covered[name] {
			t.Errorf("registered type %s has no round-trip sample", name)
		}
	}
}

func TestUnmarshalRejectsBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"not json":     `{"seq":1,`,
		"no type":      `{"seq":1,"data":{}}`,
		"unknown type": `{"seq":1,"type":"NoSuchEvent","data":{}}`,
		"wrong kind":   `{"seq":1,"type":"SignedIn","kind":"intent","data":{}}`,
		"bad data":     `{"seq":1,"type":"SignedIn","data":{"email":42}}`,
	} {
		if _, err := events.Unmarshal([]byte(in)); err == nil {
			t.Errorf("%s: accepted %s", name, in)
		}
	}
	// Unknown fields are ignored.
	env, err := events.Unmarshal([]byte(`{"seq":3,"type":"RequestStarted","future":true,"data":{"operation":"x","later":1}}`))
	if err != nil || env.Event.(events.RequestStarted).Operation != "x" {
		t.Fatalf("unknown fields not ignored: %v %+v", err, env)
	}
}

func TestRedactLeavesNoSecret(t *testing.T) {
	const canary = "canary-secret-7f3a9"
	mark := func(string) string { return "«x»" }
	evs := []events.Event{
		events.SignInSubmitted{Identifier: "a", Password: canary},
		events.SignUpSubmitted{Email: "a", Password: canary},
		events.FieldChanged{Field: "password", Value: canary},
		events.SignedIn{Token: canary},
		events.SettingsSubmitted{Method: "password", Values: map[string]any{"password": canary}},
		events.SecondFactorSubmitted{Code: canary}, events.ReauthenticationSubmitted{Password: canary},
		events.RecoverySubmitted{Code: canary}, events.VerificationSubmitted{Code: canary},
		events.SettingsFormShown{Form: events.Form{UI: adapters.UI{Nodes: []adapters.Node{
			{Type: "text", Attributes: adapters.NodeAttributes{ID: "totp_secret_key", Text: &adapters.Message{Text: canary, Context: map[string]any{"secret": canary}}}},
			{Type: "img", Attributes: adapters.NodeAttributes{ID: "totp_qr", Src: "data:image/png;base64," + canary}},
			{Type: "text", Attributes: adapters.NodeAttributes{ID: "lookup_secret_codes", Text: &adapters.Message{Text: canary}}},
		}}}},
		events.AdapterCalled{Request: json.RawMessage(`{"flow_id":"f","password":"` + canary + `","token":"` + canary + `"}`)},
		events.AdapterReturned{Operation: "tokens.load", Result: json.RawMessage(`"` + canary + `"`)},
		events.AdapterReturned{Result: json.RawMessage(`{"token":"` + canary + `","continue_with":[{"action":"set_ory_session_token","ory_session_token":"` + canary + `"}]}`),
			HTTP: []events.HTTPExchange{{Headers: map[string][]string{"X-Session-Token": {canary}}, Request: json.RawMessage(`{"session_token":"` + canary + `"}`),
				Response: json.RawMessage(`{"ui":{"nodes":[{"attributes":{"name":"password","value":"` + canary + `"}}]}}`)}}},
	}
	for _, ev := range evs {
		red := events.Redact(ev, mark)
		b, _ := json.Marshal(red)
		if strings.Contains(string(b), canary) {
			t.Errorf("%s: secret survived redaction: %s", ev.EventType(), b)
		}
		orig, _ := json.Marshal(ev)
		if !strings.Contains(string(orig), canary) {
			t.Errorf("%s: redaction changed the original", ev.EventType())
		}
	}
	// A non-secret field is kept.
	if got := events.Redact(events.FieldChanged{Field: "identifier", Value: "a@b.c"}, mark).(events.FieldChanged); got.Value != "a@b.c" {
		t.Errorf("identifier value redacted: %+v", got)
	}
}

func TestMask(t *testing.T) {
	if got := events.Mask("ory_st_" + "abcdefghijklmnopqrstuvwxyz"); strings.Contains(got, "abcdefgh") || !strings.HasSuffix(got, "wxyz") {
		t.Errorf("Mask = %q", got)
	}
	if got := events.Mask("short"); strings.Contains(got, "short") {
		t.Errorf("Mask of a short secret shows it: %q", got)
	}
}

// TestRedactedSecretNodesStillDecode checks that a settings form keeps its
// shape through redaction: the TOTP secret, QR code and codes are gone, the
// nodes keep their ids and numeric message ids, and redacting again changes
// nothing (replay redacts recorded results a second time).
func TestRedactedSecretNodesStillDecode(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	raw := []byte(`{"id":"f","state":"show_form","ui":{"action":"http://x/","method":"POST","nodes":[` +
		`{"type":"img","group":"totp","attributes":{"id":"totp_qr","node_type":"img","src":"data:image/png;base64,` + secret + `","width":256,"height":256},"messages":[],"meta":{}},` +
		`{"type":"text","group":"totp","attributes":{"id":"totp_secret_key","node_type":"text","text":{"id":1050006,"text":"` + secret + `","type":"info","context":{"secret":"` + secret + `"}}},"messages":[],"meta":{}},` +
		`{"type":"input","group":"totp","attributes":{"name":"totp_code","type":"text","value":"123456","node_type":"input"},"messages":[],"meta":{}}]}}`)
	n := 0
	placeholder := func(string) string { n++; return "«secret»" }
	red := events.RedactJSON(raw, placeholder)
	if strings.Contains(string(red), secret) || strings.Contains(string(red), "123456") {
		t.Fatalf("a secret survived: %s", red)
	}
	var f adapters.Flow
	if err := json.Unmarshal(red, &f); err != nil || len(f.UI.Nodes) != 3 {
		t.Fatalf("redacted form does not decode: %v", err)
	}
	if f.UI.Nodes[0].Attributes.ID != "totp_qr" || f.UI.Nodes[1].Attributes.ID != "totp_secret_key" ||
		f.UI.Nodes[1].Attributes.Text == nil || f.UI.Nodes[1].Attributes.Text.ID != 1050006 {
		t.Fatalf("labels lost: %+v", f.UI.Nodes)
	}
	again := events.RedactJSON(append(json.RawMessage(nil), red...), func(s string) string { return s })
	if string(again) != string(red) {
		t.Fatalf("second redaction changed the form:\n%s\n%s", red, again)
	}
}

// TestAppendMarshalSameBytes: the direct envelope encoder writes exactly
// what encoding the event, then the envelope around it, wrote.
func TestAppendMarshalSameBytes(t *testing.T) {
	type wire struct {
		Seq           uint64          `json:"seq"`
		ID            string          `json:"id"`
		Kind          events.Kind     `json:"kind"`
		Type          string          `json:"type"`
		Time          time.Time       `json:"time"`
		CorrelationID string          `json:"correlation_id,omitempty"`
		CausationID   string          `json:"causation_id,omitempty"`
		FlowID        string          `json:"flow_id,omitempty"`
		Data          json.RawMessage `json:"data"`
	}
	evs := samples()
	// Trace events as the hand encoder meets them: raw fields compact or
	// not, HTML to escape, odd floats, headers, errors with a flow.
	evs = append(evs,
		events.AdapterCalled{Operation: "op<&>", Request: json.RawMessage(`{"a": 1}`)},
		events.AdapterCalled{Operation: "op", Request: json.RawMessage(`{"u":"a&b"}`)},
		events.AdapterCalled{Operation: "op", Request: json.RawMessage(`{"u":"a>b"}`)},
		events.AdapterCalled{Operation: "op", Request: json.RawMessage("{\"u\":\"a\u2029b\"}")},
		events.AdapterCalled{Operation: "op", Request: json.RawMessage(`{"a":"<b>&\u2028","c":[1,-2.5e+3,true,null,{}],"d":"\u00e9\/"}`)},
		events.AdapterCalled{Operation: "op", Request: json.RawMessage("\"\u2028 \xff\"")},
		events.AdapterReturned{Operation: "op", Result: json.RawMessage(`null`), LatencyMS: 1e-7},
		events.AdapterReturned{Operation: "op", Result: json.RawMessage(`[01]`), LatencyMS: 2},
		events.AdapterReturned{Operation: "op", LatencyMS: 1e21, Error: &adapters.Error{Class: adapters.ClassValidation, Status: 400, Message: "m<", Flow: &adapters.Flow{ID: "f"}}},
		events.AdapterReturned{Operation: "op", LatencyMS: 123.456789, HTTP: []events.HTTPExchange{
			{Method: "POST", URL: "/a?b=c&d", Status: 200, LatencyMS: 0.000001, Request: json.RawMessage(`{"x":"y"}`), Response: json.RawMessage("{\n\"z\": 1}"),
				Headers: map[string][]string{"B": {"1", "2"}, "A": nil, "C": {}}, ResponseHeaders: map[string][]string{}, RequestText: true, ResponseCut: true},
			{Method: "GET", URL: "/", Error: "refused", ErrorCause: "connection_refused", ResponseText: true, Response: json.RawMessage(`"text"`)},
		}},
	)
	evs = append(evs, corpusEvents(t)...)
	ids := []string{"", "id", `a"b<c>&d\e`, "é\u2028\x01", "ev-000001", "a<b", "a&b", "a>b", "\x7f"}
	for i, ev := range evs {
		id := ids[i%len(ids)]
		env := events.Envelope{Seq: uint64(i*7919 + 1), ID: id, Time: time.Date(2026, 1, 2, 3, 4, 5, i*1000, time.FixedZone("x", 3600*(i%3))),
			CorrelationID: ids[(i+1)%len(ids)], CausationID: ids[(i+2)%len(ids)], FlowID: ids[(i+3)%len(ids)], Event: ev}
		data, err := json.Marshal(ev)
		if err != nil {
			if _, err2 := events.AppendMarshal(nil, env); err2 == nil {
				t.Fatalf("%s: json.Marshal fails (%v), AppendMarshal does not", ev.EventType(), err)
			}
			continue
		}
		want, err := json.Marshal(wire{env.Seq, env.ID, ev.EventKind(), ev.EventType(), env.Time, env.CorrelationID, env.CausationID, env.FlowID, data})
		if err != nil {
			t.Fatal(err)
		}
		got, err := events.AppendMarshal([]byte("prefix"), env)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "prefix"+string(want) {
			t.Errorf("%s:\n got %s\nwant prefix%s", ev.EventType(), got, want)
		}
	}
}

// corpusEvents returns the events of every recorded flow in testdata.
func corpusEvents(t *testing.T) []events.Event {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "flows", "*.jsonl"))
	var out []events.Event
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			if env, err := events.Unmarshal(l); err == nil {
				out = append(out, env.Event)
			}
		}
	}
	if len(out) < 300 {
		t.Fatalf("only %d corpus events", len(out))
	}
	return out
}

// TestAppendMarshalRefusesWhatJSONRefuses: a time encoding/json cannot
// write (a year past 9999) fails the record, as it did.
func TestAppendMarshalRefusesWhatJSONRefuses(t *testing.T) {
	env := events.Envelope{Seq: 1, ID: "a", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Event: events.AppStarted{}}
	if _, err := json.Marshal(env.Time); err == nil {
		t.Fatal("encoding/json now writes a year past 9999")
	}
	if out, err := events.AppendMarshal([]byte("x"), env); err == nil || string(out) != "x" {
		t.Fatalf("AppendMarshal wrote %q, err %v", out, err)
	}
}
