package traceview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// bigLog writes a log of at least n records: the corpus's real sign-in and
// sign-out round repeated.
func bigLog(t *testing.T, n int) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := replay.WriteCycles(f, replay.CycleTemplate, n)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path, got
}

// TestViewerStreamsALargeLog opens a log of 100,000 records: the first
// records show before the index ends, the whole log is indexed, a jump to
// the last record and a search that finds a record near the selection
// work, and all of it decodes a few hundred records, not the log.
func TestViewerStreamsALargeLog(t *testing.T) {
	path, n := bigLog(t, 100_000)
	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := startViewerAt(t, v, 160, 40)
	s.await(t, "the first records", func(txt string) bool { return strings.Contains(txt, "AppStarted") })
	done := "kratos-tui trace: " + itoa(n) + " records, log v2.1"
	s.awaitWithin(t, time.Minute, "the whole log indexed", func(txt string) bool { return strings.Contains(txt, done) })

	last := itoa(n)
	s.keys('g', last, tcell.KeyEnter)
	s.settle(t, v, "the last record", func(txt string) bool { return strings.Contains(txt, "seq "+last+"  ") }, uint64(n))
	s.keys(tcell.KeyPgUp, tcell.KeyPgUp, tcell.KeyHome)
	s.await(t, "the first record again", func(txt string) bool { return strings.Contains(txt, "seq 1  intent AppStarted") })
	s.keys('/', "SignOutSucceeded", tcell.KeyEnter)
	s.await(t, "a match", func(txt string) bool { return strings.Contains(txt, `"SignOutSucceeded" found in seq`) })

	var decoded int64
	inApp(v, func() { decoded = v.st.decoded.Load() })
	t.Logf("%d records, %d decoded", n, decoded)
	if decoded > 1000 {
		t.Fatalf("the viewer decoded %d of %d records: it must decode only what it shows", decoded, n)
	}
	quit(t, s)
}

// TestStoreIndexMatchesRecords checks the index against the decoded log:
// every record's kind, operation and flow, and the machine's state and
// the screen shown at every record (the fold from the checkpoints), equal
// what a full read of the log gives.
func TestStoreIndexMatchesRecords(t *testing.T) {
	path, n := bigLog(t, 5*checkpointEvery+17)
	_, recs, err := flowlog.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	st.index(make(chan struct{}), func(bool) {})
	if got, _, done, err := st.progress(); got != n || !done || err != nil {
		t.Fatalf("indexed %d of %d records, done %v, err %v", got, n, done, err)
	}
	entries := Entries(recs)
	screen := -1
	for i, e := range entries {
		if e.Kind == "state" {
			screen = i
		}
		st.mu.RLock()
		m := st.metaAt(i)
		st.mu.RUnlock()
		if kinds[m.kind] != e.Kind {
			t.Fatalf("record %d: kind %q, want %q", i+1, kinds[m.kind], e.Kind)
		}
		if op := operationOf(e.Record); op != "" && st.names[m.name-1] != op {
			t.Fatalf("record %d: operation %q, want %q", i+1, st.names[m.name-1], op)
		}
		if e.FlowID != "" && st.flows[m.flow-1] != e.FlowID || e.FlowID == "" && m.flow != 0 {
			t.Fatalf("record %d: flow index %d, want %q", i+1, m.flow, e.FlowID)
		}
		if f := st.foldAt(i); f.state != e.State || f.screen != screen {
			t.Fatalf("record %d: fold %+v, want state %q screen %d", i+1, f, e.State, screen)
		}
		if i%997 == 0 {
			r, err := st.Record(i)
			if err != nil || r.Seq != e.Seq || r.Type != e.Type {
				t.Fatalf("record %d: decoded %d %s, %v", i+1, r.Seq, r.Type, err)
			}
		}
	}
}

// TestOpenCutShortLog opens a log whose last record is cut short: the
// whole records show, with the reason in the header.
func TestOpenCutShortLog(t *testing.T) {
	path, n := bigLog(t, 50)
	stripEndMark(t, path) // a crash while writing: no end mark
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)-40], 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := startViewerAt(t, v, 160, 40)
	s.await(t, "the warning", func(txt string) bool {
		return strings.Contains(txt, "cut short") && strings.Contains(txt, itoa(n-1)+" records")
	})
	quit(t, s)
}

func itoa(n int) string { return strconvU(uint64(n)) }

// TestViewerSearchShowsProgressAndStops: a search of a large log that
// must render many records shows how far it is, and Esc stops it, the
// selection where it was.
func TestViewerSearchShowsProgressAndStops(t *testing.T) {
	path, n := bigLog(t, 100_000)
	v, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := startViewerAt(t, v, 160, 40)
	s.awaitWithin(t, time.Minute, "the whole log indexed", func(txt string) bool { return strings.Contains(txt, itoa(n)+" records, log v2.1") })
	// Words of the viewer's own: every adapter result is rendered.
	s.keys('/', "Bad Request", tcell.KeyEnter)
	s.awaitWithin(t, time.Minute, "the progress", func(txt string) bool {
		return strings.Contains(txt, `searching for "Bad Request": `) && strings.Contains(txt, "% of "+itoa(n)+" records (Esc stops)")
	})
	s.keys(tcell.KeyEscape)
	s.await(t, "the search stopped", func(txt string) bool { return strings.Contains(txt, `search for "Bad Request" stopped`) })
	if seq := selected(v); seq != 1 {
		t.Fatalf("a stopped search moved the selection to %d", seq)
	}
	var ended chan struct{}
	inApp(v, func() { ended = v.searched })
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("Esc left the search running")
	}
	var status string
	inApp(v, func() { status = v.status })
	if status != `search for "Bad Request" stopped` {
		t.Fatalf("after Esc the status says %q", status)
	}
	quit(t, s)
}

// awaitWithin is await with a longer deadline, for a large log indexed
// or searched on a loaded machine under -race.
func (s *screen) awaitWithin(t *testing.T, d time.Duration, what string, ok func(string) bool) string {
	t.Helper()
	if s.last != "" && ok(s.last) {
		return s.last
	}
	deadline := time.After(d)
	for {
		select {
		case txt := <-s.draws:
			s.last = txt
			if ok(txt) {
				return txt
			}
		case <-deadline:
			t.Fatalf("screen never showed %s; last screen:\n%s", what, s.last)
		}
	}
}

// TestLiveFilterTakesNewRecords: records that arrive while a filter is set
// (a run followed live, a log still being indexed) are filtered as they
// come.
func TestLiveFilterTakesNewRecords(t *testing.T) {
	h, recs := corpus(t, "sign_up_short_password")
	v := NewLive(h, "nats://127.0.0.1:4222/S/RUN")
	for _, r := range recs[:10] {
		v.Append(r)
	}
	v.grow()
	v.SetFilter(1) // intents
	for _, r := range recs[10:] {
		v.Append(r)
	}
	v.grow()
	want := 0
	for _, r := range recs {
		if r.Kind == "intent" {
			want++
		}
	}
	if got := v.rowCount(); got != want {
		t.Fatalf("%d rows under the intent filter, want %d", got, want)
	}
	for row := range v.rowCount() {
		if r, err := v.st.Record(v.indexOfRow(row)); err != nil || r.Kind != "intent" {
			t.Fatalf("row %d: %s %v", row, r.Kind, err)
		}
	}
}
