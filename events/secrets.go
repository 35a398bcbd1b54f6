package events

import (
	"encoding/json"
	"html"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// MinValueLen is the length (in bytes) from which a registered secret is
// also replaced by value, wherever it appears: the shortest one-time codes
// Kratos sends have six digits. A shorter secret (a password Kratos will
// reject anyway) is replaced only where its meaning marks it.
const MinValueLen = 6

// protocolWords are words of the Kratos API that appear as values
// everywhere in its answers (methods, node names and types, groups,
// states). A secret equal to one (a user who types "password" as the
// password) is replaced where its meaning marks it, not by value:
// replacing every "password" would rewrite the flows themselves and break
// their replay. Compared without case.
var protocolWords = map[string]bool{
	"password": true, "profile": true, "lookup_secret": true, "totp_code": true,
	"identifier": true, "csrf_token": true, "traits": true, "method": true,
	"submit": true, "hidden": true, "default": true, "webauthn": true,
	"passkey": true, "choose_method": true, "sent_email": true, "passed_challenge": true,
	"current-password": true, "new-password": true, "one-time-code": true,
	"session": true, "identity": true, "settings": true, "recovery": true,
	"verification": true, "registration": true, "success": true, "info": true,
	"error": true, "input": true, "email": true, "text": true, "button": true,
	"checkbox": true, "anchor": true, "script": true, "image": true,
}

// IsProtocolWord reports whether v is a word of the Kratos API that is
// never replaced by value (see protocolWords).
func IsProtocolWord(v string) bool { return protocolWords[strings.ToLower(v)] }

// IsPlaceholder reports whether s is a placeholder of a redacted secret:
// «secret:N», or the replay's «unrecorded-secret:N» (N decimal digits). It
// runs for every value redaction looks at, so it reads s by hand rather
// than through a regular expression.
func IsPlaceholder(s string) bool {
	rest, ok := strings.CutPrefix(s, "«")
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, "unrecorded-")
	if rest, ok = strings.CutPrefix(rest, "secret:"); !ok {
		return false
	}
	digits, ok := strings.CutSuffix(rest, "»")
	if !ok || digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// Secrets is the run-wide registry of secret values: every secret the run
// learns (a typed password or code, a session token, a TOTP secret, backup
// codes, an exchange code) is added when first seen, before anything
// holding it is written, and whoever writes (the flow log writer, the
// logger) replaces each one by value. It is safe for concurrent use; the
// values are kept in memory only.
type Secrets struct {
	mu      sync.RWMutex
	index   map[string]int
	values  []string
	version uint64
	// index finds the secrets by value (see ValueIndex), made on first
	// use and grown as secrets are added.
	valueOnce sync.Once
	byValue   *ValueIndex
}

// NewSecrets returns an empty registry.
func NewSecrets() *Secrets {
	return &Secrets{index: map[string]int{}}
}

// Add registers secrets. Empty values and placeholders are ignored. A nil
// registry ignores everything.
func (s *Secrets) Add(values ...string) {
	if s == nil {
		return
	}
	for _, v := range values {
		if v == "" || IsPlaceholder(v) {
			continue
		}
		s.mu.RLock()
		_, ok := s.index[v]
		s.mu.RUnlock()
		if ok {
			continue
		}
		s.mu.Lock()
		if _, ok := s.index[v]; !ok {
			s.index[v] = len(s.values)
			s.values = append(s.values, v)
			s.version++
		}
		s.mu.Unlock()
	}
}

// Learn registers every secret ev carries by meaning (see Redactable and
// RedactJSON). The JSON documents of trace events are read as a token
// stream (ScanSecrets), not rebuilt: the state machine calls Learn on
// every adapter result.
func (s *Secrets) Learn(ev Event) {
	if s == nil || ev == nil {
		return
	}
	switch e := ev.(type) {
	case AdapterCalled:
		s.learnRaw(e.Request)
	case AdapterReturned:
		s.learnRaw(e.Result)
		if strings.HasPrefix(e.Operation, "tokens.") {
			var tok string
			if json.Unmarshal(e.Result, &tok) == nil {
				s.Add(tok)
			}
		}
		if e.Error != nil && e.Error.Flow != nil {
			if raw, err := json.Marshal(e.Error.Flow); err == nil {
				s.learnRaw(raw)
			}
		}
		if e.Error != nil {
			RedactURLsInText(e.Error.Message, s.Redactor())
		}
		for _, h := range e.HTTP {
			RedactURLQuery(h.URL, s.Redactor())
			RedactURLsInText(h.Error, s.Redactor())
			s.learnRaw(h.Request)
			s.learnRaw(h.Response)
			for k, vs := range h.Headers {
				if IsSecretKey(k) {
					s.Add(vs...)
				}
			}
			for k, vs := range h.ResponseHeaders {
				switch {
				case IsSecretKey(k):
					s.Add(vs...)
				case strings.EqualFold(k, "location"):
					for _, v := range vs {
						RedactURLQuery(v, s.Redactor())
					}
				}
			}
		}
	default:
		Redact(ev, func(v string) string { s.Add(v); return v })
	}
}

// learnRaw registers the secrets of a JSON document, or of the JSON text
// a JSON string holds (a body kept cut short).
func (s *Secrets) learnRaw(raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	if raw[0] == '"' {
		var text string
		if json.Unmarshal(raw, &text) == nil {
			s.Add(ScanSecrets(text)...)
		}
		return
	}
	s.Add(scanSecretsBytes(raw)...)
}

// LearnJSON registers every secret a JSON document (or a JSON text cut
// short) holds by meaning.
func (s *Secrets) LearnJSON(doc []byte) {
	if s == nil || len(doc) == 0 {
		return
	}
	s.Add(scanSecretsBytes(doc)...)
}

// Redactor returns a Redactor that registers each secret it is given and
// returns it unchanged (for meaning passes whose output is replaced by
// value afterwards).
func (s *Secrets) Redactor() Redactor {
	return func(v string) string { s.Add(v); return v }
}

// Index returns the number of a registered secret, counting from 0 in the
// order they were added.
func (s *Secrets) Index(v string) (int, bool) {
	if s == nil {
		return 0, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.index[v]
	return i, ok
}

// Len returns how many secrets are registered.
func (s *Secrets) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.values)
}

