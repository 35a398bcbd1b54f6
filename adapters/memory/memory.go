// Package memory is an in-memory stand-in for Kratos that answers at once.
// It exists for benchmarks and unit tests of the pipeline, where the cost
// or the availability of a real Kratos is beside the point; every behaviour
// the project claims is also tested against a real Kratos.
package memory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Kratos implements adapters.Kratos and adapters.SessionSource with one
// password per email. It is safe for concurrent use.
type Kratos struct {
	mu       sync.Mutex
	n        int
	users    map[string]string // email -> password
	sessions map[string]*adapters.Session
}

// NewKratos returns an empty in-memory Kratos.
func NewKratos() *Kratos {
	return &Kratos{users: map[string]string{}, sessions: map[string]*adapters.Session{}}
}

// AddUser registers an identity.
func (k *Kratos) AddUser(email, password string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.users[email] = password
}

func (k *Kratos) next(prefix string) string {
	k.n++
	return fmt.Sprintf("%s-%d", prefix, k.n)
}

func (k *Kratos) flow(kind string) *adapters.Flow {
	k.mu.Lock()
	defer k.mu.Unlock()
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	return &adapters.Flow{ID: k.next(kind), Type: "api", ExpiresAt: &exp, UI: adapters.UI{Method: "POST", Nodes: []adapters.Node{
		{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "identifier", Type: "text", Required: true}},
		{Type: "input", Group: "password", Attributes: adapters.NodeAttributes{Name: "password", Type: "password", Required: true}},
	}}}
}

// CreateLoginFlow implements adapters.Kratos.
func (k *Kratos) CreateLoginFlow(context.Context) (*adapters.Flow, error) {
	return k.flow("login"), nil
}

// CreateRegistrationFlow implements adapters.Kratos.
func (k *Kratos) CreateRegistrationFlow(context.Context) (*adapters.Flow, error) {
	return k.flow("registration"), nil
}

// SubmitLogin implements adapters.Kratos.
func (k *Kratos) SubmitLogin(_ context.Context, req adapters.LoginRequest) (*adapters.Session, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if pw, ok := k.users[req.Identifier]; !ok || pw != req.Password {
		return nil, &adapters.Error{Class: adapters.ClassValidation, Status: 400, Message: "The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.",
			Flow: &adapters.Flow{ID: req.FlowID, UI: adapters.UI{Messages: []adapters.Message{{ID: 4000006, Type: "error",
				Text: "The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number."}}}}}
	}
	return k.newSession(req.Identifier), nil
}

func (k *Kratos) newSession(email string) *adapters.Session {
	s := &adapters.Session{Token: k.next("token"), ID: k.next("session"), IdentityID: "identity-" + email, Email: email, AAL: "aal1"}
	k.sessions[s.Token] = s
	return s
}

// SubmitRegistration implements adapters.Kratos.
func (k *Kratos) SubmitRegistration(_ context.Context, req adapters.RegistrationRequest) (*adapters.Session, error) {
	email, _ := req.Traits["email"].(string)
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, dup := k.users[email]; dup {
		return nil, &adapters.Error{Class: adapters.ClassValidation, Status: 400, Message: "An account with the same identifier (email, phone, username, ...) exists already.",
			Flow: &adapters.Flow{ID: req.FlowID, UI: adapters.UI{Messages: []adapters.Message{{ID: 4000007, Type: "error",
				Text: "An account with the same identifier (email, phone, username, ...) exists already."}}}}}
	}
	k.users[email] = req.Password
	return k.newSession(email), nil
}

// Whoami implements adapters.Kratos.
func (k *Kratos) Whoami(_ context.Context, token string) (*adapters.Session, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s, ok := k.sessions[token]; ok {
		out := *s
		out.Token = ""
		return &out, nil
	}
	return nil, &adapters.Error{Class: adapters.ClassUnauthorized, Status: 401, Message: "No valid session credentials found in the request."}
}

// CurrentSession implements adapters.SessionSource.
func (k *Kratos) CurrentSession(ctx context.Context, token string) (*adapters.Session, error) {
	return k.Whoami(ctx, token)
}

// Logout implements adapters.Kratos.
func (k *Kratos) Logout(_ context.Context, token string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.sessions[token]; !ok {
		return &adapters.Error{Class: adapters.ClassUnauthorized, Status: 403, Message: "unknown session"}
	}
	delete(k.sessions, token)
	return nil
}
