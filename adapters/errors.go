package adapters

import (
	"errors"
	"fmt"
)

// Class names a kind of adapter failure the state machine reacts to.
type Class string

// The error classes. Each maps to a state in the state machine.
const (
	// ClassValidation: Kratos rejected the submitted form; Flow holds the
	// form with its field and general messages (HTTP 400 with a flow).
	ClassValidation Class = "validation"
	// ClassUnauthorized: the token is missing, invalid or revoked (401, or
	// 403 at logout for an unknown token).
	ClassUnauthorized Class = "unauthorized"
	// ClassSessionAlreadyAvailable: a valid session already exists (400
	// session_already_available).
	ClassSessionAlreadyAvailable Class = "session_already_available"
	// ClassAAL2Required: a second factor is needed (403 session_aal2_required).
	ClassAAL2Required Class = "session_aal2_required"
	// ClassAAL1Required: an aal2 flow was asked for without a session (401
	// session_aal1_required).
	ClassAAL1Required Class = "session_aal1_required"
	// ClassRefreshRequired: the session is too old for a privileged change
	// (403 session_refresh_required).
	ClassRefreshRequired Class = "session_refresh_required"
	// ClassFlowExpired: the flow expired (410 self_service_flow_expired)
	// and could not be continued; UseFlowID names Kratos's replacement.
	ClassFlowExpired Class = "flow_expired"
	// ClassFlowReplaced: the flow was already completed (410
	// self_service_flow_replaced).
	ClassFlowReplaced Class = "flow_replaced"
	// ClassFlowNotFound: the flow id is unknown (404).
	ClassFlowNotFound Class = "flow_not_found"
	// ClassForbidden: any other 403, e.g. security_csrf_violation.
	ClassForbidden Class = "forbidden"
	// ClassBrowserRequired: the step needs a browser (422
	// browser_location_change_required); RedirectTo holds the URL.
	ClassBrowserRequired Class = "browser_location_change_required"
	// ClassUnavailable: the server could not be reached, timed out, or
	// answered 5xx.
	ClassUnavailable Class = "unavailable"
	// ClassBadResponse: the server answered something that is not what the
	// API promises (garbage JSON, wrong content type, cut body).
	ClassBadResponse Class = "bad_response"
	// ClassInternal: a failure inside the client itself.
	ClassInternal Class = "internal"
)

// Error is the failure of an adapter call. It is serialisable so that a
// recording can replay it.
type Error struct {
	Class  Class `json:"class"`
	Status int   `json:"status,omitempty"`
	// ID is Kratos's error id (e.g. "session_refresh_required"), if any.
	ID string `json:"id,omitempty"`
	// Message is a human readable explanation, from Kratos where it gave one.
	Message string `json:"message"`
	// Flow is the flow with its messages, for ClassValidation.
	Flow *Flow `json:"flow,omitempty"`
	// UseFlowID is the replacement flow Kratos made (410 errors).
	UseFlowID string `json:"use_flow_id,omitempty"`
	// RedirectTo is where a browser should go (422, 403 aal2).
	RedirectTo string `json:"redirect_browser_to,omitempty"`
}

// Error returns a one-line description.
func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s (HTTP %d): %s", e.Class, e.Status, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Class, e.Message)
}

// ClassOf returns the class of err: the Class of an *Error in its chain,
// or ClassInternal for any other non-nil error, or "" for nil.
func ClassOf(err error) Class {
	if err == nil {
		return ""
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Class
	}
	return ClassInternal
}

// AsError returns err as an *Error, wrapping a foreign error as
// ClassInternal. It returns nil for nil.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	return &Error{Class: ClassInternal, Message: err.Error()}
}
