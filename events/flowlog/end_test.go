package flowlog

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// readEnded reads every record of s and says whether the end mark was read.
func readEnded(t *testing.T, s string) (int, bool, error) {
	t.Helper()
	r, err := NewReader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n, r.Ended(), nil
		}
		if err != nil {
			return n, r.Ended(), err
		}
		n++
	}
}

func writeLog(t *testing.T, n int, closeIt bool) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, NewHeader("test", time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if err := w.Write(events.Envelope{Seq: uint64(i), ID: "x", Event: events.AppStarted{}}); err != nil {
			t.Fatal(err)
		}
	}
	if closeIt {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

// A normal close ends the log with its end mark, counting the records;
// a log left unclosed (a killed run) reads whole, without it.
func TestCloseWritesEndMark(t *testing.T) {
	s := writeLog(t, 3, true)
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if last := lines[len(lines)-1]; last != `{"kratos_tui_flow_log_end":true,"records":3}` {
		t.Fatalf("last line %q", last)
	}
	if n, ended, err := readEnded(t, s); n != 3 || !ended || err != nil {
		t.Errorf("closed log: %d records, ended %v, %v", n, ended, err)
	}
	if n, ended, err := readEnded(t, writeLog(t, 3, false)); n != 3 || ended || err != nil {
		t.Errorf("unclosed log: %d records, ended %v, %v", n, ended, err)
	}
	if n, ended, err := readEnded(t, writeLog(t, 0, true)); n != 0 || !ended || err != nil {
		t.Errorf("closed empty log: %d records, ended %v, %v", n, ended, err)
	}
}

// An end mark that does not count the records before it, a line after
// it, or a cut end mark is an error naming the line.
func TestBadEndMarks(t *testing.T) {
	s := writeLog(t, 3, true)
	open := writeLog(t, 3, false)
	for name, c := range map[string]struct {
		log  string
		want string
		line int
	}{
		"wrong count":            {open + `{"kratos_tui_flow_log_end":true,"records":4}` + "\n", "counts 4 records, the log has 3: records are missing", 5},
		"count short":            {open + `{"kratos_tui_flow_log_end":true,"records":2}` + "\n", "counts 2 records, the log has 3: records were added", 5},
		"reordered, wrong count": {open + `{"records": 2, "kratos_tui_flow_log_end": true}` + "\n", "counts 2 records, the log has 3", 5},
		"line after":             {s + `{"seq":4,"id":"x","kind":"intent","type":"AppStarted","time":"0001-01-01T00:00:00Z","data":{}}` + "\n", "follows the end mark", 6},
		"two logs":               {s + s, "follows the end mark", 6},
		"cut end mark":           {s[:len(s)-8], "cut short", 5},
	} {
		n, _, err := readEnded(t, c.log)
		var le *LineError
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &le) || le.Line != c.line || n != 3 {
			t.Errorf("%s: after %d records: %v; want line %d: %q", name, n, err, c.line, c.want)
		}
	}
}

// A recording that lost records (a failed write) gets no end mark.
func TestRecorderThatLostRecordsWritesNoEndMark(t *testing.T) {
	log := &slowLog{failAfter: 1}
	b, rec := newRecordedBus(t, log)
	for range 5 {
		if _, err := b.Publish(events.TransitionMade{}, bus.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	_ = b.Close()
	if err := rec.Close(); err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(log.String(), EndMagic) {
		t.Errorf("a recording that lost records has an end mark:\n%s", log.String())
	}
	// And one that lost none has it.
	log = &slowLog{}
	b, rec = newRecordedBus(t, log)
	if _, err := b.Publish(events.TransitionMade{}, bus.Meta{}); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if n, ended, err := readEnded(t, log.String()); n != 1 || !ended || err != nil {
		t.Errorf("%d records, ended %v, %v", n, ended, err)
	}
}

// An end mark with its keys in another order or other spacing (a log
// passed through a JSON tool) is read as the end mark; a record that
// merely holds the key in its data is not one.
func TestEndMarkReorderedKeys(t *testing.T) {
	open := writeLog(t, 3, false)
	for _, mark := range []string{
		`{"records":3,"kratos_tui_flow_log_end":true}`,
		`{ "kratos_tui_flow_log_end" : true, "records" : 3 }`,
	} {
		n, ended, err := readEnded(t, open+mark+"\n")
		if err != nil || !ended || n != 3 {
			t.Errorf("%s: %d records, ended %v, %v", mark, n, ended, err)
		}
	}
	if IsEnd([]byte(`{"seq":4,"data":{"kratos_tui_flow_log_end":true}}`)) || IsEnd([]byte(`{"id":"x","data":{"kratos_tui_flow_log_end":true}}`)) {
		t.Error("a record holding the key is taken for the end mark")
	}
}

// Current tells a log of this format (or a later minor one) from an older
// minor version, whose records may lack fields the client now writes.
func TestHeaderCurrent(t *testing.T) {
	for v, want := range map[string]bool{SchemaVersion: true, "2.9": true, "2.0": false, "2": false, "": true, "x.1": true, "2.x": true, "2.1.0": true} {
		if got := (Header{SchemaVersion: v}).Current(); got != want {
			t.Errorf("Current(%q) = %v, want %v", v, got, want)
		}
	}
}
