package tokenstore

import "strings"

// redactedError hides the token inside an error's text while keeping the
// error chain intact for errors.Is and errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact returns err unchanged unless its text contains token, in which
// case the token is replaced by "[redacted]" in the text.
func redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	msg := err.Error()
	if !strings.Contains(msg, token) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(msg, token, "[redacted]"), err: err}
}
