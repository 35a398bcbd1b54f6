// Package termtext makes text read from a flow log (or any other
// untrusted source) safe to print on a terminal or in a text document:
// control characters (C0, DEL, C1), Unicode format characters (bidi
// overrides and isolates such as U+202E, zero-width characters, the
// byte-order mark), line and paragraph separators, and bytes that are not
// UTF-8 are written as visible escapes (\u001b, \u202e, \xff), so a
// crafted log cannot set a terminal's title, write its clipboard (OSC 52),
// clear or fake lines, or reorder what is shown.
//
// Every text output of kratos-tui that shows values from a log (trace
// --format text, mermaid, mermaid-sequence, diff, replay's report, the
// command's error) goes through Escape or EscapeText.
package termtext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every unsafe character escaped, line breaks and
// tabs included: the result is one line. It returns s itself when there is
// nothing to escape (no allocation).
func Escape(s string) string { return escape(s, false) }

// EscapeText is Escape for a text of several lines: it keeps '\n' and
// '\t' and escapes everything else Escape does ('\r' included, which could
// overwrite a line).
func EscapeText(s string) string { return escape(s, true) }

// Unsafe reports whether r is escaped by Escape.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r < 0xa0:
		return false
	case r == '\u2028', r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

func escape(s string, keepLines bool) string {
	i := firstUnsafe(s, keepLines)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f || keepLines && (c == '\n' || c == '\t') {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, `\u%04x`, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, c)
		case Unsafe(r) && r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// firstUnsafe is the index of the first byte to escape, or -1.
func firstUnsafe(s string, keepLines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && !(keepLines && (c == '\n' || c == '\t')) || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || Unsafe(r) {
			return i
		}
		i += n
	}
	return -1
}
