package flowlog

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
)

// benchEnvelope is a typical sign-in answer record: a result, one HTTP
// exchange with a ~6 KiB flow body.
func benchEnvelope() events.Envelope {
	nodes := make([]string, 0, 40)
	for i := range 40 {
		nodes = append(nodes, fmt.Sprintf(`{"type":"input","group":"password","attributes":{"name":"traits.field_%d","type":"text","value":"value %d of a form"},"messages":[],"meta":{"label":{"id":1070002,"text":"Field %d","type":"info"}}}`, i, i, i))
	}
	body := `{"session_token":"ory_st_` + `BenchTokenValue0123456789abcdef","session":{"id":"s1","identity":{"traits":{"email":"bench@example.com"}}},"ui":{"nodes":[` + strings.Join(nodes, ",") + `]}}`
	return events.Envelope{Seq: 7, ID: "ev-7", Time: time.Unix(1700000000, 0).UTC(), Event: events.AdapterReturned{
		Operation: "kratos.submit_login", LatencyMS: 12.5, Result: json.RawMessage(`{"token":"ory_st_` + `BenchTokenValue0123456789abcdef","email":"bench@example.com"}`),
		HTTP: []events.HTTPExchange{{Method: "POST", URL: "/self-service/login?flow=f1", Status: 200, Response: json.RawMessage(body),
			Request: json.RawMessage(`{"method":"password","identifier":"bench@example.com","password":"Bench-Password-1"}`)}},
	}}
}

// BenchmarkRecordRedacted is what the writer does per record: redaction
// by meaning and by value (12 registered secrets) and encoding.
func BenchmarkRecordRedacted(b *testing.B) {
	s := events.NewSecrets()
	for i := range 10 {
		s.Add(fmt.Sprintf("registered-secret-%02d-value", i))
	}
	r := NewRedactor(RedactorOptions{Secrets: s})
	env := benchEnvelope()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Record(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordMeaningOnly is the redaction before this change: by
// meaning (placeholders), then encoding.
func BenchmarkRecordMeaningOnly(b *testing.B) {
	p := NewPlaceholders()
	env := benchEnvelope()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := events.Marshal(p.Envelope(env)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordBare is encoding alone, no redaction: the honest floor.
func BenchmarkRecordBare(b *testing.B) {
	env := benchEnvelope()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := events.Marshal(env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLearn is what the state machine adds per adapter result: the
// secrets of the result and its HTTP exchanges registered by meaning.
func BenchmarkLearn(b *testing.B) {
	s := events.NewSecrets()
	ev := benchEnvelope().Event
	b.ReportAllocs()
	for b.Loop() {
		s.Learn(ev)
	}
}
