// Package adapters declares the ports through which the state machine talks
// to the outside world (Kratos, the backend, the token store, the clock and
// ID sources) and the plain data types that cross them.
//
// The package holds only interfaces and types; implementations live in the
// subpackages kratos, backend, tokenstore and clock. Every value that crosses
// a port is JSON-serialisable so that a recording can answer for a real
// adapter during replay.
package adapters

import (
	"context"
	"time"
)

// Kratos is the subset of the Ory Kratos public (frontend) API that the
// client uses, expressed in native (API) flows.
type Kratos interface {
	// CreateLoginFlow starts a native login flow.
	CreateLoginFlow(ctx context.Context) (*Flow, error)
	// CreateRegistrationFlow starts a native registration flow.
	CreateRegistrationFlow(ctx context.Context) (*Flow, error)
	// SubmitLogin submits the password method of a login flow. An expired
	// flow (410 with use_flow_id) is continued transparently.
	SubmitLogin(ctx context.Context, req LoginRequest) (*Session, error)
	// SubmitRegistration submits the password method of a registration
	// flow. The returned session has an empty Token when Kratos has no
	// session hook after registration.
	SubmitRegistration(ctx context.Context, req RegistrationRequest) (*Session, error)
	// Whoami returns the session that the token belongs to.
	Whoami(ctx context.Context, token string) (*Session, error)
	// Logout revokes the session that the token belongs to.
	Logout(ctx context.Context, token string) error
}

// SessionSource answers "who is signed in with this token": the project's
// backend when one is configured, otherwise Kratos whoami.
type SessionSource interface {
	// CurrentSession returns the session of the token, or an *Error of class
	// ClassUnauthorized when the token is not (or no longer) valid.
	CurrentSession(ctx context.Context, token string) (*Session, error)
}

// TokenStore keeps the session token between runs.
type TokenStore interface {
	// Load returns the stored token, or "" and no error when none is stored.
	Load() (string, error)
	// Save stores the token, replacing any earlier one.
	Save(token string) error
	// Delete removes the stored token; deleting a missing token is no error.
	Delete() error
}

// Clock tells the time. Tests and replays inject their own.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
}

// IDSource makes unique identifiers (event ids, correlation ids). Tests and
// replays inject a deterministic one.
type IDSource interface {
	// NewID returns an identifier not returned before in this run.
	NewID() string
}

// LoginRequest is what the password method of a login flow submits.
type LoginRequest struct {
	FlowID     string `json:"flow_id"`
	Identifier string `json:"identifier"`
	Password   string `json:"password"`
}

// RegistrationRequest is what the password method of a registration flow
// submits. Traits are keyed by their name in the identity schema, nested as
// in the schema (for example {"email": "a@b.c", "name": {"first": "A"}}).
type RegistrationRequest struct {
	FlowID   string         `json:"flow_id"`
	Traits   map[string]any `json:"traits"`
	Password string         `json:"password"`
}

// Session is an authenticated Kratos session, as the client needs it.
type Session struct {
	// Token is the session token; empty when Kratos issued none.
	Token           string     `json:"token,omitempty"`
	ID              string     `json:"id,omitempty"`
	IdentityID      string     `json:"identity_id"`
	Email           string     `json:"email"`
	Verified        bool       `json:"verified"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
	AuthenticatedAt *time.Time `json:"authenticated_at,omitempty"`
	AAL             string     `json:"aal,omitempty"`
	// Traits are the identity's traits as Kratos returned them.
	Traits map[string]any `json:"traits,omitempty"`
	// ContinueWith holds Kratos's continue_with items, if any, as returned.
	ContinueWith []map[string]any `json:"continue_with,omitempty"`
	// Devices are where the session was used.
	Devices []Device `json:"devices,omitempty"`
	// Methods are how the session was authenticated.
	Methods []AuthenticationMethod `json:"authentication_methods,omitempty"`
	// IssuedAt is when the session was created.
	IssuedAt *time.Time `json:"issued_at,omitempty"`
}

// TraitType is what the identity schema says of one trait: its JSON type
// (string, integer, number, boolean, array, object) and, for an enum, the
// values allowed. Kratos's ui.nodes say neither (an integer and a number
// are both type "number"; an enum is a text input).
type TraitType struct {
	Type string `json:"type,omitempty"`
	Enum []any  `json:"enum,omitempty"`
}

// Flow is a Kratos self-service flow: the id and the form to render.
type Flow struct {
	ID        string     `json:"id"`
	Type      string     `json:"type,omitempty"`
	State     string     `json:"state,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	IssuedAt  *time.Time `json:"issued_at,omitempty"`
	UI        UI         `json:"ui"`
}

// HasError reports whether the flow carries an error message, on the form
// or on a node. Kratos answers a step that moves a flow on (a code sent,
// the next screen) with HTTP 400 and the flow without one.
func (f *Flow) HasError() bool {
	for _, m := range f.UI.Messages {
		if m.Type == "error" {
			return true
		}
	}
	for _, n := range f.UI.Nodes {
		for _, m := range n.Messages {
			if m.Type == "error" {
				return true
			}
		}
	}
	return false
}

// UI is a flow's form: where it posts, its messages and its nodes.
type UI struct {
	Action   string    `json:"action"`
	Method   string    `json:"method"`
	Messages []Message `json:"messages,omitempty"`
	Nodes    []Node    `json:"nodes"`
}

// Message is a Kratos UI text with its stable numeric id.
type Message struct {
	ID      int64          `json:"id"`
	Text    string         `json:"text"`
	Type    string         `json:"type"`
	Context map[string]any `json:"context,omitempty"`
}

// Node is one element of a Kratos form (an input, a text, an image...).
type Node struct {
	Type       string         `json:"type"`
	Group      string         `json:"group"`
	Attributes NodeAttributes `json:"attributes"`
	Messages   []Message      `json:"messages"`
	Meta       NodeMeta       `json:"meta"`
}

// NodeAttributes are the attributes of a node. Inputs use Name, Type,
// Value, Required and friends; text nodes use Text; img nodes use Src.
type NodeAttributes struct {
	NodeType     string   `json:"node_type,omitempty"`
	Name         string   `json:"name,omitempty"`
	Type         string   `json:"type,omitempty"`
	Value        any      `json:"value,omitempty"`
	Required     bool     `json:"required,omitempty"`
	Disabled     bool     `json:"disabled,omitempty"`
	Autocomplete string   `json:"autocomplete,omitempty"`
	Pattern      string   `json:"pattern,omitempty"`
	MaxLength    int      `json:"maxlength,omitempty"`
	ID           string   `json:"id,omitempty"`
	Text         *Message `json:"text,omitempty"`
	Src          string   `json:"src,omitempty"`
	Href         string   `json:"href,omitempty"`
}

// NodeMeta holds a node's label.
type NodeMeta struct {
	Label *Message `json:"label,omitempty"`
}
