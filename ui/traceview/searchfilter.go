package traceview

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
)

// A search renders a record's text (Summary and Detail) to look in it,
// which costs far more than reading its line. That text is the line's
// values laid out with words of the viewer's own, so a record can hold the
// query only if each word of the query is in its line, or is a word the
// viewer adds to that record: a word of every record's layout (seq, time,
// state, flow…), the machine's state, a short number (a time or a latency
// reformatted), or for an adapter result a word of its HTTP exchanges
// (request, response, Bad Request…). mayHold tells the records worth
// rendering; a query made of the viewer's own words only renders every
// record that may show them.

var (
	// everyRecordWords are the words Detail writes for every record.
	everyRecordWords = strings.Fields("seq time fsm state id correlation causation flow data")
	// resultWords are the words it writes for an adapter result.
	resultWords = func() []string {
		ws := strings.Fields("http exchange of ms request response none kratos messages ok error")
		for code := 100; code < 600; code++ {
			ws = append(ws, strings.Fields(strings.ToLower(http.StatusText(code)))...)
		}
		return ws
	}()
)

// wordClass says where the viewer may write a word itself.
type wordClass int

const (
	wordRaw      wordClass = iota // only in the line
	wordResult                    // in an adapter result's exchanges too
	wordAnywhere                  // in any record's text
)

// searchWord is one ASCII word (letters and digits) of a query.
type searchWord struct {
	w     string
	class wordClass
}

// searchWords splits a lowered query into its ASCII words and classes.
func searchWords(q string) []searchWord {
	var out []searchWord
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !isWordByte(r) }) {
		out = append(out, searchWord{w, classOf(w)})
	}
	return out
}

func classOf(w string) wordClass {
	if strings.ContainsAny(w, "0123456789") {
		if len(w) < 7 {
			return wordAnywhere // a time or a latency the pane formats: ".060Z", "3ms"
		}
		return wordRaw
	}
	for _, lw := range everyRecordWords {
		if strings.Contains(lw, w) {
			return wordAnywhere
		}
	}
	for _, lw := range resultWords {
		if strings.Contains(lw, w) {
			return wordResult
		}
	}
	return wordRaw
}

func isWordByte(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// mayHold reports whether a record of kind whose line is line, with the
// machine in state, can hold a query of words.
func mayHold(line []byte, kind events.Kind, state string, words []searchWord) bool {
	state = strings.ToLower(state)
	for _, w := range words {
		switch {
		case w.class == wordAnywhere:
		case w.class == wordResult && kind == events.KindAdapterResult:
		case strings.Contains(state, w.w):
		case containsFold(line, w.w):
		default:
			return false
		}
	}
	return true
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
