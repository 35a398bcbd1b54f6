package flowlog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
)

// Writer appends records to a flow log, redacting every secret first. Each
// record is flushed as it is written, so a crash loses at most the record
// being written; Close syncs the file. It is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	out    *bufio.Writer
	file   *os.File // nil unless the writer owns a file
	closer io.Closer
	red    *Redactor
	n      int
	err    error
}

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
	fw := &Writer{out: bufio.NewWriterSize(w, 64<<10)}
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
	if err := fw.writeLine(line); err != nil {
		return nil, fmt.Errorf("flow log: write header: %w", err)
	}
	return fw, nil
}

// Create creates (or truncates) the file at path, readable by its owner
// only, and writes the header h.
func Create(path string, h Header, opts ...Option) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
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

func (w *Writer) writeLine(line []byte) error {
	if _, err := w.out.Write(line); err != nil {
		return err
	}
	if err := w.out.WriteByte('\n'); err != nil {
		return err
	}
	return w.out.Flush()
}

// Write redacts env and appends it as one record. After a failure every
// later Write returns the same error.
func (w *Writer) Write(env events.Envelope) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	line, err := w.red.Record(env)
	if err != nil {
		w.err = fmt.Errorf("flow log: record %d: %w", env.Seq, err)
		return w.err
	}
	if err := w.writeLine(line); err != nil {
		w.err = fmt.Errorf("flow log: write record %d: %w", env.Seq, err)
		return w.err
	}
	w.n++
	return nil
}

// Count returns how many records were written.
func (w *Writer) Count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Close flushes the log and, when the writer owns a file, syncs it to disk
// and closes it.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	errs := []error{w.err}
	if err := w.out.Flush(); err != nil {
		errs = append(errs, fmt.Errorf("flow log: flush: %w", err))
	}
	if w.file != nil {
		if err := w.file.Sync(); err != nil {
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
