package kratos

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/internal/fastjson"
	"github.com/kratos-tui/kratos-tui/internal/mutation"
)

// Kratos error ids the client branches on.
const (
	idSessionAlreadyAvailable = "session_already_available"
	idAAL1Required            = "session_aal1_required"
	idAAL2Required            = "session_aal2_required"
	idRefreshRequired         = "session_refresh_required"
	idFlowExpired             = "self_service_flow_expired"
	idFlowReplaced            = "self_service_flow_replaced"
	idBrowserRequired         = "browser_location_change_required"
)

// operation tells the error mapping which call failed: the same status
// means different things to different endpoints.
type operation int

const (
	opCreateFlow operation = iota
	opSubmit
	opWhoami
	opLogout
)

// genericError is Kratos's JSON error envelope.
type genericError struct {
	Error *struct {
		ID      string         `json:"id"`
		Code    int            `json:"code"`
		Status  string         `json:"status"`
		Reason  string         `json:"reason"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
	UseFlowID         string `json:"use_flow_id"`
	RedirectBrowserTo string `json:"redirect_browser_to"`
}

// flowProbe tells a flow body apart from an error body.
type flowProbe struct {
	ID    string          `json:"id"`
	UI    json.RawMessage `json:"ui"`
	Error json.RawMessage `json:"error"`
}

// isJSON reports whether a Content-Type names JSON.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// badResponse builds the ClassBadResponse error for x.
func (c *Client) badResponse(x *exchange, what string) *adapters.Error {
	return &adapters.Error{
		Class:  adapters.ClassBadResponse,
		Status: x.status,
		Message: fmt.Sprintf("Kratos at %s answered HTTP %d %s. %s",
			c.baseURL, x.status, what, notKratosHint(x)),
	}
}

// notKratosHint says what to check when an answer is not Kratos's: a
// page that is not JSON at all most likely comes from another server.
func notKratosHint(x *exchange) string {
	if !isJSON(x.contentType) || x.status == http.StatusNotFound {
		return "This does not look like Kratos's public API: check KRATOS_API (Kratos's public URL, port 4433 by default)."
	}
	return "Check that KRATOS_API is Kratos's public URL and that Kratos is v1.3."
}

// decodeBody unmarshals a JSON body into v, or returns ClassBadResponse.
func (c *Client) decodeBody(x *exchange, v any) *adapters.Error {
	if len(x.body) == 0 {
		return c.badResponse(x, "with an empty body instead of JSON")
	}
	if !isJSON(x.contentType) {
		return c.badResponse(x, fmt.Sprintf("with content type %q instead of JSON", x.contentType))
	}
	if err := fastjson.Unmarshal(x.body, v); err != nil {
		return c.badResponse(x, "with a body that is not the JSON the API promises: "+jsonProblem(err))
	}
	return nil
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
	}
	return "invalid JSON"
}

// errorFrom maps a non-2xx answer to an *adapters.Error.
func (c *Client) errorFrom(op operation, x *exchange) *adapters.Error {
	if x.status >= 500 {
		return c.serverError(x)
	}
	if x.status == http.StatusTooManyRequests {
		return &adapters.Error{Class: adapters.ClassUnavailable, Status: x.status,
			Message: fmt.Sprintf("Kratos at %s is rate limiting requests (HTTP 429); try again later", c.baseURL)}
	}
	if x.status < 400 {
		return c.badResponse(x, "(a redirect or informational status the API does not use)")
	}
	var probe flowProbe
	if err := c.decodeBody(x, &probe); err != nil {
		return err
	}
	if x.status == http.StatusBadRequest && probe.Error == nil && probe.ID != "" && probe.UI != nil {
		return c.validationError(x)
	}
	var g genericError
	if err := json.Unmarshal(x.body, &g); err != nil || g.Error == nil {
		return c.badResponse(x, "with JSON that is neither a flow nor an error")
	}
	e := &adapters.Error{
		Status:     x.status,
		ID:         g.Error.ID,
		Message:    kratosText(x.status, g),
		UseFlowID:  g.UseFlowID,
		RedirectTo: g.RedirectBrowserTo,
	}
	if e.UseFlowID == "" {
		e.UseFlowID = detailString(g, "use_flow_id")
	}
	if e.RedirectTo == "" {
		e.RedirectTo = detailString(g, "redirect_browser_to")
	}
	e.Class = classify(op, x.status, e.ID)
	// Kratos names the flow that replaces this one in the error's
	// continue_with (too many wrong codes, with continue_with transitions
	// on): the client moves to it.
	if id := continueWithFlowID(g.Error.Details["continue_with"]); id != "" && e.UseFlowID == "" {
		e.UseFlowID = id
		if e.Class == adapters.ClassInternal || e.Class == adapters.ClassBadResponse {
			e.Class = adapters.ClassFlowReplaced
		}
	}
	if mutation.On(mutation.SwapErrorClasses) && e.Class == adapters.ClassUnauthorized {
		e.Class = adapters.ClassValidation
	}
	return e
}

// continueWithFlowID is the flow id of the first show_*_ui item of a
// continue_with list in an error's details.
func continueWithFlowID(v any) string {
	items, _ := v.([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		action, _ := m["action"].(string)
		if !strings.HasPrefix(action, "show_") {
			continue
		}
		if id := continueFlowID(m); id != "" {
			return id
		}
	}
	return ""
}

// classify picks the class of a 4xx Kratos error.
func classify(op operation, status int, id string) adapters.Class {
	switch status {
	case http.StatusBadRequest:
		if id == idSessionAlreadyAvailable {
			return adapters.ClassSessionAlreadyAvailable
		}
		// Any other generic 400 means this client sent something Kratos
		// does not accept: a bug on our side.
		return adapters.ClassInternal
	case http.StatusUnauthorized:
		if id == idAAL1Required {
			return adapters.ClassAAL1Required
		}
		return adapters.ClassUnauthorized
	case http.StatusForbidden:
		switch {
		case op == opLogout:
			// Kratos answers 403 for an unknown or stale token.
			return adapters.ClassUnauthorized
		case id == idAAL2Required:
			return adapters.ClassAAL2Required
		case id == idRefreshRequired:
			return adapters.ClassRefreshRequired
		}
		return adapters.ClassForbidden
	case http.StatusNotFound:
		if op == opSubmit {
			return adapters.ClassFlowNotFound
		}
		// Creating a flow, whoami and logout have no id to miss: the
		// endpoint itself is missing, so the URL is probably wrong.
		return adapters.ClassBadResponse
	case http.StatusGone:
		if id == idFlowReplaced {
			return adapters.ClassFlowReplaced
		}
		return adapters.ClassFlowExpired
	case http.StatusUnprocessableEntity:
		return adapters.ClassBrowserRequired
	}
	return adapters.ClassBadResponse
}

// serverError maps a 5xx answer; its body is used only if it is Kratos JSON.
func (c *Client) serverError(x *exchange) *adapters.Error {
	e := &adapters.Error{
		Class:  adapters.ClassUnavailable,
		Status: x.status,
		Message: fmt.Sprintf("Kratos at %s answered HTTP %d %s", c.baseURL, x.status,
			http.StatusText(x.status)),
	}
	var g genericError
	if isJSON(x.contentType) && json.Unmarshal(x.body, &g) == nil && g.Error != nil {
		e.ID = g.Error.ID
		if t := kratosText(0, g); t != "" {
			e.Message += ": " + t
		}
	}
	return e
}

// validationError maps a 400 that carries the flow with its messages.
func (c *Client) validationError(x *exchange) *adapters.Error {
	flow, aerr := c.decodeFlow(x)
	if aerr != nil {
		return aerr
	}
	class := adapters.ClassValidation
	if mutation.On(mutation.SwapErrorClasses) {
		class = adapters.ClassUnauthorized
	}
	return &adapters.Error{
		Class:   class,
		Status:  x.status,
		Message: firstMessage(flow),
		Flow:    flow,
	}
}

// firstMessage returns the text to show for a rejected form: the first
// general message, else the first field message.
func firstMessage(f *adapters.Flow) string {
	for _, m := range f.UI.Messages {
		if m.Text != "" {
			return m.Text
		}
	}
	for _, n := range f.UI.Nodes {
		for _, m := range n.Messages {
			if m.Text != "" {
				return m.Text
			}
		}
	}
	return "Kratos rejected the submitted form"
}

// kratosText is the human readable part of a Kratos error.
func kratosText(status int, g genericError) string {
	switch {
	case g.Error.Reason != "":
		return g.Error.Reason
	case g.Error.Message != "":
		return g.Error.Message
	case status != 0:
		return fmt.Sprintf("Kratos answered HTTP %d %s", status, http.StatusText(status))
	}
	return ""
}

// detailString returns error.details[key] when it is a string.
func detailString(g genericError, key string) string {
	s, _ := g.Error.Details[key].(string)
	return s
}
