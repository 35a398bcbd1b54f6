// Package natsrec keeps flow logs on NATS JetStream: a recording is
// published record by record (through watermill-nats) to the subject
// STREAM.run.RUN of the stream STREAM, in the order written, and read back,
// listed or followed from there. See docs/nats.md.
package natsrec

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// HeaderRunEnd marks the message that ends a run (its body is empty; the
// header's value is the number of records). Readers skip it.
const HeaderRunEnd = "Kratos-Tui-Run-End"

// Target is a parsed nats://HOST:PORT/STREAM[/RUN] address.
type Target struct {
	// Server is the NATS URL without the path (credentials kept).
	Server string
	// Stream is the JetStream stream's name.
	Stream string
	// Run is a run id (may be empty).
	Run string
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// IsURL reports whether s is a nats:// address.
func IsURL(s string) bool { return strings.HasPrefix(s, "nats://") || strings.HasPrefix(s, "tls://") }

// Parse parses nats://HOST:PORT/STREAM[/RUN].
func Parse(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
		return Target{}, fmt.Errorf("%q is not a NATS address: write nats://HOST:PORT/STREAM (e.g. nats://127.0.0.1:4222/KRATOS)", raw)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 0 || parts[0] == "" {
		return Target{}, fmt.Errorf("%q names no stream: write nats://%s/STREAM (letters, digits, _ and -)", raw, u.Host)
	}
	if len(parts) > 2 {
		return Target{}, fmt.Errorf("%q: the path is STREAM or STREAM/RUN, not %q", raw, u.Path)
	}
	t := Target{Stream: parts[0]}
	if len(parts) == 2 {
		t.Run = parts[1]
	}
	if !nameRE.MatchString(t.Stream) {
		return Target{}, fmt.Errorf("%q: the stream name %q may hold only letters, digits, _ and - (at most 64)", raw, t.Stream)
	}
	if t.Run != "" && !nameRE.MatchString(t.Run) {
		return Target{}, fmt.Errorf("%q: the run id %q may hold only letters, digits, _ and - (at most 64)", raw, t.Run)
	}
	u.Path, u.RawPath = "", ""
	t.Server = u.String()
	return t, nil
}

// Host returns the server's host:port, without credentials, for messages.
func (t Target) Host() string {
	if u, err := url.Parse(t.Server); err == nil {
		return u.Host
	}
	return t.Server
}

// RunSubject returns the subject of a run's records.
func (t Target) RunSubject(run string) string { return t.Stream + ".run." + run }

// String returns the address without credentials.
func (t Target) String() string {
	s := "nats://" + t.Host() + "/" + t.Stream
	if t.Run != "" {
		s += "/" + t.Run
	}
	return s
}

// ErrUnreachable wraps a failure to reach the NATS server.
var ErrUnreachable = errors.New("NATS server unreachable")

// Connect connects to t's server with JetStream, failing fast (timeout)
// when it cannot be reached. By default a lost connection is retried 5
// times, 200ms apart, and publishes fail at once while it is down (a
// recording spools instead of waiting); extra options override that (a
// worker reconnects for ever).
func Connect(ctx context.Context, t Target, timeout time.Duration, extra ...nats.Option) (*nats.Conn, jetstream.JetStream, error) {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	opts := []nats.Option{nats.Name("kratos-tui"), nats.Timeout(timeout),
		nats.MaxReconnects(5), nats.ReconnectWait(200 * time.Millisecond), nats.ReconnectBufSize(-1)}
	opts = append(opts, CredentialsFromEnv(os.Getenv)...)
	opts = append(opts, extra...)
	nc, err := nats.Connect(t.Server, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: cannot reach %s (%v): start nats-server with JetStream (nats-server -js) or check the address", ErrUnreachable, t.Host(), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("NATS at %s: %w", t.Host(), err)
	}
	return nc, js, nil
}

// CredentialsFromEnv returns the connect options for credentials given in
// the environment, so that they stay out of argv: KRATOS_TUI_NATS_CREDS (a
// .creds file of an nkey/JWT user), else KRATOS_TUI_NATS_USER and
// KRATOS_TUI_NATS_PASSWORD, else KRATOS_TUI_NATS_TOKEN.
func CredentialsFromEnv(getenv func(string) string) []nats.Option {
	switch {
	case getenv("KRATOS_TUI_NATS_CREDS") != "":
		return []nats.Option{nats.UserCredentials(getenv("KRATOS_TUI_NATS_CREDS"))}
	case getenv("KRATOS_TUI_NATS_USER") != "":
		return []nats.Option{nats.UserInfo(getenv("KRATOS_TUI_NATS_USER"), getenv("KRATOS_TUI_NATS_PASSWORD"))}
	case getenv("KRATOS_TUI_NATS_TOKEN") != "":
		return []nats.Option{nats.Token(getenv("KRATOS_TUI_NATS_TOKEN"))}
	}
	return nil
}

// EnsureStream creates the recordings stream STREAM (subjects STREAM.run.>,
// file storage) if it does not exist, and returns it.
func EnsureStream(ctx context.Context, js jetstream.JetStream, t Target) (jetstream.Stream, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, t.Stream)
	if err == nil {
		return s, nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("NATS at %s: stream %s: %w (is JetStream enabled? nats-server -js)", t.Host(), t.Stream, err)
	}
	s, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name:        t.Stream,
		Description: "kratos-tui flow logs, one subject per run",
		Subjects:    []string{t.Stream + ".run.>"},
		Storage:     jetstream.FileStorage,
		Duplicates:  2 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("NATS at %s: create stream %s: %w (is JetStream enabled? nats-server -js)", t.Host(), t.Stream, err)
	}
	return s, nil
}
