package kratos

import (
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// rawIdentity is the part of a Kratos identity the client reads.
type rawIdentity struct {
	ID                  string         `json:"id"`
	Traits              map[string]any `json:"traits"`
	VerifiableAddresses []struct {
		Value    string `json:"value"`
		Verified bool   `json:"verified"`
	} `json:"verifiable_addresses"`
}

// rawSession is the part of a Kratos session the client reads.
type rawSession struct {
	ID              string       `json:"id"`
	ExpiresAt       *time.Time   `json:"expires_at"`
	AuthenticatedAt *time.Time   `json:"authenticated_at"`
	IssuedAt        *time.Time   `json:"issued_at"`
	AAL             string       `json:"authenticator_assurance_level"`
	Identity        *rawIdentity `json:"identity"`
	Devices         []struct {
		IPAddress *string `json:"ip_address"`
		UserAgent *string `json:"user_agent"`
		Location  *string `json:"location"`
	} `json:"devices"`
	Methods []struct {
		Method      string     `json:"method"`
		AAL         string     `json:"aal"`
		CompletedAt *time.Time `json:"completed_at"`
	} `json:"authentication_methods"`
}

// rawLogin is a successful native login.
type rawLogin struct {
	SessionToken string           `json:"session_token"`
	Session      *rawSession      `json:"session"`
	ContinueWith []map[string]any `json:"continue_with"`
}

// rawRegistration is a successful native registration; Session and
// SessionToken are absent without the session hook.
type rawRegistration struct {
	SessionToken string           `json:"session_token"`
	Session      *rawSession      `json:"session"`
	Identity     *rawIdentity     `json:"identity"`
	ContinueWith []map[string]any `json:"continue_with"`
}

// decodeFlow decodes a flow body and checks that it names a flow.
func (c *Client) decodeFlow(x *exchange) (*adapters.Flow, *adapters.Error) {
	var f adapters.Flow
	if err := c.decodeBody(x, &f); err != nil {
		return nil, err
	}
	if f.ID == "" {
		return nil, c.badResponse(x, "with a flow that has no id")
	}
	for i := range f.UI.Nodes {
		// Kratos never echoes a password; make sure none is passed on.
		if f.UI.Nodes[i].Attributes.Type == "password" {
			f.UI.Nodes[i].Attributes.Value = nil
		}
		if mutation.On(mutation.EveryNodeRequired) {
			f.UI.Nodes[i].Attributes.Required = true
		}
	}
	if mutation.On(mutation.DropMessageIDs) {
		for i := range f.UI.Messages {
			f.UI.Messages[i].ID = 0
		}
		for i := range f.UI.Nodes {
			for j := range f.UI.Nodes[i].Messages {
				f.UI.Nodes[i].Messages[j].ID = 0
			}
		}
	}
	if mutation.On(mutation.FieldErrorToGeneral) {
		for i := range f.UI.Nodes {
			f.UI.Messages = append(f.UI.Messages, f.UI.Nodes[i].Messages...)
			f.UI.Nodes[i].Messages = f.UI.Nodes[i].Messages[:0]
		}
	}
	return &f, nil
}

// decodeSession decodes a whoami body.
func (c *Client) decodeSession(x *exchange, token string) (*adapters.Session, *adapters.Error) {
	var s rawSession
	if err := c.decodeBody(x, &s); err != nil {
		return nil, err
	}
	if s.ID == "" {
		return nil, c.badResponse(x, "with a session that has no id")
	}
	return toSession(token, &s, nil, nil), nil
}

// decodeLogin decodes a successful login body.
func (c *Client) decodeLogin(x *exchange) (*adapters.Session, *adapters.Error) {
	var l rawLogin
	if err := c.decodeBody(x, &l); err != nil {
		return nil, err
	}
	if l.SessionToken == "" || l.Session == nil || l.Session.ID == "" {
		return nil, c.badResponse(x, "to a login without a session token and session")
	}
	return toSession(l.SessionToken, l.Session, nil, l.ContinueWith), nil
}

// decodeRegistration decodes a successful registration body.
func (c *Client) decodeRegistration(x *exchange) (*adapters.Session, *adapters.Error) {
	var r rawRegistration
	if err := c.decodeBody(x, &r); err != nil {
		return nil, err
	}
	if r.Identity == nil || r.Identity.ID == "" {
		return nil, c.badResponse(x, "to a registration without the new identity")
	}
	if r.SessionToken != "" && (r.Session == nil || r.Session.ID == "") {
		return nil, c.badResponse(x, "to a registration with a session token but no session")
	}
	if r.Session == nil {
		// No session hook after registration: the account exists, but
		// the user still has to sign in.
		return toSession("", &rawSession{}, r.Identity, r.ContinueWith), nil
	}
	return toSession(r.SessionToken, r.Session, r.Identity, r.ContinueWith), nil
}

// toSession converts a raw session; identity stands in when the session
// carries none.
func toSession(token string, s *rawSession, identity *rawIdentity, cont []map[string]any) *adapters.Session {
	out := &adapters.Session{
		Token:           token,
		ID:              s.ID,
		ExpiresAt:       s.ExpiresAt,
		AuthenticatedAt: s.AuthenticatedAt,
		AAL:             s.AAL,
		ContinueWith:    cont,
		IssuedAt:        s.IssuedAt,
	}
	for _, d := range s.Devices {
		out.Devices = append(out.Devices, adapters.Device{
			IPAddress: deref(d.IPAddress), UserAgent: deref(d.UserAgent), Location: deref(d.Location)})
	}
	for _, m := range s.Methods {
		out.Methods = append(out.Methods, adapters.AuthenticationMethod{
			Method: m.Method, AAL: m.AAL, CompletedAt: m.CompletedAt})
	}
	id := s.Identity
	if id == nil {
		id = identity
	}
	if id == nil {
		return out
	}
	out.IdentityID = id.ID
	out.Traits = id.Traits
	out.Email, _ = id.Traits["email"].(string)
	for _, a := range id.VerifiableAddresses {
		if out.Email != "" && strings.EqualFold(a.Value, out.Email) && a.Verified {
			out.Verified = true
		}
	}
	return out
}

// deref returns *p, or "" for nil (Kratos sends null for unknown device
// details).
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
