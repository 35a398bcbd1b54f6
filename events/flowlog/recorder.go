package flowlog

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
)

// Recorder writes every event of a bus to a flow log, in the bus's order.
// It is the bus's journal (bus.Journal): the bus hands it each event before
// any subscriber and it only queues it there; a goroutine of its own
// redacts, encodes and writes what has queued up, many records in one
// write. A state event reaches the UIs only once it and every record before
// it were handed to the operating system, so after a crash (even SIGKILL)
// the log holds everything the user saw; only trace records published
// after the last state event shown can be missing.
type Recorder struct {
	w *Writer

	mu      sync.Mutex
	written *sync.Cond // broadcast when writtenSeq moves, on failure and at the end
	queue   []events.Envelope
	spare   []events.Envelope
	// appendedSeq and writtenSeq are the last seq queued and written.
	appendedSeq, writtenSeq  uint64
	appended, writtenN, lost int
	err                      error
	closing                  bool
	waiting                  bool          // someone waits in Written
	writeStart               time.Time     // when the write in progress began; zero when none
	stallLimit               time.Duration // see SetStallLimit
	stopped                  bool          // the write loop has ended
	wake                     chan struct{}
	loopDone                 chan struct{}
	closeOnce                sync.Once
	closeErr                 error
}

// NewRecorder returns a recorder writing to w and starts its write loop;
// Close it to write what is queued and close w.
func NewRecorder(w *Writer) *Recorder {
	r := &Recorder{stallLimit: DefaultStallLimit, w: w, wake: make(chan struct{}, 1), loopDone: make(chan struct{})}
	r.written = sync.NewCond(&r.mu)
	go r.loop()
	go r.watch()
	return r
}

// watch fails the recording when a write has hung for StallLimit, and
// wakes whoever waits for it.
func (r *Recorder) watch() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		r.mu.Lock()
		limit := r.stallLimit
		if !r.writeStart.IsZero() && time.Since(r.writeStart) >= limit && r.err == nil {
			r.err = fmt.Errorf("flow log: a write has not finished within %s; the log stops after record %d", limit, r.writtenSeq)
			r.written.Broadcast()
		}
		r.mu.Unlock()
		timer.Reset(max(limit/4, time.Millisecond))
		select {
		case <-r.loopDone:
			return
		case <-timer.C:
		}
	}
}

// DefaultStallLimit is how long a UI waits for a write before the
// recording is failed.
const DefaultStallLimit = 5 * time.Second

// SetStallLimit sets how long a UI waits for a write before the recording
// is failed (DefaultStallLimit).
func (r *Recorder) SetStallLimit(d time.Duration) {
	r.mu.Lock()
	r.stallLimit = d
	r.mu.Unlock()
}

// Attach makes the recorder the journal of b. Its signature is that of an
// app.Config observer.
func (r *Recorder) Attach(_ context.Context, b *bus.Bus) error {
	if err := b.SetJournal(r); err != nil {
		return fmt.Errorf("flow log recorder: %w", err)
	}
	return nil
}

// Append implements bus.Journal: it queues env and wakes the write loop.
func (r *Recorder) Append(env events.Envelope) {
	r.mu.Lock()
	if r.stopped {
		r.appended++
		r.lost++
		r.mu.Unlock()
		return
	}
	r.queue = append(r.queue, env)
	r.appendedSeq = env.Seq
	r.appended++
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Written implements bus.Journal: it returns once every record up to seq
// is written or the recording has failed. A write that has not finished
// after the stall limit fails the recording (Close reports it), so that a hung
// disk does not hold the UIs for ever; ctx is checked whenever a write
// ends, so a stop waits for the write in progress at most.
func (r *Recorder) Written(ctx context.Context, seq uint64) {
	r.mu.Lock()
	for r.writtenSeq < seq && r.err == nil && !r.stopped && ctx.Err() == nil {
		r.waiting = true
		r.written.Wait()
	}
	r.mu.Unlock()
}

// Flush returns once every record queued so far is written to the
// operating system (not synced to disk), or the recording failed, or ctx
// ends.
func (r *Recorder) Flush(ctx context.Context) error {
	r.mu.Lock()
	seq := r.appendedSeq
	r.mu.Unlock()
	r.Written(ctx, seq)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("flow log: flush: %w", err)
	}
	return r.Err()
}

