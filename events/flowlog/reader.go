package flowlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/kratos-tui/kratos-tui/events"
)

// ErrTruncated is returned (wrapped in a *LineError) when the last line of
// a log is cut short: every whole record before it was read.
var ErrTruncated = errors.New("the last record is cut short (the log was truncated, e.g. by a crash while writing)")

// MaxLineBytes is the longest line a reader accepts, newline excluded. The
// longest record kratos-tui writes is an adapter result with its HTTP
// exchanges: a body is kept up to 8 MiB (httplog.MaxBody), and JSON
// escaping can make it up to six times longer ("<" becomes "\u003c", a
// control byte "\u0001"): 48 MiB. An adapter decodes a body of at most
// 4 MiB into its result, so a record with a result holds at most 24 MiB
// of body and 24 MiB of result; the requests (forms the client sends)
// are small, and a call's only other exchange is the small 410 error
// that it continued. 64 MiB leaves 16 MiB for the rest. A longer
// line (a corrupt file, a file that is not a flow log, /dev/zero) is
// refused with ErrLineTooLong as soon as the reader has read past the
// limit, never read whole into memory.
const MaxLineBytes = 64 << 20

// maxLine is MaxLineBytes; tests lower it.
var maxLine = MaxLineBytes

// ErrLineTooLong is returned (wrapped in a *LineError naming the line)
// for a line longer than MaxLineBytes.
var ErrLineTooLong = fmt.Errorf("the line is longer than %d MiB (flowlog.MaxLineBytes), more than any record kratos-tui writes: the file is corrupt or not a flow log", MaxLineBytes>>20)

// LineError is an error about one line of a log.
type LineError struct {
	// Line is the line number, from 1 (the header).
	Line int
	// Err says what is wrong.
	Err error
}

// Error implements error.
func (e *LineError) Error() string {
	return fmt.Sprintf("flow log line %d: %v", e.Line, e.Err)
}

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// Record is one event of a log.
type Record struct {
	// Line is the record's line number in the file (the header is 1).
	Line int
	// Envelope is the decoded event.
	events.Envelope
}

// utf8BOM is the UTF-8 byte-order mark.
var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// Reader reads a flow log one record at a time, in constant memory.
type Reader struct {
	in      *bufio.Reader
	closer  io.Closer
	header  Header
	line    int
	lastSeq uint64
	err     error
	long    []byte // a line longer than the read buffer, gathered
	ended   bool   // the end mark was read
}

// readBufferSize is the read buffer: most records are read in place from
// it; maxKeptLine is the longest gathered line whose buffer is kept.
const (
	readBufferSize = 256 << 10
	maxKeptLine    = 4 << 20
)

// NewReader reads and checks the header of a log from r.
func NewReader(r io.Reader) (*Reader, error) {
	fr := &Reader{in: bufio.NewReaderSize(r, readBufferSize)}
	line, complete, err := fr.next()
	if le := (*LineError)(nil); errors.As(err, &le) {
		return nil, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("flow log: read header: %w", err)
	}
	// A byte-order mark (an editor's, a Windows tool's) is not part of
	// the header: it is skipped.
	line = bytes.TrimPrefix(line, utf8BOM)
	if len(line) == 0 {
		return nil, errors.New("flow log: the file is empty (no header line)")
	}
	h, herr := parseHeader(line)
	if herr != nil {
		if !complete {
			return nil, &LineError{Line: 1, Err: fmt.Errorf("%w: %v", ErrTruncated, herr)}
		}
		return nil, fmt.Errorf("flow log: %w", herr)
	}
	fr.header = h
	return fr, nil
}

// Open opens the log at path. Close the reader when done.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("flow log: %w", err)
	}
	r, err := NewReader(f)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.closer = f
	return r, nil
}

// Header returns the log's header.
func (r *Reader) Header() Header { return r.header }

