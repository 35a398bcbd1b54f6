package kratos

import (
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// TestScrubWholeTokens: a secret a server echoes is removed where it
// stands as a token, but not from inside the user's e-mail address (a
// password that is the address's local part would otherwise show as
// "[redacted]@example.com", telling what it is) nor from inside a word.
func TestScrubWholeTokens(t *testing.T) {
	secrets := []string{"alice4711", "hunter2222"}
	if got := scrub("wrong password hunter2222 for alice4711@example.com", secrets); got != "wrong password [redacted] for alice4711@example.com" {
		t.Errorf("scrub: %q", got)
	}
	if got := scrub("xhunter2222y", secrets); got != "xhunter2222y" {
		t.Errorf("inside a word: %q", got)
	}
	f := &adapters.Flow{}
	f.UI.Nodes = []adapters.Node{{Attributes: adapters.NodeAttributes{Name: "identifier", Value: "alice4711@example.com"}}}
	scrubFlow(f, secrets)
	if v := f.UI.Nodes[0].Attributes.Value; v != "alice4711@example.com" {
		t.Errorf("the identifier became %q", v)
	}
}