// Snapshot returns the registered secrets in the order they were added,
// and a version that changes whenever one is added.
func (s *Secrets) Snapshot() ([]string, uint64) {
	if s == nil {
		return nil, 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.values[:len(s.values):len(s.values)], s.version
}

// Redacted replaces a secret in texts that are not recordings (logs, error
// messages).
const Redacted = "«redacted»"

// Scrub returns text with every registered secret of at least MinValueLen
// bytes, in each of its encodings (see Encodings), replaced by Redacted.
// A text that holds none is returned as it is, read once; the index of
// encodings grows with the registry instead of being rebuilt.
func (s *Secrets) Scrub(text string) string {
	if s == nil || text == "" {
		return text
	}
	ix := s.ValueIndex()
	if !ix.Contains(text) {
		return text
	}
	out, _ := ix.AppendReplace(make([]byte, 0, len(text)), text, func(int) string { return Redacted })
	return string(out)
}

// ValueIndex returns the index of every registered secret's encodings,
// brought up to date with the registry.
func (s *Secrets) ValueIndex() *ValueIndex {
	s.valueOnce.Do(func() { s.byValue = newValueIndex() })
	values, _ := s.Snapshot()
	s.byValue.sync(values)
	return s.byValue
}

// Encodings returns the forms a secret takes in what is written: as is,
// JSON-escaped (once, and twice for a JSON text kept inside a JSON string),
// URL-encoded (query and path), and HTML-escaped (an error page).
func Encodings(v string) []string {
	forms := []string{v}
	add := func(f string) {
		for _, g := range forms {
			if g == f {
				return
			}
		}
		forms = append(forms, f)
	}
	esc := jsonEscapeHTML(v)
	add(esc)
	add(jsonEscapeHTML(esc))
	add(jsonEscapePlain(v))
	add(url.QueryEscape(v))
	add(url.PathEscape(v))
	add(html.EscapeString(v))
	add(jsonEscapeHTML(html.EscapeString(v)))
	return forms
}

func jsonEscapeHTML(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func jsonEscapePlain(s string) string {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := strings.TrimSpace(sb.String())
	return out[1 : len(out)-1]
}

// Replacer replaces whole values in texts: each old string, tried longest
// first, where it stands as a token of its own. An old string that begins
// (ends) with a letter or digit is not replaced where a letter or digit
// stands right before (after) it: a six-digit code inside a timestamp's
// fraction ("…52.123456341Z"), or a name inside a longer word, is not that
// secret, and replacing it would corrupt the record.
type Replacer struct {
	// fast finds, in one pass, whether a text holds any old string at all.
	fast  *strings.Replacer
	pairs []replacePair
	// then, when set, replaces in what this one returns: a registry that
	// grows keeps a large replacer built now and then and a small one of
	// the secrets added since (see Chain).
	then *Replacer
}

// Chain returns a Replacer that applies a, then b; either may be nil.
func Chain(a, b *Replacer) *Replacer {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	c := *a
	c.then = Chain(a.then, b)
	return &c
}

type replacePair struct{ old, repl string }

// NewLongestFirstReplacer returns a Replacer of the old, new pairs.
func NewLongestFirstReplacer(pairs ...string) *Replacer {
	ps := make([]replacePair, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != "" {
			ps = append(ps, replacePair{pairs[i], pairs[i+1]})
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].old) > len(ps[j].old) })
	flat := make([]string, 0, 2*len(ps))
	for _, p := range ps {
		// The fast pass only detects: every match maps to a marker byte
		// that cannot occur in the text's old strings.
		flat = append(flat, p.old, "\x00")
	}
	return &Replacer{fast: strings.NewReplacer(flat...), pairs: ps}
}

