package plain_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/plain"
)

const password = "correct-horse-battery-staple-42"

func kratosServer(t *testing.T) *kratostest.Server {
	return kratostest.Shared(t)
}

func TestMain(m *testing.M) {
	code := m.Run()
	kratostest.StopShared()
	os.Exit(code)
}

// session is the plain UI run through app.RunWith, driven through pipes.
type session struct {
	t     *testing.T
	in    *io.PipeWriter
	lines chan string
	all   []string
	done  chan error
}

func start(t *testing.T, kratosURL string) *session {
	t.Helper()
	return startWith(t, kratosURL, ui.Options{})
}

// startWith is start with the plugin's options.
func startWith(t *testing.T, kratosURL string, opts ui.Options, configure ...func(*app.Config)) *session {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	cfg := app.Config{
		KratosAPI: kratosURL,
		Tokens:    tokenstore.NewMemory(),
		Timeout:   30 * time.Second, // a guard against a hang, not a goal: CI machines are busy
		Stdio:     ui.IO{In: inR, Out: outW, Err: io.Discard},
		IDs:       clock.SequentialIDs("p"),
		Logger:    zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
	}
	for _, c := range configure {
		c(&cfg)
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plugin, err := plain.New(cfg.Stdio, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, in: inW, lines: make(chan string, 1024), done: make(chan error, 1)}
	go func() {
		err := app.RunWith(context.Background(), cfg, client, plugin)
		outW.Close()
		s.done <- err
	}()
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		inW.Close()
		for range s.lines {
		}
		if err := <-s.done; err != nil {
			t.Errorf("plain UI ended with: %v", err)
		}
	})
	return s
}

// await reads lines until one contains text. The deadline only guards
// against a hang.
func (s *session) await(text string) string {
	s.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				s.t.Fatalf("output ended while waiting for %q; output:\n%s", text, strings.Join(s.all, "\n"))
			}
			s.all = append(s.all, l)
			if strings.Contains(l, text) {
				return l
			}
		case <-deadline:
			s.t.Fatalf("no %q within 60s; output:\n%s", text, strings.Join(s.all, "\n"))
		}
	}
}

func (s *session) send(lines ...string) {
	s.t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(s.in, l+"\n"); err != nil {
			s.t.Fatalf("write %q: %v", l, err)
		}
	}
}

func uniqueEmail(t *testing.T) string {
	return fmt.Sprintf("%s-%d@example.com", strings.ToLower(t.Name()), time.Now().UnixNano())
}

func TestPlainSignUpSignOutSignIn(t *testing.T) {
	srv := kratosServer(t)
	s := start(t, srv.PublicURL)
	email := uniqueEmail(t)

	s.await("Sign in")
	s.await("E-Mail")
	s.send("signup")
	s.await("Sign up")
	// E-Mail, Password, First Name, Last Name (in the schema's order).
	s.await("E-Mail")
	s.send(email, password, "Zoë", "")
	s.await("Signing up…")
	s.await("Session information")
	if l := s.await("Email:"); !strings.Contains(l, email) {
		t.Fatalf("home shows %q, want %s", l, email)
	}
	if l := s.await("Session token:"); strings.Contains(l, "ory_st_") && !strings.Contains(l, "•") {
		t.Fatalf("token shown in clear: %q", l)
	}
	s.await("Command")
	s.send("logout")
	s.await("You are signed out.")
	s.await("Sign in")
	s.await("E-Mail")
	s.send(email, "wrong-password-123")
	s.await("The provided credentials are invalid")
	s.await("E-Mail")
	s.send("", password) // the e-mail is kept as the default
	s.await("Session information")
	s.await("Command")
	s.send("quit")
}

func TestPlainShowsFieldErrors(t *testing.T) {
	srv := kratosServer(t)
	s := start(t, srv.PublicURL)
	s.await("E-Mail")
	s.send("signup")
	s.await("Sign up")
	s.await("E-Mail")
	s.send(uniqueEmail(t), "short", "", "")
	if l := s.await("Error in Password"); !strings.Contains(l, "at least 8 characters") {
		t.Fatalf("password error: %q", l)
	}
	s.await("E-Mail")
	s.send("quit")
}

func TestPlainRetriesWhenKratosIsDown(t *testing.T) {
	s := start(t, "http://127.0.0.1:1")
	s.await("Error: Could not get the form from Kratos")
	s.await("Command")
	s.send("bogus")
	s.await("Unknown command")
	s.send("retry")
	s.await("Getting the sign-in form…")
	s.await("Error: Could not get the form from Kratos")
	s.await("Command")
	s.send("quit")
}
