package whoami

import (
	"encoding/json"
	"net/http"
	"time"
)

// Response is the body of a 200 answer.
type Response struct {
	// OryUser is the identity the session belongs to.
	OryUser User `json:"oryUser"`
	// Session describes the session itself.
	Session Session `json:"session"`
}

// User is the signed-in identity.
type User struct {
	// ID is the Kratos identity id.
	ID string `json:"id"`
	// Email is the identity's email trait.
	Email string `json:"email"`
	// Verified tells whether the verifiable address for Email is verified.
	Verified bool `json:"verified"`
}

// Session is the Kratos session the token belongs to.
type Session struct {
	// ID is the Kratos session id.
	ID string `json:"id"`
	// ExpiresAt is when the session expires.
	ExpiresAt *time.Time `json:"expires_at"`
	// AuthenticatedAt is when the session was (last) authenticated.
	AuthenticatedAt *time.Time `json:"authenticated_at"`
	// AAL is the authenticator assurance level, "aal1" or "aal2".
	AAL string `json:"aal"`
}

// ErrorResponse is the body of every non-200 answer.
type ErrorResponse struct {
	// Error describes what went wrong.
	Error ErrorBody `json:"error"`
}

// ErrorBody is the error of an ErrorResponse.
type ErrorBody struct {
	// Code repeats the HTTP status code.
	Code int `json:"code"`
	// ID is Kratos's error id when Kratos gave one (for example
	// "session_aal2_required").
	ID string `json:"id,omitempty"`
	// Message is a human-readable explanation.
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, id, message string) {
	writeJSON(w, status, ErrorResponse{Error: ErrorBody{Code: status, ID: id, Message: message}})
}
