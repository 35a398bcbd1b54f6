package kratos

import (
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// redacted replaces a secret in messages.
const redacted = "[redacted]"

// minSecretLen is the shortest secret scrubbed from texts: replacing a
// one- or two-character "password" everywhere would garble every message,
// and Kratos rejects passwords this short anyway.
const minSecretLen = 6

// fail returns e as an error with every secret removed from its texts, so
// that no password or session token reaches a log, a trace or the screen
// even if a server echoes one back.
func fail(e *adapters.Error, secrets ...string) error {
	e.Message = scrub(e.Message, secrets)
	e.RedirectTo = scrub(e.RedirectTo, secrets)
	if e.Flow != nil {
		scrubFlow(e.Flow, secrets)
	}
	return e
}

// scrub replaces every secret of at least minSecretLen bytes in s where
// it stands as a token of its own (events.Replacer): not inside a longer
// word, nor inside an e-mail address, where it is the user's own text (a
// password that is the local part of the identifier would otherwise turn
// the identifier into "[redacted]@example.com", showing what it is).
func scrub(s string, secrets []string) string {
	var pairs []string
	for _, sec := range secrets {
		if len(sec) >= minSecretLen && strings.Contains(s, sec) {
			pairs = append(pairs, sec, redacted)
		}
	}
	if len(pairs) == 0 {
		return s
	}
	return events.NewLongestFirstReplacer(pairs...).Replace(s)
}

// scrubFlow removes secrets from a flow's messages and node values.
func scrubFlow(f *adapters.Flow, secrets []string) {
	scrubMessages(f.UI.Messages, secrets)
	for i := range f.UI.Nodes {
		n := &f.UI.Nodes[i]
		scrubMessages(n.Messages, secrets)
		if v, ok := n.Attributes.Value.(string); ok {
			n.Attributes.Value = scrub(v, secrets)
		}
	}
}

// scrubMessages removes secrets from message texts in place.
func scrubMessages(ms []adapters.Message, secrets []string) {
	for i := range ms {
		ms[i].Text = scrub(ms[i].Text, secrets)
	}
}
