package flowlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
)

// PII replaces personal data with stable pseudonyms, for recordings meant
// to be shared (--redact-pii): identifiers and e-mail addresses become
// user-N@example.invalid (or user-N for an identifier that is not an
// address), name traits become name-N. The same value gets the same
// pseudonym everywhere in one log, so the log still replays. What is
// personal is decided by meaning: the sign-in identifier, the identity's
// identifiers and addresses, traits whose path has a name key (name,
// first, last, given_name, ...), and any e-mail address in any string; a
// session device's IP address and location become ip-N and place-N.
// Other traits (postal_code, country_code...) are kept.
type PII struct {
	mu      sync.Mutex
	pseudo  map[string]string
	users   int
	names   int
	places  map[string]int // ip, place
	version int
	built   int
	rep     *events.Replacer
}

// NewPII returns an empty set of pseudonyms.
func NewPII() *PII { return &PII{pseudo: map[string]string{}, built: -1} }

// emailRE matches an e-mail address inside a string.
var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)

// pseudonymRE matches what PII writes.
var pseudonymRE = regexp.MustCompile(`^(user-[0-9]+(@example\.invalid)?|name-[0-9]+|ip-[0-9]+|place-[0-9]+)$`)

// deviceKeys are the keys of a session's device that locate a person: its
// IP address (with the port Kratos keeps) and the location Kratos derived.
var deviceKeys = map[string]string{"ip_address": "ip", "location": "place"}

// minPIILen is the shortest personal value replaced by value. Values are
// replaced only where they stand as a token of their own (never inside a
// longer word), so a two-letter name (Li, Wu, Ng) is replaced too; a
// one-letter one is replaced only where its meaning marks it.
const minPIILen = 2

// nameKeys are the trait keys that hold a person's name.
var nameKeys = map[string]bool{
	"name": true, "first": true, "last": true, "first_name": true, "last_name": true,
	"given_name": true, "family_name": true, "middle_name": true, "full_name": true,
	"display_name": true, "nickname": true, "firstname": true, "lastname": true,
}

// identifierKeys are the keys whose string values identify a user.
var identifierKeys = map[string]bool{"identifier": true, "identifiers": true, "email": true, "address": true}

// Value returns the pseudonym of v, making one of kind "user" or "name".
func (p *PII) Value(v, kind string) string {
	// A value an adapter already scrubbed ("[redacted]": a password typed
	// into the identifier field) or redacted is no personal value.
	if v == "" || pseudonymRE.MatchString(v) || events.IsPlaceholder(v) || v == "[redacted]" || v == events.Redacted {
		return v
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if ps, ok := p.pseudo[v]; ok {
		return ps
	}
	var ps string
	switch {
	case kind == "name":
		p.names++
		ps = fmt.Sprintf("name-%d", p.names)
	case kind == "ip" || kind == "place":
		if p.places == nil {
			p.places = map[string]int{}
		}
		p.places[kind]++
		ps = fmt.Sprintf("%s-%d", kind, p.places[kind])
	case emailRE.MatchString(v) && emailRE.FindString(v) == v:
		p.users++
		ps = fmt.Sprintf("user-%d@example.invalid", p.users)
	default:
		p.users++
		ps = fmt.Sprintf("user-%d", p.users)
	}
	p.pseudo[v] = ps
	p.version++
	return ps
}

// Line returns an encoded record with every personal value replaced.
func (p *PII) Line(line []byte) []byte {
	var v any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if dec.Decode(&v) == nil {
		p.collect(v, "", false)
	}
	rep := p.replacer()
	if rep == nil {
		return line
	}
	return replaceInStringsMin(line, 1, func(seg string) (string, bool) {
		red := rep.Replace(seg)
		return red, red != seg
	})
}

func (p *PII) replacer() *events.Replacer {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.built == p.version {
		return p.rep
	}
	var pairs []string
	for v, ps := range p.pseudo {
		if len(v) < minPIILen {
			continue
		}
		for _, e := range events.Encodings(v) {
			pairs = append(pairs, e, ps)
		}
	}
	// Pseudonyms map to themselves so that nothing is replaced inside one.
	for _, ps := range p.pseudo {
		pairs = append(pairs, ps, ps)
	}
	p.built = p.version
	p.rep = nil
	if len(pairs) > 0 {
		p.rep = events.NewLongestFirstReplacer(pairs...)
	}
	return p.rep
}

// traitKind says what a trait at a dotted path ("name.first", "email") is.
func traitKind(path string) string {
	for _, seg := range strings.Split(strings.ToLower(path), ".") {
		if nameKeys[seg] {
			return "name"
		}
		if seg == "email" || seg == "username" || seg == "phone" {
			return "user"
		}
	}
	return ""
}

// collect finds personal values in v: key is the key v is under, traits
// whether it is inside identity traits.
func (p *PII) collect(v any, key string, traits bool) {
	switch t := v.(type) {
	case map[string]any:
		// A form node's attributes or a FieldChanged: {"name"|"field":
		// "traits.name.first", "value": ...}.
		field, _ := t["name"].(string)
		if f, ok := t["field"].(string); ok {
			field = f
		}
		if val, ok := t["value"].(string); ok && field != "" {
			if field == "identifier" {
				p.Value(val, "user")
			} else if path, ok := strings.CutPrefix(field, "traits."); ok {
				if k := traitKind(path); k != "" {
					p.Value(val, k)
				}
			}
		}
		for k, child := range t {
			inTraits := traits || k == "traits"
			if path, ok := strings.CutPrefix(k, "traits."); ok {
				if s, isStr := child.(string); isStr {
					if kind := traitKind(path); kind != "" {
						p.Value(s, kind)
					}
				}
			}
			p.collect(child, k, inTraits)
		}
	case []any:
		for _, child := range t {
			p.collect(child, key, traits)
		}
	case string:
		if traits && key != "traits" {
			if kind := traitKind(key); kind != "" {
				p.Value(t, kind)
			}
		} else if identifierKeys[strings.ToLower(key)] {
			p.Value(t, "user")
		} else if kind, ok := deviceKeys[strings.ToLower(key)]; ok {
			p.Value(t, kind)
		}
		for _, m := range emailRE.FindAllString(t, -1) {
			if !strings.HasSuffix(m, "@example.invalid") {
				p.Value(m, "user")
			}
		}
	}
}
