package traceview

import (
	"bytes"
	"net/http"
	"strings"
)

// A search renders a record's text (Summary and Detail) to look in it,
// which costs far more than reading its line. The text is the line's
// values laid out with words of the viewer's own; so a record whose line
// lacks the query's longest word can hold the query only when that word
// is one the viewer adds: a word of the layout (request, exchange, Bad…),
// part of the machine's state, or a short number (a time or latency
// reformatted). mayHold tells the records worth rendering.

// layoutWords are the words the record pane and the summary add.
var layoutWords = func() []string {
	ws := strings.Fields("seq time fsm state id correlation causation flow http exchange of ms request response none kratos messages data screen shown ok error")
	for code := 100; code < 600; code++ {
		ws = append(ws, strings.Fields(strings.ToLower(http.StatusText(code)))...)
	}
	return ws
}()

// searchKey picks the longest ASCII word (letters and digits) of a
// lowered query that the viewer cannot add to a record's text itself;
// derivable is true when every word could be the viewer's.
func searchKey(q string) (word string, derivable bool) {
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !isWordByte(r) }) {
		if len(w) > len(word) && !layoutWord(w) {
			word = w
		}
	}
	return word, word == ""
}

// layoutWord reports whether the viewer could write w (or a word holding
// it) whatever a record's line holds: a short word with a digit (a time or
// a latency it formats: ".060Z", "3ms") or part of a word of its layout.
func layoutWord(w string) bool {
	if strings.ContainsAny(w, "0123456789") {
		return len(w) < 7
	}
	for _, lw := range layoutWords {
		if strings.Contains(lw, w) {
			return true
		}
	}
	return false
}

func isWordByte(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// mayHold reports whether a record whose line is line, with the machine
// in state, can hold a query whose key is word.
func mayHold(line []byte, state, word string, derivable bool) bool {
	if derivable || strings.Contains(strings.ToLower(state), word) {
		return true
	}
	return containsFold(line, word)
}

// containsFold reports whether s holds the lowered ASCII word, ignoring
// the case of s.
func containsFold(s []byte, word string) bool {
	if len(word) == 0 {
		return true
	}
	first := word[0]
	upper := first
	if first >= 'a' && first <= 'z' {
		upper = first - 'a' + 'A'
	}
	for i := 0; i+len(word) <= len(s); {
		j := bytes.IndexByte(s[i:], first)
		if k := bytes.IndexByte(s[i:], upper); k >= 0 && (j < 0 || k < j) {
			j = k
		}
		if j < 0 {
			return false
		}
		i += j
		if i+len(word) <= len(s) && bytes.EqualFold(s[i:i+len(word)], []byte(word)) {
			return true
		}
		i++
	}
	return false
}
