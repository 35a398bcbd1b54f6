package backend

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// whoamiBody is the backend's answer to GET /whoami.
type whoamiBody struct {
	OryUser *struct {
		ID       string `json:"id"`
		Email    string `json:"email"`
		Verified bool   `json:"verified"`
	} `json:"oryUser"`
	Session *struct {
		ID              string     `json:"id"`
		ExpiresAt       *time.Time `json:"expires_at"`
		AuthenticatedAt *time.Time `json:"authenticated_at"`
		AAL             string     `json:"aal"`
	} `json:"session"`
}

// decodeSession turns a 2xx whoami answer into a session, or returns
// ClassBadResponse when the answer is not the promised JSON.
func (c *Client) decodeSession(a *answer) (*adapters.Session, *adapters.Error) {
	if len(a.body) == 0 {
		return nil, c.badResponse(a, "with an empty body instead of JSON")
	}
	if !isJSON(a.contentType) {
		return nil, c.badResponse(a, fmt.Sprintf("with content type %q instead of JSON", a.contentType))
	}
	var b whoamiBody
	if err := json.Unmarshal(a.body, &b); err != nil {
		return nil, c.badResponse(a, "with a body that is not the JSON the API promises: "+jsonProblem(err))
	}
	if b.OryUser == nil || b.OryUser.ID == "" {
		return nil, c.badResponse(a, "without oryUser.id")
	}
	s := &adapters.Session{
		IdentityID: b.OryUser.ID,
		Email:      b.OryUser.Email,
		Verified:   b.OryUser.Verified,
	}
	if b.Session != nil {
		s.ID = b.Session.ID
		s.ExpiresAt = b.Session.ExpiresAt
		s.AuthenticatedAt = b.Session.AuthenticatedAt
		s.AAL = b.Session.AAL
	}
	return s, nil
}

// isJSON reports whether a Content-Type names JSON.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// jsonProblem describes a JSON decoding error without quoting the body.
func jsonProblem(err error) string {
	if err.Error() == "unexpected end of JSON input" {
		return "JSON cut short"
	}
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("invalid JSON at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %q has the wrong type (%s)", e.Field, e.Value)
	case *time.ParseError:
		return "a time field is not an RFC 3339 time"
	}
	return "invalid JSON"
}
