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
