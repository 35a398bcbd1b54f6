package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/netcause"
)

// idAAL2Required is the error id of a session that needs a second factor.
const idAAL2Required = "session_aal2_required"

// errorBody is the JSON error a backend answers. Both Kratos's envelope
// ({"error": {"id", "message", "reason"}}) and a flat form ({"error":
// "some_id", "message": "..."}) are understood.
type errorBody struct {
	Error             json.RawMessage `json:"error"`
	ID                string          `json:"id"`
	Message           string          `json:"message"`
	Reason            string          `json:"reason"`
	RedirectBrowserTo string          `json:"redirect_browser_to"`
}

// errorDetail is the object form of errorBody.Error.
type errorDetail struct {
	ID      string `json:"id"`
	Message string `json:"message"`
	Reason  string `json:"reason"`
}

// idPattern tells an error id ("session_aal2_required") from a sentence.
var idPattern = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// parseErrorBody extracts the error id, the human readable text and the
// browser redirect from a JSON error body. It returns zero values for a
// body that is not a JSON error.
func parseErrorBody(a *answer) (id, text, redirect string) {
	if !isJSON(a.contentType) {
		return "", "", ""
	}
	var b errorBody
	if json.Unmarshal(a.body, &b) != nil {
		return "", "", ""
	}
	id, text = b.ID, firstNonEmpty(b.Reason, b.Message)
	var d errorDetail
	var s string
	switch {
	case json.Unmarshal(b.Error, &d) == nil:
		id = firstNonEmpty(d.ID, id)
		text = firstNonEmpty(d.Reason, d.Message, text)
	case json.Unmarshal(b.Error, &s) == nil && idPattern.MatchString(s):
		id = firstNonEmpty(id, s)
	case json.Unmarshal(b.Error, &s) == nil:
		text = firstNonEmpty(text, s)
	}
	return id, text, b.RedirectBrowserTo
}

// errorFrom maps a non-2xx answer to an *adapters.Error.
func (c *Client) errorFrom(a *answer) *adapters.Error {
	id, text, redirect := parseErrorBody(a)
	e := &adapters.Error{Status: a.status, ID: id}
	switch {
	case a.status == http.StatusUnauthorized:
		e.Class = adapters.ClassUnauthorized
		e.Message = "Your session expired. Please sign in."
	case a.status == http.StatusForbidden:
		e.Class = adapters.ClassForbidden
		if id == idAAL2Required {
			e.Class = adapters.ClassAAL2Required
		}
		e.Message = firstNonEmpty(text, "The backend refused access to the session (HTTP 403).")
		e.RedirectTo = redirect
	case a.status == http.StatusTooManyRequests:
		e.Class = adapters.ClassUnavailable
		e.Message = fmt.Sprintf("the backend at %s is rate limiting requests (HTTP 429); try again later", c.base)
	case a.status >= 500:
		e.Class = adapters.ClassUnavailable
		e.Message = fmt.Sprintf("the backend at %s failed: HTTP %d %s", c.base, a.status, http.StatusText(a.status))
		if text != "" {
			e.Message += ": " + text
		}
	case a.status >= 300 && a.status < 400:
		e.Class = adapters.ClassBadResponse
		e.Message = fmt.Sprintf("the backend at %s answered HTTP %d, a redirect to %q; redirects are not followed, check the backend URL",
			c.base, a.status, a.location)
	case a.status == http.StatusNotFound:
		e.Class = adapters.ClassBadResponse
		e.Message = fmt.Sprintf("the backend at %s has no whoami endpoint (HTTP 404); check the backend URL", c.base)
	default:
		e.Class = adapters.ClassBadResponse
		e.Message = fmt.Sprintf("the backend at %s answered HTTP %d %s", c.base, a.status, http.StatusText(a.status))
		if text != "" {
			e.Message += ": " + text
		}
	}
	return e
}

// badResponse builds the ClassBadResponse error for an answer.
func (c *Client) badResponse(a *answer, what string) *adapters.Error {
	return &adapters.Error{
		Class:   adapters.ClassBadResponse,
		Status:  a.status,
		Message: fmt.Sprintf("the backend at %s answered HTTP %d %s", c.base, a.status, what),
	}
}

// unreachable builds the ClassUnavailable error for a failed exchange.
func (c *Client) unreachable(cause string) *adapters.Error {
	return &adapters.Error{
		Class:   adapters.ClassUnavailable,
		Message: fmt.Sprintf("cannot reach the backend at %s: %s", c.base, cause),
	}
}

// readError classifies a failure while reading a response body.
func (c *Client) readError(ctx context.Context, status int, err error) *adapters.Error {
	if ctx.Err() == nil {
		switch {
		case errors.Is(err, errBodyTooLarge):
			return c.badResponse(&answer{status: status},
				fmt.Sprintf("with a body larger than %d bytes", MaxBodyBytes))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return c.badResponse(&answer{status: status}, "but the body was cut short")
		}
	}
	e := c.unreachable(netcause.Describe(ctx, err) + " while reading the answer")
	e.Status = status
	return e
}

// firstNonEmpty returns the first of ss that is not empty, or "".
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
