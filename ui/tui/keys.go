package tui

import (
	"fmt"
	"strings"

	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// binding is a key and what it does, for the help bar and overlay.
type binding struct {
	key  string
	does string
}

// The keys of the whole client. F1 opens the help everywhere; ? and q
// only where no text field has the focus (there they are letters, as in
// k9s and lazygit); Ctrl-C quits everywhere.
var (
	helpKeyTyping = binding{"F1", "help"}
	helpKey       = binding{"F1/?", "help"}
	quitKey       = binding{"q", "quit"}
	ctrlCKey      = binding{"^C", "quit"}
)

// barBindings are the keys that work now, in the order the help bar
// shows them: the screen's (or those of the question, overlay or call in
// flight that takes the keys), then the global ones that apply.
func (v *view) barBindings() []binding {
	switch {
	case v.layout.tooSmall():
		return []binding{ctrlCKey}
	case v.asking != nil:
		return []binding{{"y", "yes"}, {"other keys", "no"}, ctrlCKey}
	case v.busy || v.waiting:
		// Keys typed now wait for the next form; Esc abandons the call.
		return []binding{{"Esc", "cancel"}, ctrlCKey}
	case v.holding():
		return []binding{ctrlCKey}
	case v.qrOpen:
		return []binding{{"Esc/Enter/F3/z/q", "close"}, ctrlCKey}
	case v.helpOpen:
		return []binding{{"Esc/F1/?/q", "close help"}, {"↑↓/PgUp/PgDn", "scroll"}, ctrlCKey}
	}
	bs := append([]binding(nil), v.screen.bindings()...)
	if v.typing() {
		return append(bs, helpKeyTyping, ctrlCKey)
	}
	return append(bs, helpKey, quitKey, ctrlCKey)
}

// helpBar lays out bindings in lines of at most width columns, breaking
// between entries: every key is listed, on a second line (or more) when
// one is not enough.
func helpBar(bs []binding, width int) []string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.key + " " + b.does
	}
	return termtext.Rows(parts, " · ", width)
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
		{"F1", "this help"},
		{"?", "this help, where no text field has the focus"},
		{"Esc", "close this help"},
		{"Ctrl-C", "quit (the session is kept)"},
		{"q", "quit, where no text field has the focus"},
	} {
		fmt.Fprintf(&b, "  %-10s %s\n", k.key, k.does)
	}
	return b.String()
}
