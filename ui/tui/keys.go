package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// binding is a key and what it does, for the help bar and overlay.
type binding struct {
	key  string
	does string
}

// globalBindings work on every screen.
var globalBindings = []binding{{"F1/?", "help"}, {"^C", "quit"}}

// helpBar is the one-line list of the screen's keys, as many as fit in
// width before the global ones (the overlay lists them all).
func helpBar(bs []binding, width int) string {
	var tail []string
	for _, b := range globalBindings {
		tail = append(tail, b.key+" "+b.does)
	}
	room := width - utf8.RuneCountInString(strings.Join(tail, " · "))
	var parts []string
	for _, b := range bs {
		part := b.key + " " + b.does
		if room-utf8.RuneCountInString(part)-3 < 0 {
			break
		}
		room -= utf8.RuneCountInString(part) + 3
		parts = append(parts, part)
	}
	return strings.Join(append(parts, tail...), " · ")
}

// helpText is the help overlay: every key of the current screen and the
// global ones.
func helpText(v *view) string {
	var b strings.Builder
	b.WriteString("Keys on this screen\n\n")
	for _, k := range v.screen.bindings() {
		fmt.Fprintf(&b, "  %-10s %s\n", k.key, k.does)
	}
	b.WriteString("\nEverywhere\n\n")
	for _, k := range []binding{
		{"? or F1", "this help (F1 in a text field)"},
		{"Esc", "close this help"},
		{"Ctrl-C", "quit (the session is kept)"},
		{"q", "quit, where no text field has the focus"},
	} {
		fmt.Fprintf(&b, "  %-10s %s\n", k.key, k.does)
	}
	return b.String()
}
