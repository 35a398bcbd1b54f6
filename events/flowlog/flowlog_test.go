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
	// Not closed: the run crashed while writing the last record.
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

// TestReaderLongRecords: records longer than the read buffer, between
// short ones, read back whole and in order (a long line is gathered, a
// short one read in place).
func TestReaderLongRecords(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, NewHeader("test", time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	sizes := []int{10, readBufferSize + 17, 3, 3*readBufferSize - 5, readBufferSize - 200, 1}
	for i, n := range sizes {
		body, _ := json.Marshal(map[string]string{"blob": strings.Repeat(string(rune('a'+i)), n)})
		env := events.Envelope{Seq: uint64(i + 1), ID: "id", Time: at, Event: events.AdapterReturned{Operation: "op", Result: body}}
		if err := w.Write(env); err != nil {
			t.Fatal(err)
		}
	}
	r, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range sizes {
		rec, err := r.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i+1, err)
		}
		var got map[string]string
		if err := json.Unmarshal(rec.Event.(events.AdapterReturned).Result, &got); err != nil || got["blob"] != strings.Repeat(string(rune('a'+i)), n) {
			t.Fatalf("record %d (%d bytes) came back changed: %v", i+1, n, err)
		}
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last record: %v", err)
	}
}

// failAfter is a writer that takes n writes, then fails.
type failAfter struct {
	n      int
	writes [][]byte
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(f.writes) >= f.n {
		return 0, errors.New("disk full")
	}
	f.writes = append(f.writes, append([]byte(nil), p...))
	return len(p), nil
}

// TestWriteBatchInChunks: a batch far larger than a chunk goes out in
// writes of whole records; when a write fails, WriteBatch counts the
// records of the writes before it, and every write held whole lines.
func TestWriteBatchInChunks(t *testing.T) {
	out := &failAfter{n: 3}
	w, err := NewWriter(out, NewHeader("test", time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	body, _ := json.Marshal(map[string]string{"blob": strings.Repeat("x", 40<<10)})
	var envs []events.Envelope
	for i := range 40 { // about 1.6 MiB
		envs = append(envs, events.Envelope{Seq: uint64(i + 1), ID: "id", Time: at, Event: events.AdapterReturned{Operation: "op", Result: body}})
	}
	n, err := w.WriteBatch(envs)
	if err == nil {
		t.Fatal("a failed write was not reported")
	}
	lines := 0
	for i, p := range out.writes {
		if len(p) == 0 || p[len(p)-1] != '\n' {
			t.Fatalf("write %d does not end a record", i)
		}
		if i > 0 && len(p) > chunkSize+len(body)+512 {
			t.Fatalf("write %d holds %d bytes, more than a chunk and a record", i, len(p))
		}
		lines += bytes.Count(p, []byte("\n"))
	}
	if recs := lines - 1; n != recs || w.Count() != recs || recs == 0 {
		t.Fatalf("WriteBatch says %d records, Count %d, the writes held %d", n, w.Count(), recs)
	}
}
