// Package mailsink is the development stack's mail sink: an HTTP endpoint
// for Kratos's courier (courier.delivery_strategy: http, with Kratos's
// default request body) that appends every message it receives to a
// directory as one JSON file, and the reader that finds the latest code in
// that directory.
//
// It exists for local development only: the files hold one-time recovery
// and verification codes in clear (they are written 0600 in a 0700
// directory under the git-ignored .run/). Nothing in a production setup
// should point at it.
package mailsink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Kratos courier template types that carry a code.
const (
	TemplateRecoveryCode     = "recovery_code_valid"
	TemplateVerificationCode = "verification_code_valid"
	TemplateLoginCode        = "login_code_valid"
	TemplateRegistrationCode = "registration_code_valid"
)

// Message is one courier message as Kratos POSTs it with its default HTTP
// request body (courier/stub/request.config.mailer.jsonnet in Kratos
// v1.3.1), plus the time the sink received it.
type Message struct {
	Recipient        string    `json:"recipient"`
	TemplateType     string    `json:"template_type"`
	To               string    `json:"to,omitempty"`
	RecoveryCode     string    `json:"recovery_code,omitempty"`
	RecoveryURL      string    `json:"recovery_url,omitempty"`
	VerificationCode string    `json:"verification_code,omitempty"`
	VerificationURL  string    `json:"verification_url,omitempty"`
	Subject          string    `json:"subject,omitempty"`
	Body             string    `json:"body,omitempty"`
	ReceivedAt       time.Time `json:"received_at"`
}

// Code is the message's recovery or verification code, else the first run
// of exactly six digits in its body (login and registration codes), else
// "".
func (m Message) Code() string {
	switch {
	case m.RecoveryCode != "":
		return m.RecoveryCode
	case m.VerificationCode != "":
		return m.VerificationCode
	}
	return SixDigits(m.Body)
}

// SixDigits returns the first run of exactly six digits in s (the code
// of a login or registration mail, whose template has no code field).
func SixDigits(s string) string {
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == 6 {
			return s[i-6 : i]
		}
		run = 0
	}
	return ""
}

// Notice is the one line the sink prints for a message: recipient,
// subject and code.
func (m Message) Notice() string {
	code := m.Code()
	if code == "" {
		code = "none"
	}
	subject := m.Subject
	if subject == "" {
		subject = m.TemplateType
	}
	return fmt.Sprintf("mail to %s: %q, code %s", m.Recipient, subject, code)
}

// maxMessage bounds a POSTed message.
const maxMessage = 1 << 20

// Sink receives courier messages over HTTP on a loopback port and writes
// each one to Dir.
type Sink struct {
	dir    string
	notify io.Writer
	srv    *http.Server
	ln     net.Listener
	done   chan error

	mu  sync.Mutex
	seq int

	closeOnce sync.Once
	closeErr  error
}

// Start creates dir (0700) and starts a Sink on addr (e.g.
// "127.0.0.1:0"). Each message is written to dir and, when notify is not
// nil, announced there with one line (Message.Notice). Close stops it.
func Start(addr, dir string, notify io.Writer) (*Sink, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mail sink: create %s: %w", dir, err)
	}
	existing, err := list(dir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail sink: listen on %s: %w", addr, err)
	}
	s := &Sink{dir: dir, notify: notify, ln: ln, done: make(chan error, 1), seq: len(existing)}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.receive), ReadHeaderTimeout: 10 * time.Second}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// URL is where Kratos's courier should POST (courier.http.request_config.url).
func (s *Sink) URL() string { return "http://" + s.ln.Addr().String() + "/mail" }

// Dir is the directory the messages are written to.
func (s *Sink) Dir() string { return s.dir }

// Close stops the sink; messages already written stay. It is idempotent.
func (s *Sink) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.closeErr = fmt.Errorf("mail sink: stop: %w", err)
			return
		}
		if err := <-s.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.closeErr = fmt.Errorf("mail sink: %w", err)
		}
	})
	return s.closeErr
}

func (s *Sink) receive(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a courier message", http.StatusMethodNotAllowed)
		return
	}
	var m Message
	if err := json.NewDecoder(io.LimitReader(r.Body, maxMessage)).Decode(&m); err != nil {
		http.Error(w, "not a courier message: "+err.Error(), http.StatusBadRequest)
		return
	}
	if m.Recipient == "" {
		http.Error(w, "not a courier message: no recipient", http.StatusBadRequest)
		return
	}
	m.ReceivedAt = time.Now().UTC()
	if err := s.write(m); err != nil {
		// Kratos retries a message that was not accepted.
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if s.notify != nil {
		fmt.Fprintf(s.notify, "mail sink: %s\n", m.Notice())
	}
	w.WriteHeader(http.StatusNoContent)
}

