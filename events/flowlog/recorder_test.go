package flowlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

type testClock struct{}

func (testClock) Now() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC) }

type testIDs struct{ n atomic.Int64 }

func (s *testIDs) NewID() string { return fmt.Sprintf("id-%d", s.n.Add(1)) }

// slowLog is an io.Writer that takes a while for each write and lets a
// test read what it holds so far.
type slowLog struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	delay  time.Duration
	writes int
	// failAfter makes every write after the first failAfter fail.
	failAfter int
	// block, when not nil, holds every write after the header until closed.
	block chan struct{}
}

func (l *slowLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	n := l.writes
	l.writes++
	l.mu.Unlock()
	if n > 0 && l.block != nil {
		<-l.block
	}
	if l.failAfter > 0 && n >= l.failAfter {
		return 0, errors.New("disk full")
	}
	time.Sleep(l.delay)
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *slowLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newRecordedBus(t *testing.T, log *slowLog) (*bus.Bus, *Recorder) {
	t.Helper()
	b, err := bus.New(bus.Options{Clock: testClock{}, IDs: &testIDs{}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(log, NewHeader("test", time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder(w)
	if err := rec.Attach(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b, rec
}

// TestStateEventsReachUIsOnlyOnceWritten: a UI that gets a state event
// finds it, and every record before it, in the log already, even when the
// log is slow to write.
func TestStateEventsReachUIsOnlyOnceWritten(t *testing.T) {
	log := &slowLog{delay: 2 * time.Millisecond}
	b, rec := newRecordedBus(t, log)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var missing []string
	seen := 0
	err := b.Subscribe(ctx, func(_ context.Context, env events.Envelope) {
		text := log.String()
		mu.Lock()
		defer mu.Unlock()
		seen++
		for seq := uint64(1); seq <= env.Seq; seq++ {
			if !strings.Contains(text, fmt.Sprintf(`{"seq":%d,`, seq)) {
				missing = append(missing, fmt.Sprintf("record %d when %s %d was shown", seq, env.Type, env.Seq))
			}
		}
	}, bus.TopicStates)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		var ev events.Event = events.TransitionMade{From: "a", Event: "e", To: "b"}
		if i%4 == 3 {
			ev = events.RequestStarted{Operation: "sign_in"}
		}
		if _, err := b.Publish(ev, bus.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if seen != 10 || len(missing) > 0 {
		t.Fatalf("%d state events seen; not yet in the log: %v", seen, missing)
	}
	if w := log.writes; w >= 41 {
		t.Errorf("%d writes for 40 records: nothing was batched", w)
	}
}

// TestRecorderCloseWritesEverything: everything the bus carried, even what
// was still queued when the bus closed, is in the log after Close.
func TestRecorderCloseWritesEverything(t *testing.T) {
	log := &slowLog{delay: time.Millisecond}
	b, rec := newRecordedBus(t, log)
	const n = 500
	for range n {
		if _, err := b.Publish(events.TransitionMade{From: "a", Event: "e", To: "b"}, bus.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	_, recs, err := readAllString(log.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != n {
		t.Fatalf("%d records in the log, %d published", len(recs), n)
	}
}

// TestRecorderReportsFailedWrite: a write that fails is reported by Close
// with the number of records lost, and the UIs are not held up by it.
func TestRecorderReportsFailedWrite(t *testing.T) {
	log := &slowLog{failAfter: 3}
	b, rec := newRecordedBus(t, log)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Subscribe(ctx, func(context.Context, events.Envelope) {}, bus.TopicStates); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := b.Publish(events.RequestStarted{Operation: "sign_in"}, bus.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := b.Wait(ctx); err != nil {
			t.Fatalf("a UI waited for a failed log: %v", err)
		}
	}
	_ = b.Close()
	err := rec.Close()
	var inc *IncompleteError
	if !errors.As(err, &inc) || inc.Appended != 20 || inc.Written != 2 || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Close = %v, want 18 of 20 records not written: disk full", err)
	}
}

// TestRecorderCloseThatCannotFinish: a write that hangs makes Close give up
// when its context ends, saying how many records are missing.
func TestRecorderCloseThatCannotFinish(t *testing.T) {
	log := &slowLog{block: make(chan struct{})}
	defer close(log.block)
	b, rec := newRecordedBus(t, log)
	for range 5 {
		if _, err := b.Publish(events.TransitionMade{}, bus.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	_ = b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := rec.CloseContext(ctx)
	var inc *IncompleteError
	if !errors.As(err, &inc) || inc.Appended != 5 || inc.Written != 0 || !strings.Contains(err.Error(), "in time") {
		t.Fatalf("Close = %v, want 5 of 5 records not written in time", err)
	}
}

// TestWriterEncodesAsMarshal: the writer's encoding is byte for byte what
// events.Marshal writes, escapes included.
func TestWriterEncodesAsMarshal(t *testing.T) {
	envs := []events.Envelope{
		{Seq: 1, ID: "a", CorrelationID: "a<b>&c", Time: time.Date(2025, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600)), Event: events.AppStarted{}},
		{Seq: 2, ID: "é<b>&\"\\\n", CorrelationID: "c", CausationID: "d", FlowID: "f\u2028", Event: events.TransitionMade{From: "<a>", Event: "e&", To: "ü"}},
		{Seq: 3, ID: "r", Event: events.AdapterReturned{Operation: "kratos.x", Result: json.RawMessage(`{ "a" : [1, 2] }`), LatencyMS: 1.5,
			Error: &adapters.Error{Class: adapters.ClassInternal, Message: "m<"},
			HTTP:  []events.HTTPExchange{{Method: "GET", URL: "http://h/?a=1&b=<", Status: 200, Response: json.RawMessage(`{"x": "y"}`), Headers: map[string][]string{"Accept": {"a"}}}}}},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, NewHeader("test", time.Unix(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteBatch(envs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")[1:]
	for i, env := range envs {
		want, err := events.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		if lines[i] != string(want) {
			t.Errorf("record %d:\n got %s\nwant %s", env.Seq, lines[i], want)
		}
	}
}

func readAllString(s string) (Header, []Record, error) {
	r, err := NewReader(strings.NewReader(s))
	if err != nil {
		return Header{}, nil, err
	}
	var recs []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Header(), recs, nil
		}
		if err != nil {
			return Header{}, recs, err
		}
		recs = append(recs, rec)
	}
}

// TestRecorderStallDoesNotHoldUIs: a write that hangs holds a UI only for
// the stall limit; then the recording is failed and says so.
func TestRecorderStallDoesNotHoldUIs(t *testing.T) {
	log := &slowLog{block: make(chan struct{})}
	defer close(log.block)
	b, rec := newRecordedBus(t, log)
	rec.SetStallLimit(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shown := 0
	if err := b.Subscribe(ctx, func(context.Context, events.Envelope) { shown++ }, bus.TopicStates); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := b.Publish(events.RequestStarted{Operation: "sign_in"}, bus.Meta{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Wait(ctx); err != nil || shown != 3 {
		t.Fatalf("the UI was held by a hung write: %v, %d of 3 shown", err, shown)
	}
	_ = b.Close()
	closeCtx, stop := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer stop()
	err := rec.CloseContext(closeCtx)
	if err == nil || !strings.Contains(err.Error(), "has not finished within 100ms") {
		t.Fatalf("Close = %v, want the stall reported", err)
	}
}

// TestMain checks that no test leaves a goroutine behind: a closed
// recorder stops its write loop and its watchdog.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// BenchmarkWriteBatch redacts, encodes and writes the records of a real
// recorded sign-in (testdata/flows/sign_in.jsonl) as one batch; the
// sub-benchmarks split the cost into redaction and encoding.
func BenchmarkWriteBatch(b *testing.B) {
	_, recs, err := ReadAll("../../testdata/flows/sign_in.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	envs := make([]events.Envelope, len(recs))
	for i, r := range recs {
		envs[i] = r.Envelope
	}
	b.Run("all", func(b *testing.B) {
		w, err := NewWriter(io.Discard, NewHeader("bench", time.Unix(0, 0)))
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := w.WriteBatch(envs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(envs))/1e3, "us/record")
	})
	b.Run("redact and encode (Redactor.Record)", func(b *testing.B) {
		r := NewRedactor(RedactorOptions{})
		for b.Loop() {
			for _, env := range envs {
				if _, err := r.Record(env); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(envs))/1e3, "us/record")
	})
	b.Run("events.Marshal", func(b *testing.B) {
		for b.Loop() {
			for _, env := range envs {
				if _, err := events.Marshal(env); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(envs))/1e3, "us/record")
	})
}
