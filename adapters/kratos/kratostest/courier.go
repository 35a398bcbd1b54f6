package kratostest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
)

// Kratos courier template types that carry a code.
const (
	TemplateRecoveryCode     = "recovery_code_valid"
	TemplateVerificationCode = "verification_code_valid"
	TemplateLoginCode        = "login_code_valid"
	TemplateRegistrationCode = "registration_code_valid"
)

// CourierMessage is one message Kratos's courier POSTed (delivery_strategy
// http with the default request body).
type CourierMessage struct {
	Recipient        string `json:"recipient"`
	TemplateType     string `json:"template_type"`
	To               string `json:"to"`
	RecoveryCode     string `json:"recovery_code"`
	RecoveryURL      string `json:"recovery_url"`
	VerificationCode string `json:"verification_code"`
	VerificationURL  string `json:"verification_url"`
	Subject          string `json:"subject"`
	Body             string `json:"body"`
}

// Code returns the message's recovery or verification code, or, for
// other code templates, the first run of six digits in its body.
func (m CourierMessage) Code() string {
	switch {
	case m.RecoveryCode != "":
		return m.RecoveryCode
	case m.VerificationCode != "":
		return m.VerificationCode
	}
	return mailsink.SixDigits(m.Body)
}

// Courier is a loopback HTTP server that receives the messages Kratos's
// courier sends. Pass URL() as Options.CourierURL. It is safe for
// concurrent use.
type Courier struct {
	srv *http.Server
	ln  net.Listener
	url string

	mu       sync.Mutex
	messages []CourierMessage
	taken    []bool
	changed  chan struct{} // closed and replaced when a message arrives
	closed   bool
	serveErr chan error
}

// NewCourier starts a Courier for the test and closes it when the test
// ends.
func NewCourier(t testing.TB) *Courier {
	t.Helper()
	c, err := StartCourier()
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("%v", err)
		}
	})
	return c
}

// StartCourier starts a Courier on a free loopback port; Close stops it.
// Use it when the Courier outlives one test (a Kratos shared by several).
func StartCourier() (*Courier, error) {
	ln, err := net.Listen("tcp", loopback+":0")
	if err != nil {
		return nil, fmt.Errorf("start courier: %w", err)
	}
	c := &Courier{
		ln:       ln,
		url:      "http://" + ln.Addr().String() + "/mail",
		changed:  make(chan struct{}),
		serveErr: make(chan error, 1),
	}
	c.srv = &http.Server{Handler: http.HandlerFunc(c.receive), ReadHeaderTimeout: 10 * time.Second}
	go func() { c.serveErr <- c.srv.Serve(ln) }()
	return c, nil
}

// URL is where Kratos should POST messages.
func (c *Courier) URL() string { return c.url }

// Close stops the server and wakes every WaitCode with an error.
func (c *Courier) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.changed)
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("stop courier: %w", err)
	}
	if err := <-c.serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("stop courier: %w", err)
	}
	return nil
}

// receive stores one POSTed message.
func (c *Courier) receive(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var m CourierMessage
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&m); err != nil {
		http.Error(w, "bad message: "+err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	if !c.closed {
		c.messages = append(c.messages, m)
		c.taken = append(c.taken, false)
		close(c.changed)
		c.changed = make(chan struct{})
	}
	c.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// Messages returns every message received so far, in order.
func (c *Courier) Messages() []CourierMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]CourierMessage(nil), c.messages...)
}

// WaitMessage blocks until a message to recipient (compared without case)
// of templateType arrives that no earlier WaitMessage or WaitCode returned,
// and returns the oldest such message. It fails when ctx ends or the
// Courier is closed.
func (c *Courier) WaitMessage(ctx context.Context, recipient, templateType string) (CourierMessage, error) {
	for {
		c.mu.Lock()
		for i, m := range c.messages {
			if !c.taken[i] && strings.EqualFold(m.Recipient, recipient) && m.TemplateType == templateType {
				c.taken[i] = true
				c.mu.Unlock()
				return m, nil
			}
		}
		closed, changed := c.closed, c.changed
		c.mu.Unlock()
		if closed {
			return CourierMessage{}, fmt.Errorf("courier closed while waiting for a %s message to %s", templateType, recipient)
		}
		select {
		case <-ctx.Done():
			return CourierMessage{}, fmt.Errorf("wait for a %s message to %s: %w", templateType, recipient, ctx.Err())
		case <-changed:
		}
	}
}

// WaitCode is WaitMessage returning the message's code; it fails when the
// message holds none.
func (c *Courier) WaitCode(ctx context.Context, recipient, templateType string) (string, error) {
	m, err := c.WaitMessage(ctx, recipient, templateType)
	if err != nil {
		return "", err
	}
	code := m.Code()
	if code == "" {
		return "", fmt.Errorf("the %s message to %s holds no code", templateType, recipient)
	}
	return code, nil
}
