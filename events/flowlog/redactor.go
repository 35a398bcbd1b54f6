package flowlog

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
)

// placeholderRE matches a placeholder written by Placeholders.
var placeholderRE = regexp.MustCompile(`^«secret:[0-9]+»$`)

// IsPlaceholder reports whether s is a placeholder of a redacted secret.
func IsPlaceholder(s string) bool {
	return placeholderRE.MatchString(s)
}

// Placeholders replaces secrets with stable placeholders: the same secret
// always gets the same «secret:N» within one Placeholders, numbered by first
// appearance. A value that is already a placeholder is kept as it is, so
// redacting a redacted event changes nothing. It is safe for concurrent
// use. The secrets are kept in memory only, never written.
type Placeholders struct {
	mu   sync.Mutex
	seen map[string]string
}

// NewPlaceholders returns an empty set of placeholders.
func NewPlaceholders() *Placeholders {
	return &Placeholders{seen: map[string]string{}}
}

// Redact is an events.Redactor.
func (p *Placeholders) Redact(secret string) string {
	if IsPlaceholder(secret) {
		return secret
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ph, ok := p.seen[secret]; ok {
		return ph
	}
	ph := fmt.Sprintf("«secret:%d»", len(p.seen)+1)
	p.seen[secret] = ph
	return ph
}

// Event returns ev with every secret replaced.
func (p *Placeholders) Event(ev events.Event) events.Event {
	return events.Redact(ev, p.Redact)
}

// Envelope returns env with its event's secrets replaced.
func (p *Placeholders) Envelope(env events.Envelope) events.Envelope {
	env.Event = p.Event(env.Event)
	return env
}
