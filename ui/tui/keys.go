package tui

import (
	"fmt"
	"strings"
)

// binding is a key and what it does, for the help bar and overlay.
type binding struct {
	key  string
	does string
}

// globalBindings work on every screen.
var globalBindings = []binding{{"F1/?", "help"}, {"^C", "quit"}}

// helpBar is the one-line list of the screen's keys.
func helpBar(bs []binding) string {
	parts := make([]string, 0, len(bs)+len(globalBindings))
	for _, b := range append(append([]binding(nil), bs...), globalBindings...) {
		parts = append(parts, b.key+" "+b.does)
	}
	return strings.Join(parts, " · ")
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
	} {
		fmt.Fprintf(&b, "  %-10s %s\n", k.key, k.does)
	}
	return b.String()
}
