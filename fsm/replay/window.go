package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// window reads a recording once, front to back, and hands each record to
// the parts of a replay that need it (the clock, the id source, the
// intents, the adapter answers, the comparer), each through a queue of its
// own. It holds only the records one part has read and another has not
// yet taken: the few records between the machine's last event and the
// comparer, not the log, so a replay's memory does not grow with the log.
type window struct {
	mu   sync.Mutex
	read func() (flowlog.Record, error)
	eof  bool
	err  error
	n    int // records read
	last events.Kind
	corr string

	times   queue[time.Time]
	ids     queue[string]
	intents queue[flowlog.Record]
	results queue[flowlog.Record]
	records queue[flowlog.Record]
}

func newWindow(read func() (flowlog.Record, error)) *window { return &window{read: read} }

// fill reads one more record and queues it for every part; false at the
// end of the log or on a read error (kept in w.err).
func (w *window) fill() bool {
	if w.eof || w.err != nil {
		return false
	}
	rec, err := w.read()
	if errors.Is(err, io.EOF) {
		w.eof = true
		return false
	}
	if err != nil {
		w.err = err
		return false
	}
	w.n++
	w.last = rec.Kind
	w.times.push(rec.Time)
	// The bus asks for ids in this order: for an intent that starts a
	// flow (or the first intent), the correlation id, then for every
	// event its own id.
	if rec.Kind == events.KindIntent {
		fs, ok := rec.Event.(events.FlowStarter)
		if ok && fs.StartsFlow() || w.corr == "" {
			w.ids.push(rec.CorrelationID)
		}
		w.corr = rec.CorrelationID
		w.intents.push(rec)
	}
	w.ids.push(rec.ID)
	if rec.Kind == events.KindAdapterResult {
		w.results.push(rec)
	}
	w.records.push(rec)
	return true
}

// take returns the next item of q, reading the log as far as needed.
func take[T any](w *window, q *queue[T]) (T, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for q.len() == 0 {
		if !w.fill() {
			var zero T
			return zero, false
		}
	}
	return q.pop(), true
}

// peek returns the next item of q without taking it.
func peek[T any](w *window, q *queue[T]) (T, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for q.len() == 0 {
		if !w.fill() {
			var zero T
			return zero, false
		}
	}
	return q.front(), true
}

// failure returns the read error, if the log could not be read to the
// end.
func (w *window) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// drain reads the rest of the log, to count its records and find a read
// error; it queues nothing.
func (w *window) drain() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for !w.eof && w.err == nil {
		rec, err := w.read()
		if errors.Is(err, io.EOF) {
			w.eof = true
		} else if err != nil {
			w.err = err
		} else {
			w.n++
			w.last = rec.Kind
		}
	}
}

// lastKind is the kind of the last record read.
func (w *window) lastKind() events.Kind {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.last
}

func (w *window) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// queue is a FIFO whose memory follows its length.
type queue[T any] struct {
	items []T
	head  int
}

func (q *queue[T]) len() int { return len(q.items) - q.head }

func (q *queue[T]) push(v T) {
	if q.head > 0 && q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		n := copy(q.items, q.items[q.head:])
		var zero T
		for i := n; i < len(q.items); i++ {
			q.items[i] = zero
		}
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, v)
}

func (q *queue[T]) front() T { return q.items[q.head] }

func (q *queue[T]) pop() T {
	v := q.items[q.head]
	var zero T
	q.items[q.head] = zero
	q.head++
	return v
}

// sliceReader reads records from memory.
func sliceReader(recs []flowlog.Record) func() (flowlog.Record, error) {
	i := 0
	return func() (flowlog.Record, error) {
		if i >= len(recs) {
			return flowlog.Record{}, io.EOF
		}
		i++
		return recs[i-1], nil
	}
}

// describeRecord names a record in messages: its seq, type and operation.
func describeRecord(rec flowlog.Record) string {
	switch ev := rec.Event.(type) {
	case events.AdapterReturned:
		return fmt.Sprintf("record seq %d (%s %s)", rec.Seq, rec.Type, ev.Operation)
	case events.AdapterCalled:
		return fmt.Sprintf("record seq %d (%s %s)", rec.Seq, rec.Type, ev.Operation)
	}
	return fmt.Sprintf("record seq %d (%s)", rec.Seq, rec.Type)
}

// readAheadRecords is how many records a streaming replay parses ahead of
// the machine: enough to keep the reader busy while the machine works on
// a sign-in's records, few enough that memory stays bounded.
const readAheadRecords = 64

// readAhead calls next on a goroutine of its own, up to n records ahead
// of read, so that parsing the log (about a sixth of a replay's work)
// runs beside the state machine rather than in turn with it. read returns
// next's records and errors in order, and after an error that error
// again; once ctx ends, ctx's error at once (a stalled pipe does not hold
// a cancelled replay). stop, for a replay that ends before the log does,
// lets the goroutine end at its next record (or when the file is closed);
// it does not wait for it.
func readAhead(ctx context.Context, next func() (flowlog.Record, error), n int) (read func() (flowlog.Record, error), stop func()) {
	type item struct {
		rec flowlog.Record
		err error
	}
	ch := make(chan item, n)
	done := make(chan struct{})
	go func() {
		defer close(ch)
		for {
			rec, err := next()
			select {
			case ch <- item{rec, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var last error
	read = func() (flowlog.Record, error) {
		if last != nil {
			return flowlog.Record{}, last
		}
		var it item
		var ok bool
		select {
		case it, ok = <-ch:
		case <-ctx.Done():
			// A log that stalls (a pipe, a FIFO) does not keep a
			// cancelled replay (Ctrl-C, SIGTERM) waiting.
			last = ctx.Err()
			return flowlog.Record{}, last
		}
		if !ok {
			last = io.ErrUnexpectedEOF // stopped: not reached by a replay that reads on
			return flowlog.Record{}, last
		}
		if it.err != nil {
			last = it.err
		}
		return it.rec, it.err
	}
	var once sync.Once
	stop = func() { once.Do(func() { close(done) }) }
	return read, stop
}
