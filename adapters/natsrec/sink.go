package natsrec

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
)

// SinkOptions configure a Sink.
type SinkOptions struct {
	// Run is the run id (default: a new UUID).
	Run string
	// SpoolDir keeps the local copy of the recording until every record
	// is on the stream (default: $XDG_CACHE_HOME/kratos-tui/spool).
	SpoolDir string
	// Timeout bounds connecting and each publish (default 5s).
	Timeout time.Duration
}

// Sink publishes each complete line written to it (a flow-log record,
// already redacted by the flowlog.Writer above it) as one JetStream message
// on STREAM.run.RUN, through a watermill-nats publisher, waiting for the
// stream's acknowledgement before the next: the stream holds a run's
// records in the order written. Every byte also goes to a local spool file
// (0600) first; the spool is removed when the run ends with every record
// on the stream, and kept — and named in Close's error — when NATS could
// not be reached or went away, so nothing is lost.
type Sink struct {
	t       Target
	run     string
	nc      *nats.Conn
	pub     *wmjs.Publisher
	subject string

	mu        sync.Mutex
	spool     *os.File
	spoolPath string
	partial   []byte
	lines     int
	published int
	pubErr    error
	closed    bool
}

// DefaultSpoolDir returns $XDG_CACHE_HOME/kratos-tui/spool (~/.cache/...).
func DefaultSpoolDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache dir for the spool of a NATS recording: %w (set XDG_CACHE_HOME)", err)
	}
	return filepath.Join(dir, "kratos-tui", "spool"), nil
}

// OpenSink connects to t's server, creates the stream when missing and
// returns a sink for a new run. A server that cannot be reached is an
// error wrapping ErrUnreachable, before anything is recorded.
func OpenSink(ctx context.Context, t Target, opts SinkOptions) (*Sink, error) {
	if opts.Run == "" {
		opts.Run = uuid.NewString()
	}
	if !nameRE.MatchString(opts.Run) {
		return nil, fmt.Errorf("run id %q may hold only letters, digits, _ and -", opts.Run)
	}
	if opts.SpoolDir == "" {
		d, err := DefaultSpoolDir()
		if err != nil {
			return nil, err
		}
		opts.SpoolDir = d
	}
	nc, js, err := Connect(ctx, t, opts.Timeout)
	if err != nil {
		return nil, fmt.Errorf("--record %s: %w; or record to a file with --record FILE", t, err)
	}
	if _, err := EnsureStream(ctx, js, t); err != nil {
		nc.Close()
		return nil, fmt.Errorf("--record %s: %w", t, err)
	}
	pub, err := wmjs.NewPublisher(wmjs.PublisherConfig{Conn: nc, Logger: watermill.NopLogger{}})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("--record %s: %w", t, err)
	}
	if err := os.MkdirAll(opts.SpoolDir, 0o700); err != nil {
		nc.Close()
		return nil, fmt.Errorf("--record %s: spool dir: %w", t, err)
	}
	path := filepath.Join(opts.SpoolDir, t.Stream+"-"+opts.Run+".jsonl")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("--record %s: spool: %w", t, err)
	}
	return &Sink{t: t, run: opts.Run, nc: nc, pub: pub, subject: t.RunSubject(opts.Run), spool: f, spoolPath: path}, nil
}

// Run returns the run id.
func (s *Sink) Run() string { return s.run }

// Where returns nats://HOST:PORT/STREAM/RUN.
func (s *Sink) Where() string {
	return Target{Server: s.t.Server, Stream: s.t.Stream, Run: s.run}.String()
}

// SpoolPath returns the local copy's path (removed after a clean Close).
func (s *Sink) SpoolPath() string { return s.spoolPath }

// Write spools p and publishes each line it completes. It fails only when
// the local spool cannot be written; a NATS failure stops publishing (the
// rest is spooled) and is reported by Err and Close.
func (s *Sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, fmt.Errorf("%s: sink closed", s.Where())
	}
	if _, err := s.spool.Write(p); err != nil {
		return 0, fmt.Errorf("%s: spool %s: %w", s.Where(), s.spoolPath, err)
	}
	s.partial = append(s.partial, p...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			break
		}
		line := s.partial[:i]
		s.lines++
		if s.pubErr == nil {
			if err := s.publish(line); err != nil {
				s.pubErr = err
			} else {
				s.published++
			}
		}
		s.partial = s.partial[i+1:]
	}
	if len(s.partial) == 0 {
		s.partial = nil // let a long record's buffer go
	}
	return len(p), nil
}

func (s *Sink) publish(line []byte) error {
	// The id makes a retried publish a duplicate JetStream drops.
	id := s.run + "-" + strconv.Itoa(s.lines)
	m := message.NewMessage(id, append([]byte(nil), line...))
	m.Metadata.Set(nats.MsgIdHdr, id)
	return s.pub.Publish(s.subject, m)
}

// Err returns the first publish failure, if any.
func (s *Sink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pubErr
}

// Close publishes the run's end, closes the connection and removes the
// spool when every record reached the stream; otherwise it keeps the spool
// and returns an error that says where it is.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if len(s.partial) > 0 && s.pubErr == nil {
		s.lines++
		if err := s.publish(s.partial); err != nil {
			s.pubErr = err
		} else {
			s.published++
		}
	}
	if s.pubErr == nil {
		end := message.NewMessage(s.run+"-end", nil)
		end.Metadata.Set(HeaderRunEnd, strconv.Itoa(s.lines))
		end.Metadata.Set(nats.MsgIdHdr, s.run+"-end")
		if err := s.pub.Publish(s.subject, end); err != nil {
			s.pubErr = err
		}
	}
	if s.pubErr == nil {
		if err := s.nc.FlushTimeout(5 * time.Second); err != nil && s.nc.IsConnected() {
			s.pubErr = err
		}
	}
	_ = s.pub.Close() // closes s.nc
	serr := s.spool.Sync()
	cerr := s.spool.Close()
	if s.pubErr != nil {
		kept := "the whole recording is kept at " + s.spoolPath
		if serr != nil || cerr != nil {
			kept = fmt.Sprintf("the local copy %s may be incomplete too (%v)", s.spoolPath, firstErr(serr, cerr))
		}
		return fmt.Errorf("%s: NATS at %s failed after %d of %d records (%v); %s — replay it with kratos-tui replay FILE, or put it on the stream with kratos-tui recordings put %s FILE",
			s.Where(), s.t.Host(), s.published, s.lines, s.pubErr, kept, Target{Server: s.t.Server, Stream: s.t.Stream})
	}
	if err := firstErr(serr, cerr); err != nil {
		return fmt.Errorf("%s: every record is on the stream; the spool %s: %w", s.Where(), s.spoolPath, err)
	}
	if err := os.Remove(s.spoolPath); err != nil {
		return fmt.Errorf("%s: every record is on the stream; remove the spool: %w", s.Where(), err)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
