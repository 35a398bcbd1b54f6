package traceview

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// TestIndexRefusesTooLongLine: a line past the limit (here lowered to 1
// MiB; flowlog.MaxLineBytes in use) stops the index at that line with a
// LineError naming it and the limit, without reading the line whole; the
// viewer shows the records before it and the warning.
func TestIndexRefusesTooLongLine(t *testing.T) {
	defer func(old int) { maxLineBytes = old }(maxLineBytes)
	maxLineBytes = 1 << 20
	path, n := bigLog(t, 40)
	stripEndMark(t, path)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// 64 MiB without a newline: read whole, it would be 64 MiB of memory.
	chunk := []byte(strings.Repeat("A", 1<<20))
	for i := 0; i < 64; i++ {
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	st.index(make(chan struct{}), func(bool) {})
	got, _, done, ierr := st.progress()
	st.close()
	var le *flowlog.LineError
	if got != n || !done || !errors.As(ierr, &le) || le.Line != n+2 || !errors.Is(ierr, flowlog.ErrLineTooLong) {
		t.Fatalf("indexed %d of %d records, done %v, err %v; want the line %d too long", got, n, done, ierr, n+2)
	}

	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := startViewerAt(t, v, 200, 40)
	s.await(t, "the warning", func(txt string) bool {
		return strings.Contains(txt, "warning: flow log line "+itoa(n+2)+": the line is longer than") &&
			strings.Contains(txt, itoa(n)+" records")
	})
	quit(t, s)
}

// A header line past the limit: Open refuses the file, naming line 1.
func TestOpenRefusesTooLongHeader(t *testing.T) {
	defer func(old int) { maxLineBytes = old }(maxLineBytes)
	maxLineBytes = 1 << 20
	path := t.TempDir() + "/zeros.jsonl"
	if err := os.WriteFile(path, make([]byte, 3<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if !errors.Is(err, flowlog.ErrLineTooLong) || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("got %v", err)
	}
}

// The index reads a log's end mark: no record of its own, the last
// record's line stops before it, no warning; a log without it shows the
// warning; a line after it stops the index there.
func TestIndexReadsEndMark(t *testing.T) {
	path, n := bigLog(t, 40)
	stripEndMark(t, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	end := `{"kratos_tui_flow_log_end":true,"records":` + itoa(n) + "}\n"
	for name, c := range map[string]struct {
		log     string
		ended   bool
		err     string
		warning bool
	}{
		"with end mark":    {string(data) + end, true, "", false},
		"without end mark": {string(data), false, "", true},
		"line after it":    {string(data) + end + end, true, "follows the end mark", false},
	} {
		p := t.TempDir() + "/log.jsonl"
		if err := os.WriteFile(p, []byte(c.log), 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := openStore(p)
		if err != nil {
			t.Fatal(err)
		}
		st.index(make(chan struct{}), func(bool) {})
		got, _, done, ierr := st.progress()
		line, lerr := st.Line(got - 1)
		if got != n || !done || st.ended != c.ended || st.unended() != c.warning ||
			(c.err == "") != (ierr == nil) || ierr != nil && !strings.Contains(ierr.Error(), c.err) {
			t.Errorf("%s: %d of %d records, ended %v, unended %v, err %v", name, got, n, st.ended, st.unended(), ierr)
		}
		if lerr != nil || strings.Contains(string(line), "kratos_tui_flow_log_end") || !strings.HasPrefix(string(line), `{"seq":`+itoa(n)+",") {
			t.Errorf("%s: the last record's line %.80q, %v", name, line, lerr)
		}
		st.close()
	}
}

// stripEndMark removes the end mark of the log at path, as a run killed
// before its recording was closed leaves it.
func stripEndMark(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.TrimSuffix(string(data), "\n")
	i := strings.LastIndexByte(body, '\n')
	if !flowlog.IsEnd([]byte(body[i+1:])) {
		t.Fatalf("%s has no end mark", path)
	}
	if err := os.WriteFile(path, []byte(body[:i+1]), 0o600); err != nil {
		t.Fatal(err)
	}
}