// next returns the next line without its newline, and whether it ended
// with one. The line is valid until the next call: it is read in place
// from the read buffer (or, when longer, gathered in a buffer reused from
// line to line), since decoding a record copies what it keeps.
func (r *Reader) next() ([]byte, bool, error) {
	var line []byte
	var err error
	r.long = r.long[:0]
	for {
		var frag []byte
		frag, err = r.in.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(r.long)+len(frag) > maxLine {
				return nil, false, r.tooLong()
			}
			r.long = append(r.long, frag...)
			continue
		}
		if len(r.long)+len(bytes.TrimSuffix(frag, []byte("\n"))) > maxLine {
			return nil, false, r.tooLong()
		}
		line = frag
		if len(r.long) > 0 {
			r.long = append(r.long, frag...)
			line = r.long
		}
		break
	}
	if cap(r.long) > maxKeptLine {
		defer func() { r.long = nil }()
	}
	if len(line) > 0 {
		r.line++
	}
	complete := bytes.HasSuffix(line, []byte("\n"))
	return bytes.TrimRight(line, "\r\n"), complete, err
}

// tooLong is the error of a line longer than maxLine, which the reader
// stopped reading; its buffer is let go.
func (r *Reader) tooLong() error {
	r.line++
	r.long = nil
	return &LineError{Line: r.line, Err: ErrLineTooLong}
}

// Next returns the next record, io.EOF at the end, a *LineError wrapping
// ErrTruncated when the last line is cut short, or a *LineError naming the
// line of a corrupt record. After an error, Next keeps returning it.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	for {
		line, complete, err := r.next()
		if le := (*LineError)(nil); errors.As(err, &le) {
			r.err = err
			return Record{}, r.err
		}
		if err != nil && !errors.Is(err, io.EOF) {
			r.err = fmt.Errorf("flow log: read line %d: %w", r.line+1, err)
			return Record{}, r.err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			if errors.Is(err, io.EOF) {
				r.err = io.EOF
				return Record{}, r.err
			}
			continue // a blank line
		}
		if r.ended {
			r.err = &LineError{Line: r.line, Err: ErrAfterEnd}
			return Record{}, r.err
		}
		if IsEnd(line) {
			if err := CheckEnd(line, int(r.lastSeq)); err != nil {
				if !complete {
					err = fmt.Errorf("%w: the end mark is cut", ErrTruncated)
				}
				r.err = &LineError{Line: r.line, Err: err}
				return Record{}, r.err
			}
			r.ended = true
			if errors.Is(err, io.EOF) {
				r.err = io.EOF
				return Record{}, r.err
			}
			continue
		}
		env, derr := events.Unmarshal(line)
		if derr != nil {
			if !complete {
				r.err = &LineError{Line: r.line, Err: ErrTruncated}
			} else {
				r.err = &LineError{Line: r.line, Err: fmt.Errorf("corrupt record: %w", derr)}
			}
			return Record{}, r.err
		}
		if env.Seq != r.lastSeq+1 {
			r.err = &LineError{Line: r.line, Err: fmt.Errorf("seq %d follows seq %d: records are missing or out of order", env.Seq, r.lastSeq)}
			return Record{}, r.err
		}
		r.lastSeq = env.Seq
		return Record{Line: r.line, Envelope: env}, nil
	}
}

// Ended reports whether the log's end mark was read: once Next has
// returned io.EOF, false means the log ends without it (ErrNoEndMark).
func (r *Reader) Ended() bool { return r.ended }

// Close closes the file of a reader made by Open.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	if err != nil {
		return fmt.Errorf("flow log: close: %w", err)
	}
	return nil
}

// ReadAll reads every record of the log at path. It is for small logs
// (tests, the trace viewer); stream large ones with Open and Next. A
// truncated last record is returned with the whole records before it.
func ReadAll(path string) (Header, []Record, error) {
	r, err := Open(path)
	if err != nil {
		return Header{}, nil, err
	}
	defer r.Close()
	var out []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Header(), out, nil
		}
		if err != nil {
			return r.Header(), out, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, rec)
	}
}
