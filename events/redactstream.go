package events

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// The meaning pass over a JSON document's own bytes. RedactJSON used to
// decode a document into maps, walk it and encode it again; for a valid
// document it now reads the document's tokens once and writes them out as
// that did (compact, keys sorted, a repeated key once), every secret
// replaced where redactWalk finds it: the rules are the same, so is what
// becomes a secret. An unchanged string or number is copied as it came
// (a Go encoder, as Kratos's, writes it as encoding it again would).

// jsonTok is one token of a valid JSON document: its kind ('{', '}', '[',
// ']', 'k' a key, 's' a string, 'n' a number, 'l' true/false/null), its
// bytes raw[start:end] (a string's with its quotes), and for '{' and '['
// the index of the token that closes it. A string's flags say what the
// tokenizer saw in it, so that it is not read again to find out.
type jsonTok struct {
	kind       byte
	flags      byte
	start, end int32
	close      int32
}

// The flags of a string token.
const (
	// tokEscape: the string has a backslash escape.
	tokEscape = 1 << iota
	// tokHigh: the string has a byte from 0x80 (UTF-8, maybe invalid).
	tokHigh
	// tokHTML: the string has '<', '>', '&', U+2028 or U+2029, which
	// encoding/json escapes in its HTML-safe output.
	tokHTML
)

// strPlain marks the bytes a string token holds with nothing to note:
// printable ASCII but for '"', '\\', '<', '>' and '&'.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// tokenizer reads a JSON document into tokens, checking it as json.Valid
// does (the same grammar, any bytes from 0x20 in strings, the same depth
// limit), so that the document is read once.
type tokenizer struct {
	raw   []byte
	i     int
	toks  []jsonTok
	depth int
}

// tokenize returns the tokens of raw appended to toks, and whether raw is
// one valid JSON value.
func tokenize(raw []byte, toks []jsonTok) ([]jsonTok, bool) {
	t := tokenizer{raw: raw, toks: toks}
	t.space()
	if !t.value() {
		return t.toks, false
	}
	t.space()
	return t.toks, t.i == len(raw)
}

func (t *tokenizer) space() {
	for t.i < len(t.raw) {
		switch t.raw[t.i] {
		case ' ', '\t', '\n', '\r':
			t.i++
		default:
			return
		}
	}
}

