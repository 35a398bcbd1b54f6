package events_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// flowLines returns every line of the recorded flows in testdata/flows.
func flowLines(f *testing.F) [][]byte {
	f.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "flows", "*.jsonl"))
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			out = append(out, append([]byte(nil), sc.Bytes()...))
		}
	}
	return out
}

// FuzzUnmarshal feeds arbitrary bytes to the envelope decoder: it must not
// panic, and what it accepts must survive a Marshal/Unmarshal round trip
// with the same type, kind and seq.
func FuzzUnmarshal(f *testing.F) {
	for _, l := range flowLines(f) {
		f.Add(l)
	}
	f.Add([]byte(`{"seq":1,"type":"SignInSubmitted","data":null}`))
	f.Add([]byte(`{"type":"SignedIn","kind":"intent"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := events.Unmarshal(b)
		if err != nil {
			return
		}
		if env.Event == nil || env.Type != env.Event.EventType() || env.Kind != env.Event.EventKind() {
			t.Fatalf("accepted an envelope that does not name its event: %+v", env)
		}
		again, err := events.Marshal(env)
		if err != nil {
			t.Fatalf("re-marshal an accepted envelope: %v", err)
		}
		back, err := events.Unmarshal(again)
		if err != nil {
			t.Fatalf("round trip: %v\n%s", err, again)
		}
		if back.Type != env.Type || back.Seq != env.Seq || back.Kind != env.Kind {
			t.Fatalf("round trip changed the envelope: %+v -> %+v", env, back)
		}
	})
}

// redactForTest is a pure Redactor that records what it is given.
type redactForTest struct{ seen map[string]bool }

func (r *redactForTest) redact(s string) string {
	r.seen[s] = true
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("«R%08x»", h.Sum32())
}

// checkMarshalRedacted fails unless AppendMarshalRedacted writes what
// AppendMarshal writes of the event redacted by Redact, and gives the
// redactor the same secrets.
func checkMarshalRedacted(t *testing.T, env events.Envelope) {
	t.Helper()
	old := &redactForTest{seen: map[string]bool{}}
	redacted := env
	if env.Event != nil {
		redacted.Event = events.Redact(env.Event, old.redact)
	}
	want, wantErr := events.AppendMarshal([]byte("prefix"), redacted)
	fused := &redactForTest{seen: map[string]bool{}}
	got, data, err := events.AppendMarshalRedacted([]byte("prefix"), env, fused.redact)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("error %v, want %v", err, wantErr)
	}
	if err == nil && !bytes.HasSuffix(got[:data], []byte(`,"data":`)) {
		t.Fatalf("data starts at %d, after %q", data, got[:data])
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendMarshalRedacted wrote\n%s\nwant (Redact, then AppendMarshal)\n%s", got, want)
	}
	if !reflect.DeepEqual(fused.seen, old.seen) {
		t.Fatalf("the redactor was given %v, want %v", fused.seen, old.seen)
	}
}

// markRedactedCases are trace events with secrets where the meaning pass
// finds them: request and result documents, HTTP bodies (JSON, cut short,
// text), secret and Location headers (a nil list too), URLs, errors.
func markRedactedCases() []events.Envelope {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	body := json.RawMessage(`{"session_token":"ory_st_abcdefgh123","session":{"identity":{"traits":{"email":"a@b.c","password":"trait-kept"}}},` +
		`"ui":{"nodes":[{"attributes":{"name":"password","type":"password","value":"typed-secret-1"}},{"attributes":{"id":"totp_secret_key","text":{"id":1,"text":"JBSWY3DPEHPK3PXP"}}},` +
		`{"attributes":{"name":"code","type":"text","value":123456}}]},"b":"x<y","z":1, "a": [true,null,-1.5e3]}`)
	return []events.Envelope{
		{Seq: 1, ID: "i", Time: t0, Event: events.TransitionMade{From: "a", Event: "b<", To: "c"}},
		{Seq: 2, ID: "i", Time: t0, Event: events.AdapterCalled{Operation: "kratos.submit_login", Request: json.RawMessage(`{"identifier":"me@x.y","password":"hunter2-hunter2","csrf_token":""}`)}},
		{Seq: 3, ID: "i", Time: t0, Event: events.AdapterCalled{Operation: "x", Request: json.RawMessage(`"just a string {\"password\":\"p-in-text\"}"`)}},
		{Seq: 4, ID: "i", Time: t0, Event: events.AdapterCalled{Operation: "x", Request: json.RawMessage(`not json at all`)}},
		{Seq: 5, ID: "i", Time: t0, CorrelationID: "c", FlowID: "f", Event: events.AdapterReturned{Operation: "kratos.submit_login", Result: body, LatencyMS: 12.25,
			HTTP: []events.HTTPExchange{
				{Method: "POST", URL: "/self-service/login?flow=f1&code=abcdef123", Status: 200, LatencyMS: 1e-7,
					Request: json.RawMessage(`{"method":"password","password":"hunter2-hunter2"}`), Response: body,
					Headers:         map[string][]string{"Authorization": {"Bearer ory_st_abcdefgh123"}, "Accept": {"application/json"}, "Cookie": nil, "X-Nil": nil, "X-Session-Token": {""}},
					ResponseHeaders: map[string][]string{"Location": {"https://app/cb?state=st-123456&x=1", "/plain"}, "Set-Cookie": {"ory_session=abc123456"}, "Content-Type": {"application/json"}}},
				{Method: "GET", URL: "/text", Status: 502, Response: json.RawMessage(`"{\"session_token\":\"ory_st_cut-123456"`), ResponseText: true, ResponseCut: true,
					Error: `Get "http://h/x?init_code=ic-123456": EOF`, ErrorCause: "eof"},
				{Method: "GET", URL: "/raw", Response: json.RawMessage(`{"a": 1}`)},
			}}},
		{Seq: 6, ID: "i", Time: t0, Event: events.AdapterReturned{Operation: "tokens.load", Result: json.RawMessage(`"ory_st_abcdefgh123"`)}},
		{Seq: 7, ID: "i", Time: t0, Event: events.AdapterReturned{Operation: "kratos.whoami", Error: &adapters.Error{Class: adapters.ClassInternal, Message: `Get "http://h/?code=c-123456": refused`}}},
		{Seq: 8, ID: "i", Time: t0, Event: events.AdapterReturned{Operation: "kratos.x", Result: json.RawMessage(`{"password":"p-123456"}`), LatencyMS: math.NaN()}},
		{Seq: 9, ID: "i", Time: t0, Event: events.SignInSubmitted{Identifier: "me", Password: "hunter2-hunter2"}},
		{Seq: 10, ID: "i", Time: t0, Event: events.AdapterReturned{Operation: "kratos.x", Result: json.RawMessage(`[{"token":"t-123456"}]`), HTTP: []events.HTTPExchange{}}},
		{Seq: 11, ID: "i", Time: t0},
	}
}

// TestMarshalRedactedAsRedactThenMarshal: redacting while encoding gives
// the bytes of redacting, then encoding.
func TestMarshalRedactedAsRedactThenMarshal(t *testing.T) {
	for _, env := range markRedactedCases() {
		t.Run(fmt.Sprint(env.Seq), func(t *testing.T) { checkMarshalRedacted(t, env) })
	}
}

// FuzzMarshalRedacted: for any record the decoder accepts, redacting while
// encoding gives the bytes of redacting, then encoding.
func FuzzMarshalRedacted(f *testing.F) {
	for _, l := range flowLines(f) {
		f.Add(l)
	}
	for _, env := range markRedactedCases() {
		if b, err := events.Marshal(env); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := events.Unmarshal(b)
		if err != nil {
			return
		}
		checkMarshalRedacted(t, env)
	})
}
