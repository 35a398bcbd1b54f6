package flowlog

import (
	"fmt"
	"io"
	"os"

	"github.com/kratos-tui/kratos-tui/internal/privatefile"
)

// Sink is where a recording's bytes go: a file (FileSink) or a shared
// stream (adapters/natsrec). A Writer writes whole records to it, each
// ending in '\n' (a long record may come in more than one Write). Close
// ends the recording; its error says what did not arrive and where the
// rest is kept.
type Sink interface {
	io.WriteCloser
	// Where names the recording in messages (a path, a stream's run).
	Where() string
}

// NewSinkWriter writes the header h to s and returns a writer of records to
// s that closes s on Close.
func NewSinkWriter(s Sink, h Header, opts ...Option) (*Writer, error) {
	w, err := NewWriter(s, h, opts...)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	w.closer = s
	return w, nil
}

// FileSink is a flow log file, readable by its owner only.
type FileSink struct {
	f *os.File
}

// CreateFileSink creates (or truncates) the file at path with mode 0600;
// an existing file is made 0600 too, before it is truncated
// (privatefile.Create).
func CreateFileSink(path string) (*FileSink, error) {
	f, err := privatefile.Create(path, true)
	if err != nil {
		return nil, fmt.Errorf("flow log: create %s: %w", path, err)
	}
	return &FileSink{f: f}, nil
}

// Write appends p to the file.
func (s *FileSink) Write(p []byte) (int, error) { return s.f.Write(p) }

// Where returns the file's path.
func (s *FileSink) Where() string { return s.f.Name() }

// Close syncs the file to disk and closes it.
func (s *FileSink) Close() error {
	serr := s.f.Sync()
	cerr := s.f.Close()
	if serr != nil {
		return fmt.Errorf("flow log: sync %s: %w", s.f.Name(), serr)
	}
	return cerr
}