func (t *tokenizer) value() bool {
	if t.i >= len(t.raw) {
		return false
	}
	switch c := t.raw[t.i]; {
	case c == '{' || c == '[':
		if t.depth++; t.depth > 10000 {
			return false
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		open := len(t.toks)
		t.toks = append(t.toks, jsonTok{kind: c, start: int32(t.i), end: int32(t.i + 1)})
		t.i++
		t.space()
		if t.i < len(t.raw) && t.raw[t.i] == closer {
			t.closeAt(open, closer)
			return true
		}
		for {
			if c == '{' {
				if !t.str('k') {
					return false
				}
				t.space()
				if t.i >= len(t.raw) || t.raw[t.i] != ':' {
					return false
				}
				t.i++
				t.space()
			}
			if !t.value() {
				return false
			}
			t.space()
			if t.i >= len(t.raw) {
				return false
			}
			if t.raw[t.i] == closer {
				t.closeAt(open, closer)
				return true
			}
			if t.raw[t.i] != ',' {
				return false
			}
			t.i++
			t.space()
		}
	case c == '"':
		return t.str('s')
	case c == '-' || (c >= '0' && c <= '9'):
		start := t.i
		n := rawChecker{b: t.raw, i: t.i}
		if !n.number() {
			return false
		}
		t.i = n.i
		t.toks = append(t.toks, jsonTok{kind: 'n', start: int32(start), end: int32(t.i)})
		return true
	default:
		start := t.i
		n := rawChecker{b: t.raw, i: t.i}
		if !(n.lit("true") || n.lit("false") || n.lit("null")) {
			return false
		}
		t.i = n.i
		t.toks = append(t.toks, jsonTok{kind: 'l', start: int32(start), end: int32(t.i)})
		return true
	}
}

// closeAt ends the object or array opened at token open.
func (t *tokenizer) closeAt(open int, closer byte) {
	t.toks[open].close = int32(len(t.toks))
	t.toks = append(t.toks, jsonTok{kind: closer, start: int32(t.i), end: int32(t.i + 1)})
	t.i++
	t.depth--
}

// str reads a string token of the given kind.
func (t *tokenizer) str(kind byte) bool {
	raw := t.raw
	if t.i >= len(raw) || raw[t.i] != '"' {
		return false
	}
	var flags byte
	for j := t.i + 1; j < len(raw); j++ {
		c := raw[j]
		if strPlain[c] {
			continue
		}
		switch {
		case c == '"':
			t.toks = append(t.toks, jsonTok{kind: kind, flags: flags, start: int32(t.i), end: int32(j + 1)})
			t.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '<' || c == '>' || c == '&':
			flags |= tokHTML
		case c >= 0x80:
			flags |= tokHigh
			if c == 0xE2 && j+2 < len(raw) && raw[j+1] == 0x80 && (raw[j+2] == 0xA8 || raw[j+2] == 0xA9) {
				flags |= tokHTML
			}
		case c == '\\':
			flags |= tokEscape
			j++
			if j >= len(raw) {
				return false
			}
			switch raw[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(raw) {
					return false
				}
				for _, h := range raw[j+1 : j+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}

// isKeyAt reports whether a colon is the next byte but spaces from i.
func isKeyAt(raw []byte, i int) bool {
	for ; i < len(raw); i++ {
		switch raw[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

// tokenWalk walks a tokenized document as redactWalk walks a decoded one.
// With out set it writes the document, each secret replaced by r; r is
// called on every secret (as redactWalk calls it) either way.
type tokenWalk struct {
	raw  []byte
	toks []jsonTok
	r    Redactor
	out  []byte
	emit bool
	// members is scratch space for the members of the objects being
	// written, innermost last.
	members []member
}

// member is an object's member: its key and the index of its key token.
type member struct {
	key string
	tok int32
}

// byKey orders members by key, as encoding/json sorts a map's keys.
func byKey(a, b member) int { return strings.Compare(a.key, b.key) }

// view returns the text of a string token without copying it, when it has
// no escapes and is valid UTF-8 (what it decodes to is then exactly its
// bytes); ok is false otherwise.
func (w *tokenWalk) view(t jsonTok) (string, bool) {
	b := w.raw[t.start+1 : t.end-1]
	if t.flags&tokEscape != 0 || (t.flags&tokHigh != 0 && !utf8.Valid(b)) {
		return "", false
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), true
}

// text returns the decoded text of a string token, as a string of its own.
func (w *tokenWalk) text(t jsonTok) string {
	if s, ok := w.view(t); ok {
		return strings.Clone(s)
	}
	var s string
	_ = json.Unmarshal(w.raw[t.start:t.end], &s)
	return s
}

// peek returns the decoded text of a string token, possibly a view of raw
// (for comparisons only).
func (w *tokenWalk) peek(t jsonTok) string {
	if s, ok := w.view(t); ok {
		return s
	}
	return w.text(t)
}

func (w *tokenWalk) copyTok(t jsonTok) {
	if !w.emit {
		return
	}
	b := w.raw[t.start:t.end]
	if t.flags&tokHTML != 0 {
		// Encoding escapes these (HTML-safe JSON); so does this copy.
		w.out = appendString(w.out, w.text(t))
		return
	}
	w.out = append(w.out, b...)
}

func (w *tokenWalk) putString(s string) {
	if w.emit {
		w.out = appendString(w.out, s)
	}
}

// value walks the value at token i, found under key, and returns the index
// of the token after it. The flags are redactWalk's.
func (w *tokenWalk) value(i int, key string, secret, traits, node bool) int {
	t := w.toks[i]
	switch t.kind {
	case '{':
		end := int(t.close)
		// The members, each key read once; then the object's "name",
		// "type" and "id" strings (the last of a repeated key, as a
		// decoded map keeps it).
		base := len(w.members)
		for j := i + 1; j < end; j = w.next(j + 1) {
			w.members = append(w.members, member{key: w.peek(w.toks[j]), tok: int32(j)})
		}
		ms := w.members[base:]
		var name, typ, id string
		for _, m := range ms {
			var p *string
			switch m.key {
			case "name":
				p = &name
			case "type":
				p = &typ
			case "id":
				p = &id
			default:
				continue
			}
			if v := w.toks[m.tok+1]; v.kind == 's' {
				*p = w.peek(v)
			} else {
				*p = ""
			}
		}
		nodeSecret := !traits && (name != "" || typ != "") && IsSecretNode(name, typ)
		node = node || (id != "" && secretNodeIDs[id])
		if w.emit {
			// Written as encoding a decoded map wrote it: keys sorted, a
			// repeated key once, with its last value.
			if !slices.IsSortedFunc(ms, byKey) {
				slices.SortStableFunc(ms, byKey)
			}
			w.out = append(w.out, '{')
		}
		first := true
		for m, mb := range ms {
			if w.emit {
				if m+1 < len(ms) && ms[m+1].key == mb.key {
					continue // a later value of the same key wins
				}
				if !first {
					w.out = append(w.out, ',')
				}
				first = false
				w.copyTok(w.toks[mb.tok])
				w.out = append(w.out, ':')
			}
			k := mb.key
			s := secret || (!traits && IsSecretKey(k)) || (nodeSecret && k == "value")
			w.value(int(mb.tok)+1, k, s, traits || k == "traits", node && (s || !nodeLabelKeys[k]))
		}
		if w.emit {
			w.out = append(w.out, '}')
		}
		w.members = w.members[:base]
		return end + 1
	case '[':
		end := int(t.close)
		if w.emit {
			w.out = append(w.out, '[')
		}
		for j := i + 1; j < end; {
			if w.emit && j > i+1 {
				w.out = append(w.out, ',')
			}
			j = w.value(j, key, secret, traits, node)
		}
		if w.emit {
			w.out = append(w.out, ']')
		}
		return end + 1
	case 's':
		if secret || node {
			if t.end-t.start == 2 { // ""
				w.copyTok(t)
				return i + 1
			}
			w.putString(w.r(w.text(t)))
			return i + 1
		}
		if b := w.raw[t.start+1 : t.end-1]; len(b) > 8 && (b[0] == 'h' || b[0] == 'H') && isHTTPURL(w.peek(t)) {
			// An address with OAuth's state in its query, say.
			s := w.text(t)
			if red := RedactURLQuery(s, w.r); red != s {
				w.putString(red)
			} else {
				w.copyTok(t)
			}
			return i + 1
		}
		// A JSON document kept as text (a body cut short): only a string
		// that starts with '{' or '[' past its spaces can hold one.
		if s, ok := w.view(t); ok {
			if u := strings.TrimSpace(s); u == "" || (u[0] != '{' && u[0] != '[') {
				w.copyTok(t)
				return i + 1
			}
		}
		s := w.text(t)
		if red := RedactText(s, w.r); red != s {
			w.putString(red)
		} else {
			w.copyTok(t)
		}
		return i + 1
	case 'n':
		if secret && key != "code" && IsSecretField(key) {
			w.putString(w.r(string(w.raw[t.start:t.end])))
			return i + 1
		}
		w.copyTok(t)
		return i + 1
	default:
		w.copyTok(t)
		return i + 1
	}
}

// next returns the index of the token after the value at token i.
func (w *tokenWalk) next(i int) int {
	if k := w.toks[i].kind; k == '{' || k == '[' {
		return int(w.toks[i].close) + 1
	}
	return i + 1
}

// walkScratch is the token and member space of one walk, reused.
type walkScratch struct {
	toks    []jsonTok
	members []member
}

var walkPool = sync.Pool{New: func() any { return &walkScratch{toks: make([]jsonTok, 0, 256)} }}

// redactTokens redacts a valid JSON document that is an object or an
// array, as RedactJSON does, and returns it compact; ok is false when raw
// is not such a document (the caller decodes it instead).
func redactTokens(raw []byte, r Redactor, emit bool) (out []byte, ok bool) {
	if emit {
		out = make([]byte, 0, len(raw))
	}
	return redactTokensTo(out, raw, r, emit)
}

// redactTokensTo is redactTokens appending to dst (when emit): what it
// appends is valid, compact and HTML-safe JSON, as encoding/json writes
// it. When ok is false, dst comes back as it was and r was not called.
func redactTokensTo(dst, raw []byte, r Redactor, emit bool) (out []byte, ok bool) {
	start := 0
	for start < len(raw) && (raw[start] == ' ' || raw[start] == '\t' || raw[start] == '\n' || raw[start] == '\r') {
		start++
	}
	if start == len(raw) || (raw[start] != '{' && raw[start] != '[') {
		return dst, false
	}
	scratch := walkPool.Get().(*walkScratch)
	defer func() {
		if cap(scratch.toks) <= 1<<16 { // a huge document's tokens are let go
			walkPool.Put(scratch)
		}
	}()
	toks, valid := tokenize(raw, scratch.toks[:0])
	scratch.toks = toks
	if !valid {
		return dst, false
	}
	w := tokenWalk{raw: raw, r: r, emit: emit, toks: toks, members: scratch.members[:0], out: dst}
	w.value(0, "", false, false, false)
	scratch.members = w.members
	return w.out, true
}