// loop writes what is queued, one batch per write, until Close.
func (r *Recorder) loop() {
	defer close(r.loopDone)
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.closing {
			r.mu.Unlock()
			<-r.wake
			r.mu.Lock()
		}
		if len(r.queue) == 0 { // closing, and everything is written
			r.stopped = true
			r.written.Broadcast()
			r.mu.Unlock()
			return
		}
		batch := r.queue
		r.queue = r.spare[:0]
		failed := r.err != nil
		r.writeStart = time.Now()
		r.mu.Unlock()

		var n int
		var err error
		if !failed {
			n, err = r.w.WriteBatch(batch)
		}

		r.mu.Lock()
		r.writeStart = time.Time{}
		if n > 0 {
			r.writtenSeq = batch[n-1].Seq
			r.writtenN += n
		}
		if err != nil && r.err == nil {
			r.err = err
		}
		r.lost += len(batch) - n
		if r.waiting {
			r.waiting = false
			r.written.Broadcast()
		}
		clear(batch)            // let the events go
		if cap(batch) <= 4096 { // reuse the array, unless a burst made it big
			r.spare = batch[:0]
		} else {
			r.spare = nil
		}
		r.mu.Unlock()
	}
}

// Count returns how many records were written.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writtenN
}

// Err returns the first failure of the recording, if any.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// IncompleteError says a recording lost records: Written of Appended were
// written, and why the others were not.
type IncompleteError struct {
	Appended, Written int
	Err               error
}

// Error implements error.
func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%d of %d records were not written: %v", e.Appended-e.Written, e.Appended, e.Err)
}

// Unwrap returns the cause.
func (e *IncompleteError) Unwrap() error { return e.Err }

// Close writes every queued record, syncs and closes the log; see
// CloseContext.
func (r *Recorder) Close() error {
	return r.CloseContext(context.Background())
}

// CloseContext writes every queued record, syncs and closes the log. When
// ctx ends first, or a write fails, it returns an *IncompleteError that
// says how many records are missing; the log is then closed without them.
// Events appended after it count as missing too.
func (r *Recorder) CloseContext(ctx context.Context) error {
	r.closeOnce.Do(func() { r.closeErr = r.close(ctx) })
	return r.closeErr
}

func (r *Recorder) close(ctx context.Context) error {
	r.mu.Lock()
	r.closing = true
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
	var waitErr error
	select {
	case <-r.loopDone:
	case <-ctx.Done():
		waitErr = fmt.Errorf("flow log: the last records could not be written in time: %w", context.Cause(ctx))
	}
	r.mu.Lock()
	appended, lost, werr := r.appended, r.lost+len(r.queue), r.err
	if waitErr != nil {
		// The loop may be stuck in a write (holding the writer); what it
		// holds is lost too.
		lost = appended - r.writtenN
	}
	r.mu.Unlock()
	var cerr error
	if waitErr == nil {
		// A log that lost records gets no end mark: readers say so.
		closeLog := r.w.Close
		if lost > 0 || werr != nil {
			closeLog = r.w.CloseWithoutEnd
		}
		if cerr = closeLog(); werr != nil {
			cerr = nil // it repeats werr
		}
	} else {
		// A write is hanging: closing would wait for it.
		go func() { _ = r.w.CloseWithoutEnd() }()
	}
	cause := errors.Join(werr, waitErr)
	if lost > 0 || cause != nil {
		if cause == nil {
			cause = errors.New("events arrived after the recording was closed")
		}
		return &IncompleteError{Appended: appended, Written: appended - lost, Err: errors.Join(cause, cerr)}
	}
	return cerr
}
