package backend

import (
	"strings"
	"unicode"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// maxMessageRunes bounds a message taken from the server.
const maxMessageRunes = 300

// redacted replaces the session token in texts.
const redacted = "[redacted]"

// fail makes e safe to show and record: the token is replaced wherever it
// appears (a server may echo it back), and control characters, which could
// drive the terminal, are removed. It returns e as an error.
func (c *Client) fail(e *adapters.Error, token string) error {
	e.Message = clean(e.Message, token)
	e.ID = clean(e.ID, token)
	e.RedirectTo = clean(e.RedirectTo, token)
	return e
}

// clean removes token from s, turns control characters into spaces and
// shortens s to maxMessageRunes.
func clean(s, token string) string {
	if token != "" {
		s = strings.ReplaceAll(s, token, redacted)
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxMessageRunes {
		s = string(r[:maxMessageRunes]) + "…"
	}
	return s
}