// Replace returns s with every old string that stands as a token replaced
// by its new string.
func (r *Replacer) Replace(s string) string {
	if r == nil {
		return s
	}
	if r.then != nil {
		c := *r
		c.then = nil
		return r.then.Replace(c.Replace(s))
	}
	if len(r.pairs) == 0 || r.fast.Replace(s) == s {
		return s
	}
	var sb strings.Builder
	i := 0
outer:
	for i < len(s) {
		for _, p := range r.pairs {
			if strings.HasPrefix(s[i:], p.old) && bounded(s, i, i+len(p.old)) {
				sb.WriteString(p.repl)
				i += len(p.old)
				continue outer
			}
		}
		sb.WriteByte(s[i])
		i++
	}
	return sb.String()
}

// bounded reports whether s[i:j] is not glued to a letter or digit: its
// first byte, when a letter or digit, has none before it, and likewise its
// last byte and the byte after it.
//
// Nor is s[i:j] a token of its own when it is part of an e-mail address
// (its local part, a label of its domain): a password that is the user's
// own name ("alice" of alice@example.com) would otherwise be marked as
// the password in every later record that shows the address, which
// earlier records show in clear.
func bounded(s string, i, j int) bool {
	if i > 0 && isWordByte(s[i]) && isWordByte(s[i-1]) && !afterEscape(s, i) {
		return false
	}
	if j < len(s) && isWordByte(s[j-1]) && isWordByte(s[j]) {
		return false
	}
	return !partOfEmail(s, i, j)
}

// partOfEmail reports whether s[i:j] is exactly the local part, the
// domain or one label of the domain of an e-mail address written in s
// (not one inside a URL's user:password@host, nor one percent-encoded):
// the user's own text, which earlier records show in clear. Any other
// match inside such a token ("Hunter2+bob@…", "code-4829-sent-to-bob@…")
// is replaced as usual.
func partOfEmail(s string, i, j int) bool {
	l, r := i, j
	for l > 0 && isEmailByte(s[l-1]) {
		l--
	}
	for r < len(s) && isEmailByte(s[r]) {
		r++
	}
	if l == i && r == j {
		return false // the match is the whole token
	}
	tok := s[l:r]
	at := strings.IndexByte(tok, '@')
	if at <= 0 || strings.Count(tok, "@") != 1 || strings.IndexByte(tok, '%') >= 0 || (l > 0 && (s[l-1] == ':' || s[l-1] == '/')) {
		return false
	}
	domain := tok[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return false
	}
	dl := l + at + 1 // where the domain starts in s
	switch {
	case i == l && j == l+at: // the local part
		return true
	case i == dl && j == r: // the domain
		return true
	case i >= dl && (s[i-1] == '.' || i == dl) && (j == r || s[j] == '.'): // a label
		return true
	}
	return false
}

func isEmailByte(c byte) bool {
	return isWordByte(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@'
}

// afterEscape reports whether s[:i] ends with a JSON escape (\n, \u003e)
// or a URL percent-escape (%3A, %0A): its last letter or digit is not part
// of a word of the text it encodes.
func afterEscape(s string, i int) bool {
	if i >= 2 && s[i-2] == '\\' && strings.IndexByte("nrtbf", s[i-1]) >= 0 {
		return true
	}
	if i >= 3 && s[i-3] == '%' && isHex(s[i-2]) && isHex(s[i-1]) {
		return true
	}
	if i >= 6 && s[i-6] == '\\' && s[i-5] == 'u' {
		for _, c := range []byte(s[i-4 : i]) {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
		return true
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ScrubWriter is an io.Writer (for a logger: zerolog writes one record per
// Write, at every level) that writes to W with every secret of Secrets
// replaced by value (see Scrub).
type ScrubWriter struct {
	W       io.Writer
	Secrets *Secrets
}

// Write implements io.Writer.
func (w ScrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.W, w.Secrets.Scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
