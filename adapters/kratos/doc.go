// Package kratos implements adapters.Kratos and adapters.SessionSource over
// the Ory Kratos public (frontend) API, using native (API) flows through
// github.com/ory/client-go.
//
// The client never keeps cookies and never sends Cookie or Origin headers:
// native flows authenticate with the session token alone. Every failure is
// returned as an *adapters.Error whose Class tells the state machine what
// happened; Kratos's own error ids and message ids are kept as returned.
//
// Responses are decoded from the raw body rather than from client-go's
// models, because a 400 that carries a generic error (not a flow) does not
// decode into the flow type, and because a body that is not the promised
// JSON must be told apart from a rejection. Requests are made with
// client-go; for each call the transport keeps the answer's body for the
// adapter and hands client-go an empty one, so that the body is decoded
// once, by the adapter, and not also into client-go's models, which is
// slow (see transport.go).
package kratos
