package flowlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/kratos-tui/kratos-tui/events"
)

// Writer appends records to a flow log, redacting every secret first. A
// batch of records is encoded into one reused buffer and handed to the
// operating system in one write, so a record is either whole in the file or
// (after a crash in the middle of that write) the last, cut line; Close
// syncs the file. It is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	out    io.Writer
	file   *os.File // nil unless the writer owns a file
	closer io.Closer
	red    *Placeholders
	buf    bytes.Buffer  // the batch being encoded, reused
	enc    *json.Encoder // encodes event data into buf
	n      int
	err    error
}

// maxKeptBuffer is the largest batch buffer kept for reuse; a larger one
// (a batch of huge HTTP bodies) is let go after its write.
const maxKeptBuffer = 1 << 20

// NewWriter writes the header h to w and returns a writer of records to w.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	fw := &Writer{out: w, red: NewPlaceholders()}
	fw.enc = json.NewEncoder(&fw.buf)
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
// only, and writes the header h.
func Create(path string, h Header) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("flow log: create %s: %w", path, err)
	}
	w, err := NewWriter(f, h)
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
// operating system, and returns how many records that write held. When a
// record cannot be encoded, the records before it are written and the
// error names it. After a failure every later call returns the same
// error.
func (w *Writer) WriteBatch(envs []events.Envelope) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	w.buf.Reset()
	encoded := 0
	var encErr error
	for _, env := range envs {
		// One step redacts: the record that is encoded carries no secret.
		env = w.red.Envelope(env)
		if err := w.encode(env); err != nil {
			encErr = fmt.Errorf("flow log: record %d: %w", env.Seq, err)
			break
		}
		encoded++
	}
	if w.buf.Len() > 0 {
		if _, err := w.out.Write(w.buf.Bytes()); err != nil {
			w.err = fmt.Errorf("flow log: write records %d to %d: %w", envs[0].Seq, envs[encoded-1].Seq, err)
			return 0, w.err
		}
	}
	if w.buf.Cap() > maxKeptBuffer {
		w.buf = bytes.Buffer{}
	}
	w.n += encoded
	if encErr != nil {
		w.err = encErr
		return encoded, w.err
	}
	return encoded, nil
}

// encode appends env to the batch as one line, byte for byte what
// events.Marshal writes, with the event's data encoded once, in place.
func (w *Writer) encode(env events.Envelope) error {
	if env.Event == nil {
		return fmt.Errorf("no event")
	}
	start := w.buf.Len()
	timeJSON, err := env.Time.MarshalJSON()
	if err != nil {
		return err
	}
	b := w.buf.AvailableBuffer()
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, env.Seq, 10)
	b = append(b, `,"id":`...)
	b = appendString(b, env.ID)
	b = append(b, `,"kind":`...)
	b = appendString(b, string(env.Event.EventKind()))
	b = append(b, `,"type":`...)
	b = appendString(b, env.Event.EventType())
	b = append(b, `,"time":`...)
	b = append(b, timeJSON...)
	if env.CorrelationID != "" {
		b = append(b, `,"correlation_id":`...)
		b = appendString(b, env.CorrelationID)
	}
	if env.CausationID != "" {
		b = append(b, `,"causation_id":`...)
		b = appendString(b, env.CausationID)
	}
	if env.FlowID != "" {
		b = append(b, `,"flow_id":`...)
		b = appendString(b, env.FlowID)
	}
	b = append(b, `,"data":`...)
	w.buf.Write(b)
	// The encoder writes the data compact, as json.Marshal does, and ends
	// it with a newline, which becomes the record's closing brace.
	if err := w.enc.Encode(env.Event); err != nil {
		w.buf.Truncate(start)
		return fmt.Errorf("encode %s event: %w", env.Event.EventType(), err)
	}
	w.buf.Truncate(w.buf.Len() - 1)
	w.buf.WriteString("}\n")
	return nil
}

// appendString appends s as a JSON string, as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Count returns how many records were written.
func (w *Writer) Count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Close syncs the log to disk and closes it, when the writer owns a file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
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
