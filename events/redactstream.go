package events

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
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
// the index of the token that closes it.
type jsonTok struct {
	kind       byte
	start, end int32
	close      int32
}

// tokenize splits a document json.Valid accepted into tokens.
func tokenize(raw []byte, toks []jsonTok) []jsonTok {
	var stack []int32
	for i := 0; i < len(raw); {
		c := raw[i]
		switch c {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
		case '{', '[':
			stack = append(stack, int32(len(toks)))
			toks = append(toks, jsonTok{kind: c, start: int32(i), end: int32(i + 1)})
			i++
		case '}', ']':
			open := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			toks[open].close = int32(len(toks))
			toks = append(toks, jsonTok{kind: c, start: int32(i), end: int32(i + 1)})
			i++
		case '"':
			j := i + 1
			for raw[j] != '"' {
				if raw[j] == '\\' {
					j++
				}
				j++
			}
			kind := byte('s')
			if len(stack) > 0 && toks[stack[len(stack)-1]].kind == '{' && isKeyAt(raw, j+1) {
				kind = 'k'
			}
			toks = append(toks, jsonTok{kind: kind, start: int32(i), end: int32(j + 1)})
			i = j + 1
		default: // a number or a literal
			j := i
			for j < len(raw) && !strings.ContainsRune(" \t\n\r,:]}", rune(raw[j])) {
				j++
			}
			kind := byte('n')
			if c == 't' || c == 'f' || c == 'n' {
				kind = 'l'
			}
			toks = append(toks, jsonTok{kind: kind, start: int32(i), end: int32(j)})
			i = j
		}
	}
	return toks
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

// view returns the text of a string token without copying it, when it has
// no escapes and is valid UTF-8 (what it decodes to is then exactly its
// bytes); ok is false otherwise.
func (w *tokenWalk) view(t jsonTok) (string, bool) {
	b := w.raw[t.start+1 : t.end-1]
	for i, c := range b {
		if c == '\\' {
			return "", false
		}
		if c >= utf8.RuneSelf {
			if bytes.IndexByte(b[i:], '\\') >= 0 || !utf8.Valid(b[i:]) {
				return "", false
			}
			break
		}
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
	if (t.kind == 's' || t.kind == 'k') && !htmlSafe(b) {
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
		// The object's "name", "type" and "id" strings (the last of a
		// repeated key, as a decoded map keeps it).
		var name, typ, id string
		for j := i + 1; j < end; {
			k, v := w.toks[j], w.toks[j+1]
			if v.kind == 's' {
				switch w.peek(k) {
				case "name":
					name = w.peek(v)
				case "type":
					typ = w.peek(v)
				case "id":
					id = w.peek(v)
				}
			} else {
				switch w.peek(k) {
				case "name":
					name = ""
				case "type":
					typ = ""
				case "id":
					id = ""
				}
			}
			j = w.next(j + 1)
		}
		nodeSecret := !traits && (name != "" || typ != "") && IsSecretNode(name, typ)
		node = node || secretNodeIDs[id]
		if !w.emit {
			for j := i + 1; j < end; {
				k := w.peek(w.toks[j])
				s := secret || (!traits && IsSecretKey(k)) || (nodeSecret && k == "value")
				j = w.value(j+1, k, s, traits || k == "traits", node && (s || !nodeLabelKeys[k]))
			}
			return end + 1
		}
		// Written as encoding a decoded map wrote it: keys sorted, a
		// repeated key once, with its last value.
		base := len(w.members)
		for j := i + 1; j < end; j = w.next(j + 1) {
			w.members = append(w.members, member{key: w.peek(w.toks[j]), tok: int32(j)})
		}
		ms := w.members[base:]
		if !sort.SliceIsSorted(ms, func(a, b int) bool { return ms[a].key < ms[b].key }) {
			sort.SliceStable(ms, func(a, b int) bool { return ms[a].key < ms[b].key })
		}
		w.out = append(w.out, '{')
		first := true
		for m, mb := range ms {
			if m+1 < len(ms) && ms[m+1].key == mb.key {
				continue // a later value of the same key wins
			}
			if !first {
				w.out = append(w.out, ',')
			}
			first = false
			k := mb.key
			w.copyTok(w.toks[mb.tok])
			w.out = append(w.out, ':')
			s := secret || (!traits && IsSecretKey(k)) || (nodeSecret && k == "value")
			w.value(int(mb.tok)+1, k, s, traits || k == "traits", node && (s || !nodeLabelKeys[k]))
		}
		w.out = append(w.out, '}')
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

// redactTokens redacts a valid JSON document that is an object or an
// array, as RedactJSON does, and returns it compact; ok is false when raw
// is not such a document (the caller decodes it instead).
func redactTokens(raw []byte, r Redactor, emit bool) (out []byte, ok bool) {
	start := 0
	for start < len(raw) && (raw[start] == ' ' || raw[start] == '\t' || raw[start] == '\n' || raw[start] == '\r') {
		start++
	}
	if start == len(raw) || (raw[start] != '{' && raw[start] != '[') || !json.Valid(raw) {
		return nil, false
	}
	w := tokenWalk{raw: raw, r: r, emit: emit}
	w.toks = tokenize(raw, make([]jsonTok, 0, 64))
	if emit {
		w.out = make([]byte, 0, len(raw))
	}
	w.value(0, "", false, false, false)
	return w.out, true
}

// htmlSafe reports whether b has none of the characters encoding/json
// escapes in HTML-safe output: '<', '>', '&', U+2028 and U+2029.
func htmlSafe(b []byte) bool {
	for i, c := range b {
		switch c {
		case '<', '>', '&':
			return false
		case 0xE2:
			if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
				return false
			}
		}
	}
	return true
}
