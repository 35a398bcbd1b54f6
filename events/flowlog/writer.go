package flowlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/privatefile"
)

// Writer appends records to a flow log, redacting every secret first. A
// batch of records is encoded into one reused buffer and handed to the
// operating system in one write per chunkSize bytes of whole records, so a
// record is either whole in the file or (after a crash in the middle of a
// write) the last, cut line; Close syncs the file. It is safe for
// concurrent use.
type Writer struct {
	mu     sync.Mutex
	out    io.Writer
	file   *os.File // nil unless the writer owns a file
	closer io.Closer
	red    *Redactor
	buf    []byte // the batch being encoded, reused
	n      int
	err    error
}

// maxKeptBuffer is the largest batch buffer kept for reuse; a larger one
// (a batch of huge HTTP bodies) is let go after its write.
const maxKeptBuffer = 1 << 20

// chunkSize is how many bytes of whole records a batch hands to the
// operating system in one write, at most (but for one longer record).
const chunkSize = 256 << 10

// Option configures a Writer.
type Option func(*Writer)

// WithRedactor makes the writer redact with r (the run's registry of
// secrets, the PII option) instead of a redactor of its own.
func WithRedactor(r *Redactor) Option {
	return func(w *Writer) {
		if r != nil {
			w.red = r
		}
	}
}

// NewWriter writes the header h to w and returns a writer of records to w.
func NewWriter(w io.Writer, h Header, opts ...Option) (*Writer, error) {
	fw := &Writer{out: w, buf: make([]byte, 0, 64<<10)}
	for _, o := range opts {
		o(fw)
	}
	if fw.red == nil {
		fw.red = NewRedactor(RedactorOptions{})
	}
	h.Redaction.PII = fw.red.pii != nil
	line, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("flow log: encode header: %w", err)
	}
	if _, err := w.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("flow log: write header: %w", err)
	}
	return fw, nil
}

// Create creates (or truncates) the file at path, readable by its owner
// only (an existing file is made 0600 too, before it is truncated:
// privatefile.Create), and writes the header h.
func Create(path string, h Header, opts ...Option) (*Writer, error) {
	f, err := privatefile.Create(path, true)
	if err != nil {
		return nil, fmt.Errorf("flow log: create %s: %w", path, err)
	}
	w, err := NewWriter(f, h, opts...)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	w.file, w.closer = f, f
	return w, nil
}

// Write redacts env and appends it as one record. After a failure every
// later Write returns the same error.
func (w *Writer) Write(env events.Envelope) error {
	_, err := w.WriteBatch([]events.Envelope{env})
	return err
}

// WriteBatch redacts and appends envs in order with one write to the
// operating system (one per chunkSize bytes of a long batch), and returns
// how many records were handed to it. When a
// record cannot be encoded, the records before it are written and the
// error names it. After a failure every later call returns the same
// error.
func (w *Writer) WriteBatch(envs []events.Envelope) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	w.buf = w.buf[:0]
	encoded, written := 0, 0 // records encoded, and of those handed to the OS
	var encErr error
	flush := func() error {
		if len(w.buf) == 0 {
			return nil
		}
		if _, err := w.out.Write(w.buf); err != nil {
			w.err = fmt.Errorf("flow log: write records %d to %d: %w", envs[written].Seq, envs[encoded-1].Seq, err)
			return w.err
		}
		w.buf = w.buf[:0]
		w.n += encoded - written
		written = encoded
		return nil
	}
	for _, env := range envs {
		// One step redacts and encodes, straight into the batch: the
		// line carries no secret.
		buf, err := w.red.AppendRecord(w.buf, env)
		if err != nil {
			encErr = fmt.Errorf("flow log: record %d: %w", env.Seq, err)
			break
		}
		w.buf = append(buf, '\n')
		encoded++
		// A long batch goes out in whole records of about chunkSize, so
		// that the buffer stays small however far the writer fell behind.
		if len(w.buf) >= chunkSize {
			if err := flush(); err != nil {
				return written, err
			}
		}
	}
	if err := flush(); err != nil {
		return written, err
	}
	if cap(w.buf) > maxKeptBuffer {
		w.buf = nil
	}
	if encErr != nil {
		w.err = encErr
		return written, w.err
	}
	return written, nil
}

// Count returns how many records were written.
func (w *Writer) Count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Close writes the log's end mark (when no write failed: see EndMagic),
// syncs the log to disk and closes it, when the writer owns a file.
func (w *Writer) Close() error { return w.close(true) }

// CloseWithoutEnd closes the log as Close does but without the end mark:
// for a recording that lost records (Recorder), so that readers say the
// log is incomplete.
func (w *Writer) CloseWithoutEnd() error { return w.close(false) }

func (w *Writer) close(end bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if end && w.err == nil {
		if _, err := w.out.Write(appendEnd(nil, w.n)); err != nil {
			w.err = fmt.Errorf("flow log: write the end mark: %w", err)
		}
	}
	errs := []error{w.err}
	if w.file != nil {
		// A pipe or a terminal cannot be synced (EINVAL); what was
		// written is with the reader already.
		if err := w.file.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
			errs = append(errs, fmt.Errorf("flow log: sync: %w", err))
		}
	}
	if w.closer != nil {
		if err := w.closer.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
			errs = append(errs, fmt.Errorf("flow log: close: %w", err))
		}
		w.closer = nil
	}
	if w.err == nil {
		w.err = errors.New("flow log: writer closed")
		return errors.Join(errs[1:]...)
	}
	return errors.Join(errs...)
}
