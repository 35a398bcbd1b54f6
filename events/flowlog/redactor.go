package flowlog

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kratos-tui/kratos-tui/events"
)

// IsPlaceholder reports whether s is a placeholder of a redacted secret.
func IsPlaceholder(s string) bool {
	return events.IsPlaceholder(s) && strings.HasPrefix(s, "«secret:")
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

// Redactor turns an envelope into the line a flow log holds, with every
// secret replaced by its placeholder:
//
//  1. by meaning: the fields each event type declares secret, and in JSON
//     documents (requests, results, HTTP bodies, even cut short) the values
//     of secret keys and secret UI nodes (events.RedactJSON); each secret
//     found is added to the run's registry;
//  2. by value: every secret of the registry (at least events.MinValueLen
//     bytes long), in each of its encodings, wherever it appears inside a
//     JSON string of the encoded record: plain text bodies, error messages,
//     URLs, headers, traits;
//  3. with PII on, identifiers, e-mail addresses and name traits are
//     replaced by stable pseudonyms (see PII).
//
// Placeholders are numbered by first appearance in the log. A Redactor is
// safe for concurrent use; Record is the one call a writer makes per
// record.
type Redactor struct {
	secrets *events.Secrets
	ph      *Placeholders
	pii     *PII
}

// RedactorOptions configure a Redactor.
type RedactorOptions struct {
	// Secrets is the run's registry, shared with the state machine and the
	// logger; nil means a registry of this log's own.
	Secrets *events.Secrets
	// RedactPII also replaces identifiers, e-mail addresses and name
	// traits with stable pseudonyms.
	RedactPII bool
}

// NewRedactor returns a redactor for one log.
func NewRedactor(opts RedactorOptions) *Redactor {
	s := opts.Secrets
	if s == nil {
		s = events.NewSecrets()
	}
	r := &Redactor{secrets: s, ph: NewPlaceholders()}
	if opts.RedactPII {
		r.pii = NewPII()
	}
	return r
}

// Secrets returns the registry the redactor consults.
func (r *Redactor) Secrets() *events.Secrets { return r.secrets }

// marker stands for the registered secret number i until the record's
// placeholders are numbered. The private-use runes never occur in what
// Kratos or a user sends, and JSON encoding leaves them as they are.
const (
	markOpen  = '\uE000'
	markClose = '\uE001'
)

func marker(i int) string {
	return string(markOpen) + strconv.Itoa(i) + string(markClose)
}

// Record returns env encoded as one flow log line (no newline), redacted.
func (r *Redactor) Record(env events.Envelope) ([]byte, error) {
	return r.AppendRecord(nil, env)
}

// AppendRecord appends env encoded as one flow log line (no newline),
// redacted, to dst. On error dst comes back as it was.
func (r *Redactor) AppendRecord(dst []byte, env events.Envelope) ([]byte, error) {
	// 1. By meaning: secrets go to the registry and become markers; the
	// event is redacted as it is encoded.
	marked := false
	start := len(dst)
	out, data, err := events.AppendMarshalRedacted(dst, env, func(s string) string {
		if IsPlaceholder(s) {
			return s
		}
		r.secrets.Add(s)
		marked = true
		return r.markerOf(s)
	})
	if err != nil {
		return dst, err
	}
	// 2. By value, inside JSON strings only (numbers stay numbers). The
	// index is read over the event's data first: most lines hold no
	// secret and are left as they are, with nothing decoded or copied.
	// The envelope's fields before the data are not read: their values
	// (seq, ids, kind, type, time) are structural, never replaced by
	// value (replaceInStrings), so a secret found there alone would
	// change nothing.
	line := out[start:]
	if ix := r.secrets.ValueIndex(); ix.ContainsBytesFrom(line, data-start) {
		line = replaceInStrings(line, ix)
		out = append(out[:start], line...)
	}
	// 3. Markers become this log's placeholders, by first appearance.
	if marked || bytes.Contains(out[start:], markOpenBytes) {
		src := linePool.Get().(*[]byte)
		*src = append((*src)[:0], out[start:]...)
		out = r.appendResolved(out[:start], *src)
		if cap(*src) <= maxKeptBuffer {
			linePool.Put(src)
		}
	}
	if r.pii != nil {
		line := r.pii.Line(out[start:])
		out = append(out[:start], line...)
	}
	return out, nil
}

var markOpenBytes = []byte(string(markOpen))

func (r *Redactor) markerOf(s string) string {
	if i, ok := r.secrets.Index(s); ok {
		return marker(i)
	}
	return r.ph.Redact(s)
}

// resolveMarkers replaces each marker with the log's placeholder of its
// secret.
func (r *Redactor) resolveMarkers(line []byte) []byte {
	if !bytes.Contains(line, markOpenBytes) {
		return line
	}
	return r.appendResolved(make([]byte, 0, len(line)), line)
}

// linePool holds copies of lines being rewritten in place.
var linePool = sync.Pool{New: func() any { return new([]byte) }}

// appendResolved appends line to out with each marker replaced by the
// log's placeholder of its secret.
func (r *Redactor) appendResolved(out, line []byte) []byte {
	open := markOpenBytes
	values, _ := r.secrets.Snapshot()
	for {
		i := bytes.Index(line, open)
		if i < 0 {
			return append(out, line...)
		}
		out = append(out, line[:i]...)
		rest := line[i+len(open):]
		j := bytes.IndexRune(rest, markClose)
		n, err := strconv.Atoi(string(rest[:max(j, 0)]))
		if j < 0 || err != nil || n < 0 || n >= len(values) {
			// Not a marker of ours: keep the rune.
			out = append(out, open...)
			line = rest
			continue
		}
		out = append(out, r.ph.Redact(values[n])...)
		line = rest[j+utf8.RuneLen(markClose):]
	}
}

// replaceInStrings replaces, inside every JSON string value of the
// encoded document line (keys, numbers and structure left as they are),
// every registered secret by its marker.
func replaceInStrings(line []byte, ix *events.ValueIndex) []byte {
	var buf []byte
	return replaceInStringsMin(line, events.MinValueLen, func(seg string) (string, bool) {
		var changed bool
		buf, changed = ix.AppendReplace(buf[:0], seg, marker)
		if !changed {
			return seg, false
		}
		return string(buf), true
	})
}

// replaceInStringsMin applies rep inside every JSON string value of at
// least min bytes; rep says whether it changed the string.
func replaceInStringsMin(line []byte, min int, rep func(string) (string, bool)) []byte {
	var out []byte
	last := 0
	var lastKey []byte
	for i := 0; i < len(line); i++ {
		if line[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(line) && line[j] != '"' {
			if line[j] == '\\' {
				j++
			}
			j++
		}
		if j > len(line) {
			j = len(line)
		}
		key := isKey(line, j+1)
		if key {
			lastKey = line[i+1 : j]
		}
		if j-(i+1) >= min && !key && !structuralKeys[string(lastKey)] {
			seg := string(line[i+1 : j])
			if red, changed := rep(seg); changed {
				if out == nil {
					out = make([]byte, 0, len(line)+64)
				}
				out = append(out, line[last:i+1]...)
				out = append(out, red...)
				last = j
			}
		}
		i = j
	}
	if out == nil {
		return line
	}
	return append(out, line[last:]...)
}

// structuralKeys hold the log's and the machine's own words (a record's
// kind and type, a transition's states and event, an operation, ids and
// times, a node's type and group), never a secret: a password that happens
// to equal one ("loading", "transition") must not rewrite the record's
// structure, which would break its decoding and replay and give the
// password away. The password itself is replaced where its meaning marks
// it.
var structuralKeys = map[string]bool{
	"kind": true, "type": true, "from": true, "to": true, "event": true,
	"operation": true, "state": true, "id": true, "time": true, "seq": true,
	"correlation_id": true, "causation_id": true, "flow_id": true,
	"class": true, "group": true, "node_type": true, "aal": true,
	"schema_version": true, "app_version": true,
}

// isKey reports whether the string that ended just before i is an object
// key (a colon follows).
func isKey(line []byte, i int) bool {
	for ; i < len(line); i++ {
		switch line[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}
