package flowlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
)

func TestPlaceholdersAreStable(t *testing.T) {
	p := NewPlaceholders()
	a, b, a2 := p.Redact("pw-one"), p.Redact("tok-two"), p.Redact("pw-one")
	if a != "«secret:1»" || b != "«secret:2»" || a2 != a {
		t.Fatalf("got %s %s %s", a, b, a2)
	}
	if p.Redact(a) != a {
		t.Fatal("a placeholder was redacted again")
	}
}

func TestWriteReadRoundTripRedacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	w, err := Create(path, NewHeader("test", time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	envs := []events.Envelope{
		{Seq: 1, ID: "a", Time: at, Event: events.SignInSubmitted{Identifier: "x@example.com", Password: "hunter2-secret"}},
		{Seq: 2, ID: "b", Time: at, Event: events.AdapterReturned{Operation: "tokens.load", Result: json.RawMessage(`"stored-token-value"`)}},
		{Seq: 3, ID: "c", Time: at, Event: events.AdapterCalled{Operation: "session.current", Request: json.RawMessage(`{"token":"stored-token-value"}`)}},
		{Seq: 4, ID: "d", Time: at, Event: events.AdapterReturned{Operation: "kratos.submit_login", HTTP: []events.HTTPExchange{{
			Method: "POST", URL: "/self-service/login", Headers: map[string][]string{"X-Session-Token": {"stored-token-value"}},
			Request: json.RawMessage(`{"password":"hunter2-secret"}`)}}}},
	}
	for _, e := range envs {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	h, recs, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.AppVersion != "test" || len(recs) != 4 || recs[3].Line != 5 {
		t.Fatalf("header %+v, %d records", h, len(recs))
	}
	if got := recs[0].Event.(events.SignInSubmitted).Password; got != "«secret:1»" {
		t.Fatalf("password written as %q", got)
	}
	if got := string(recs[1].Event.(events.AdapterReturned).Result); got != `"«secret:2»"` {
		t.Fatalf("tokens.load result written as %s", got)
	}
	if got := string(recs[2].Event.(events.AdapterCalled).Request); !strings.Contains(got, "«secret:2»") {
		t.Fatalf("same token got another placeholder: %s", got)
	}
	ex := recs[3].Event.(events.AdapterReturned).HTTP[0]
	if ex.Headers["X-Session-Token"][0] != "«secret:2»" || !strings.Contains(string(ex.Request), "«secret:1»") {
		t.Fatalf("exchange not redacted: %+v", ex)
	}
}

func TestReaderStopsAtTruncation(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, NewHeader("test", time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if err := w.Write(events.Envelope{Seq: uint64(i), ID: "x", Event: events.AppStarted{}}); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Close()
	r, err := NewReader(bytes.NewReader(buf.Bytes()[:buf.Len()-10]))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			t.Fatal("no truncation reported")
		}
		if err != nil {
			var le *LineError
			if !errors.Is(err, ErrTruncated) || !errors.As(err, &le) || le.Line != 4 || n != 2 {
				t.Fatalf("after %d records: %v", n, err)
			}
			return
		}
		n++
	}
}
