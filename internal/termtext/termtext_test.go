package termtext

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, «secret:1», é, 日本": "plain text, «secret:1», é, 日本",
		"\x1b]0;PWNED\x07":              `\u001b]0;PWNED\u0007`,
		"\x1b]52;c;aGk=\x1b\\":          `\u001b]52;c;aGk=\u001b\`,
		"a\nb\tc\rd":                    `a\u000ab\u0009c\u000dd`,
		"\u009b31m":                     `\u009b31m`, // C1 CSI
		"abc\u202edef":                  `abc\u202edef`,
		"\u2066x\u2069\u200b\ufeff":     `\u2066x\u2069\u200b\ufeff`,
		"line\u2028sep":                 `line\u2028sep`,
		"bad\xffutf8\xc3":               `bad\xffutf8\xc3`,
		"\x7f":                          `\u007f`,
		"tag\U000E0041":                 `tag\U000e0041`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscapeText(t *testing.T) {
	in := "line 1\tx\nline 2\r\x1b[2J\u202e\n"
	want := "line 1\tx\nline 2\\u000d\\u001b[2J\\u202e\n"
	if got := EscapeText(in); got != want {
		t.Errorf("EscapeText(%q) = %q, want %q", in, got, want)
	}
}

// Every rune is either printed as is or escaped to ASCII: no unsafe rune
// survives.
func TestEscapeLeavesNothingUnsafe(t *testing.T) {
	var sb strings.Builder
	for r := rune(0); r < 0x30000; r++ {
		sb.WriteRune(r)
	}
	for _, r := range Escape(sb.String()) {
		if Unsafe(r) || r == '\n' || r == '\t' {
			t.Fatalf("%U survives Escape", r)
		}
	}
}

func TestEscapeNoCopyWhenSafe(t *testing.T) {
	s := "seq 12 TransitionMade loading → login"
	if n := testing.AllocsPerRun(100, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("%v allocations for a safe string", n)
	}
}
