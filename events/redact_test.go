package events_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
)

// The log writer replaces every registered secret by value, in each of
// its encodings, on every line whatever its level; short values and
// unregistered text pass.
func TestScrubWriter(t *testing.T) {
	s := events.NewSecrets()
	var buf bytes.Buffer
	w := events.ScrubWriter{W: &buf, Secrets: s}
	if _, err := w.Write([]byte("before any secret\n")); err != nil {
		t.Fatal(err)
	}
	s.Add("ory_st_LogCanary123", "p@ss word/1", "abc", "")
	_, _ = w.Write([]byte(`{"level":"debug","msg":"token ory_st_LogCanary123 url ?p=p%40ss+word%2F1 path p@ss%20word%2F1 json \"p@ss word/1\" abc"}` + "\n"))
	got := buf.String()
	if strings.Contains(got, "LogCanary") || strings.Contains(got, "word") {
		t.Fatalf("a secret reached the log: %s", got)
	}
	if !strings.Contains(got, "before any secret") || !strings.Contains(got, " abc") || strings.Count(got, events.Redacted) != 4 {
		t.Fatalf("scrubbed too much or too little: %s", got)
	}
}

// Learn finds by token stream what Redact finds by rebuilding: the same
// secrets, in results, HTTP bodies (even cut short and kept as text),
// headers, errors' flows and the token store's bare token.
func TestLearnFindsWhatRedactFinds(t *testing.T) {
	const tok = "ory_st_" + "LearnCanary0123456789"
	evs := []events.Event{
		events.AdapterReturned{Operation: "kratos.submit_login", Result: []byte(`{"token":"` + tok + `"}`)},
		events.AdapterReturned{Operation: "tokens.load", Result: []byte(`"` + tok + `"`)},
		events.AdapterReturned{Operation: "x", HTTP: []events.HTTPExchange{{Response: []byte(`"{\"session_token\":\"` + tok + `\",\"ses"`)}}},
		events.AdapterReturned{Operation: "x", HTTP: []events.HTTPExchange{{Headers: map[string][]string{"X-Session-Token": {tok}}}}},
		events.AdapterReturned{Operation: "x", HTTP: []events.HTTPExchange{{Request: []byte(`{"method":"code","code":"` + tok + `","traits":{"code":"keep-me-1"}}`)}}},
		events.AdapterCalled{Operation: "x", Request: []byte(`{"ui":{"nodes":[{"attributes":{"id":"totp_secret_key","text":{"text":"` + tok + `"}}}]}}`)},
		events.SignInSubmitted{Identifier: "a", Password: tok},
	}
	for i, ev := range evs {
		s := events.NewSecrets()
		s.Learn(ev)
		if _, ok := s.Index(tok); !ok || s.Len() != 1 {
			vals, _ := s.Snapshot()
			t.Errorf("%d %s: learned %q", i, ev.EventType(), vals)
		}
	}
}
