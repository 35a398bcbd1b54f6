package replay

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

func TestGeneratedLogReplays(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteCycles(&buf, CycleTemplate, 200)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Records) != n {
		t.Fatalf("log has %d records, generated %d", len(rec.Records), n)
	}
	res, err := Run(context.Background(), rec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed() {
		t.Fatalf("replay diverged:\n%s", res.Divergence.Report())
	}
	if bytes.Contains(buf.Bytes(), []byte("fake-session-token")) || bytes.Contains(buf.Bytes(), []byte("right-password")) {
		t.Fatal("a secret is in the log")
	}
}

// TestSameReturnedComparesEveryField keeps sameReturned's field list whole:
// a field added to AdapterReturned or HTTPExchange must be compared there,
// or a replay that differs only in it would pass. It also checks that a
// change in each field is seen.
func TestSameReturnedComparesEveryField(t *testing.T) {
	if n := reflect.TypeOf(events.AdapterReturned{}).NumField(); n != 5 {
		t.Fatalf("events.AdapterReturned has %d fields; sameReturned compares 5: compare the new one there and update this test", n)
	}
	if n := reflect.TypeOf(events.HTTPExchange{}).NumField(); n != 13 {
		t.Fatalf("events.HTTPExchange has %d fields; sameReturned compares 13: compare the new one there and update this test", n)
	}
	base := func() events.AdapterReturned {
		return events.AdapterReturned{
			Operation: "kratos.submit_login", Result: []byte(`{"a":1}`), LatencyMS: 1,
			Error: &adapters.Error{Class: adapters.ClassValidation, Message: "m"},
			HTTP: []events.HTTPExchange{{
				Method: "POST", URL: "/u", Status: 200, LatencyMS: 1, Request: []byte(`{}`), Response: []byte(`{}`),
				Headers: map[string][]string{"Accept": {"application/json"}}, ResponseHeaders: map[string][]string{"Content-Type": {"application/json"}},
				Error: "e", ErrorCause: "c",
			}},
		}
	}
	if !sameReturned(base(), base()) {
		t.Fatal("two equal results compared different")
	}
	changes := map[string]func(*events.AdapterReturned){
		"operation": func(r *events.AdapterReturned) { r.Operation = "x" },
		"result":    func(r *events.AdapterReturned) { r.Result = []byte(`{"a":2}`) },
		"error": func(r *events.AdapterReturned) {
			r.Error = &adapters.Error{Class: adapters.ClassUnauthorized, Message: "m"}
		},
		"latency":          func(r *events.AdapterReturned) { r.LatencyMS = 2 },
		"exchanges":        func(r *events.AdapterReturned) { r.HTTP = append(r.HTTP, events.HTTPExchange{}) },
		"method":           func(r *events.AdapterReturned) { r.HTTP[0].Method = "GET" },
		"url":              func(r *events.AdapterReturned) { r.HTTP[0].URL = "/v" },
		"status":           func(r *events.AdapterReturned) { r.HTTP[0].Status = 400 },
		"http latency":     func(r *events.AdapterReturned) { r.HTTP[0].LatencyMS = 2 },
		"request":          func(r *events.AdapterReturned) { r.HTTP[0].Request = []byte(`{"b":1}`) },
		"response":         func(r *events.AdapterReturned) { r.HTTP[0].Response = []byte(`{"b":1}`) },
		"request text":     func(r *events.AdapterReturned) { r.HTTP[0].RequestText = true },
		"response text":    func(r *events.AdapterReturned) { r.HTTP[0].ResponseText = true },
		"response cut":     func(r *events.AdapterReturned) { r.HTTP[0].ResponseCut = true },
		"headers":          func(r *events.AdapterReturned) { r.HTTP[0].Headers = map[string][]string{"Accept": {"text/html"}} },
		"response headers": func(r *events.AdapterReturned) { r.HTTP[0].ResponseHeaders = nil },
		"http error":       func(r *events.AdapterReturned) { r.HTTP[0].Error = "f" },
		"error cause":      func(r *events.AdapterReturned) { r.HTTP[0].ErrorCause = "d" },
	}
	for name, change := range changes {
		b := base()
		change(&b)
		if sameReturned(base(), b) || sameReturned(b, base()) {
			t.Errorf("a change of the %s compared the same", name)
		}
	}
}