// write appends m to the directory as NNNNNN.json, atomically.
func (s *Sink) write(m Message) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("mail sink: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	name := filepath.Join(s.dir, fmt.Sprintf("%06d.json", s.seq))
	tmp, err := os.CreateTemp(s.dir, ".incoming-*")
	if err != nil {
		return fmt.Errorf("mail sink: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("mail sink: write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("mail sink: %w", err)
	}
	return nil
}

// ErrNoCode is returned by Latest when the directory holds no matching
// message with a code.
var ErrNoCode = errors.New("no e-mailed code in the mail sink yet")

// list returns the message files of dir in the order they arrived.
func list(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("mail sink: read %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// Latest returns the newest message in dir that holds a code, whose
// recipient is recipient (compared without case; "" matches any) and whose
// template type starts with templatePrefix ("recovery", "verification";
// "" matches any). The error wraps ErrNoCode when there is none.
func Latest(dir, recipient, templatePrefix string) (Message, error) {
	var found *Message
	err := eachWithCode(dir, recipient, templatePrefix, func(m Message) bool {
		found = &m
		return true
	})
	if err != nil {
		return Message{}, err
	}
	if found == nil {
		return Message{}, fmt.Errorf("%w: no %s in %s", ErrNoCode, codeOf(recipient, templatePrefix), dir)
	}
	return *found, nil
}

// eachWithCode calls take with the messages in dir that hold a code, whose
// recipient is recipient ("" matches any, compared without case) and whose
// template type starts with templatePrefix, newest first, until take
// returns true.
func eachWithCode(dir, recipient, templatePrefix string, take func(Message) bool) error {
	names, err := list(dir)
	if err != nil {
		return err
	}
	for i := len(names) - 1; i >= 0; i-- {
		b, err := os.ReadFile(filepath.Join(dir, names[i]))
		if err != nil {
			return fmt.Errorf("mail sink: %w", err)
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("mail sink: %s: %w", names[i], err)
		}
		if recipient != "" && !strings.EqualFold(m.Recipient, recipient) {
			continue
		}
		if !strings.HasPrefix(m.TemplateType, templatePrefix) || m.Code() == "" {
			continue
		}
		if take(m) {
			return nil
		}
	}
	return nil
}

// codeOf names what was looked for: "recovery code to a@example.com".
func codeOf(recipient, templatePrefix string) string {
	what := "code"
	if templatePrefix != "" {
		what = templatePrefix + " code"
	}
	if recipient != "" {
		what += " to " + recipient
	}
	return what
}

// FlowID is the flow the message's recovery or verification link names
// (its flow query parameter), or "".
func (m Message) FlowID() string {
	for _, link := range []string{m.VerificationURL, m.RecoveryURL} {
		if u, err := url.Parse(link); err == nil && link != "" {
			if id := u.Query().Get("flow"); id != "" {
				return id
			}
		}
	}
	return ""
}

// ErrNoNewCode says the sink holds no code for the flow yet: the mail may
// still be on its way.
var ErrNoNewCode = errors.New("no new e-mailed code in the mail sink yet")

// CodeFor finds the code the flow flowID waits for, the one way all the
// UIs fill an e-mailed code: among the messages to recipient ("" matches
// any) whose template type starts with templatePrefix, newest first, the
// flow's own message (its link names flowID), whenever it came (a sign-up
// mails the verification code before the form is shown); else the newest
// message that names no flow and came at or after since (the flow asked
// for a code then). A message whose link names another flow is never
// taken, however new: the mail of an earlier flow that arrives late (the
// verification mail of a sign-up) must not answer this one. The error
// wraps ErrNoNewCode when nothing matches yet.
func CodeFor(dir, recipient, templatePrefix, flowID string, since time.Time) (Message, error) {
	var own, fallback *Message
	err := eachWithCode(dir, recipient, templatePrefix, func(m Message) bool {
		switch id := m.FlowID(); {
		case id != "" && id == flowID:
			own = &m
			return true
		case id == "" && fallback == nil && !m.ReceivedAt.Before(since):
			fallback = &m
		}
		return false
	})
	switch {
	case err != nil:
		return Message{}, err
	case own != nil:
		return *own, nil
	case fallback != nil:
		return *fallback, nil
	}
	return Message{}, fmt.Errorf("%w: no %s for this flow in %s", ErrNoNewCode, codeOf(recipient, templatePrefix), dir)
}
