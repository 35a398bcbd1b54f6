package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui-backend/whoami"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/jsonui"
)

// line is one output line of the json UI.
type line struct {
	Seq   uint64          `json:"seq"`
	Kind  string          `json:"kind"`
	Type  string          `json:"type"`
	Data  json.RawMessage `json:"data"`
	Error string          `json:"error"`
	Line  int             `json:"line"`
	raw   string
}

// form is the part of a form state the tests read.
type form struct {
	FlowID        string                        `json:"flow_id"`
	Email         string                        `json:"email"`
	EmailError    string                        `json:"email_error"`
	PasswordError string                        `json:"password_error"`
	GeneralError  string                        `json:"general_error"`
	FieldErrors   map[string][]adapters.Message `json:"field_errors"`
	Messages      []adapters.Message            `json:"messages"`
	Notice        string                        `json:"notice"`
}

type signedIn struct {
	IdentityID string `json:"identity_id"`
	Email      string `json:"email"`
	Token      string `json:"token"`
	Notice     string `json:"notice"`
}

type signedOut struct {
	Reason  string          `json:"reason"`
	Message string          `json:"message"`
	Error   *adapters.Error `json:"error"`
}

// client is a kratos-tui run with the json UI, driven through pipes.
type client struct {
	t     *testing.T
	in    *io.PipeWriter
	lines chan line
	done  chan error
}

type clientOptions struct {
	backend string
	tokens  adapters.TokenStore
	// reveal shows secrets (tokens, TOTP secrets, backup codes) in the
	// output, as --reveal-token does.
	reveal bool
	// capture, when set, receives everything the client writes: stderr,
	// debug logs and every json UI line.
	capture io.Writer
	// timeout is the per-call timeout; default 30 s, a guard against a
	// hang, not a goal: CI machines are busy.
	timeout time.Duration
	// record, when set, is a flow log the run is recorded to, closed
	// before the client's output ends; the recorder and the captured
	// debug log share the run's registry of secrets, as in the command.
	record string
	// callbackPort is social sign-in's loopback port.
	callbackPort int
	// callbacks, when set, replaces the loopback listener.
	callbacks adapters.CallbackListener
}

// startClient runs the real client (adapters, bus, state machine, json UI)
// against kratosURL.
func startClient(t *testing.T, kratosURL string, opts clientOptions) *client {
	t.Helper()
	if opts.tokens == nil {
		opts.tokens = tokenstore.NewMemory()
	}
	if opts.timeout == 0 {
		opts.timeout = 30 * time.Second
	}
	logger := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	errOut := io.Discard
	secrets := events.NewSecrets()
	if opts.capture != nil {
		logger = zerolog.New(events.ScrubWriter{W: opts.capture, Secrets: secrets}).Level(zerolog.DebugLevel)
		errOut = opts.capture
	}
	var rec *flowlog.Recorder
	if opts.record != "" {
		w, err := flowlog.Create(opts.record, flowlog.NewHeader("test", time.Now()),
			flowlog.WithRedactor(flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: secrets})))
		if err != nil {
			t.Fatal(err)
		}
		rec = flowlog.NewRecorder(w)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	cfg := app.Config{
		KratosAPI:    kratosURL,
		Backend:      opts.backend,
		UI:           jsonui.Name,
		Tokens:       opts.tokens,
		Timeout:      opts.timeout,
		Stdio:        ui.IO{In: inR, Out: outW, Err: errOut},
		UIOptions:    ui.Options{RevealSecrets: opts.reveal},
		Clock:        clock.System{},
		IDs:          clock.SequentialIDs("t"),
		Logger:       logger,
		Secrets:      secrets,
		CallbackPort: opts.callbackPort,
		Callbacks:    opts.callbacks,
	}
	if rec != nil {
		cfg.Observers = append(cfg.Observers, rec.Attach)
	}
	c := &client{t: t, in: inW, lines: make(chan line, 1024), done: make(chan error, 1)}
	go func() {
		err := app.Run(context.Background(), cfg)
		if rec != nil {
			if cerr := rec.Close(); cerr != nil {
				t.Errorf("recording: %v", cerr)
			}
		}
		outW.Close()
		c.done <- err
	}()
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			if opts.capture != nil {
				_, _ = opts.capture.Write(append(sc.Bytes(), '\n'))
			}
			var l line
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("json UI wrote a line that is not JSON: %q", sc.Text())
				continue
			}
			l.raw = sc.Text()
			c.lines <- l
		}
	}()
	t.Cleanup(func() {
		c.in.Close()
		for range c.lines {
		}
		if err := <-c.done; err != nil {
			t.Errorf("client ended with: %v", err)
		}
	})
	return c
}

// send writes one intent line.
func (c *client) send(typ string, data any) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"type": typ, "data": data})
	if _, err := fmt.Fprintf(c.in, "%s\n", b); err != nil {
		c.t.Fatalf("write intent: %v", err)
	}
}

// sendRaw writes a raw input line.
func (c *client) sendRaw(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.in, s+"\n"); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// await reads lines until one of the given types (or kinds) comes, skipping
// RequestStarted and SessionCheckStarted; any other type first is a failure.
// The deadline only guards against a hang.
func (c *client) await(types ...string) line {
	c.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				c.t.Fatalf("output ended while waiting for %v", types)
			}
			for _, typ := range types {
				if l.Type == typ || (l.Type == "" && l.Kind == typ) {
					return l
				}
			}
			if l.Type == "RequestStarted" || l.Type == "SessionCheckStarted" {
				continue
			}
			c.t.Fatalf("got %s while waiting for %v: %s", l.Type, types, l.raw)
		case <-deadline:
			c.t.Fatalf("no %v within 60s", types)
		}
	}
}

func decode[T any](t *testing.T, l line) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(l.Data, &v); err != nil {
		t.Fatalf("decode %s: %v", l.Type, err)
	}
	return v
}

func hasMessage(msgs []adapters.Message, id int64) bool {
	for _, m := range msgs {
		if m.ID == id {
			return true
		}
	}
	return false
}

// uniqueEmail makes an address no other test uses; its local part stays
// within the 64 characters an email address allows.
func uniqueEmail(t *testing.T) string {
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(name) > 40 {
		name = name[:40]
	}
	return name + fmt.Sprintf("-%d@example.com", time.Now().UnixNano())
}

// startBackend serves the project's backend for srv.
func startBackend(t *testing.T, srv *kratostest.Server) string {
	t.Helper()
	h := whoami.NewHandler(srv.PublicURL, nil, zerolog.Nop())
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
