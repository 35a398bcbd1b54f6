package tui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
)

// barKey is a key a test can press.
type barKey struct {
	key tcell.Key
	r   rune
}

func (k barKey) String() string {
	if k.key == tcell.KeyRune {
		return string(k.r)
	}
	if k.key >= tcell.KeyCtrlA && k.key <= tcell.KeyCtrlZ {
		return "^" + string(rune('A'+k.key-tcell.KeyCtrlA))
	}
	return tcell.KeyNames[k.key]
}

// namedKeys are the keys the help bar names, by their name there.
var namedKeys = map[string]tcell.Key{
	"Esc": tcell.KeyEscape, "Enter": tcell.KeyEnter, "PgUp": tcell.KeyPgUp, "PgDn": tcell.KeyPgDn,
	"F1": tcell.KeyF1, "F2": tcell.KeyF2, "F3": tcell.KeyF3, "F4": tcell.KeyF4, "F5": tcell.KeyF5,
}

// navigation keys move the focus or the selection: their effect is a
// style, not text, so the frames cannot show it; they are left out.
var navigation = map[string]bool{"Tab": true, "↑↓": true, "↑": true, "↓": true, "j": true, "k": true, "^C": true, "other keys": true}

// helpBarOf returns the help bar's lines of a frame, joined: the last
// lines, each starting with one space and a key (a status line starts
// with its mark, and wraps with an indent).
func helpBarOf(t *testing.T, frame string) string {
	t.Helper()
	bar := barLines(frame)
	if len(bar) == 0 {
		t.Fatalf("no help bar at the bottom:\n%s", frame)
	}
	return strings.Join(bar, " · ")
}

// barLines are the help bar's lines at the bottom of a frame.
func barLines(frame string) []string {
	lines := strings.Split(strings.TrimRight(frame, "\n"), "\n")
	var bar []string
	for i := len(lines) - 1; i > 0; i-- {
		l := lines[i]
		if len(l) < 2 || l[0] != ' ' || l[1] == ' ' || strings.HasPrefix(l, " » ") || strings.HasPrefix(l, " ? ") ||
			strings.HasPrefix(l, "╚") || strings.ContainsAny(l[:4], "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏") {
			break
		}
		bar = append([]string{l}, bar...)
	}
	return bar
}

// changed reports whether a key changed the frame: anything but the
// status line, or a new message there (a notice goes with the first key,
// whichever it is).
func changed(before, after string) bool {
	split := func(frame string) (string, string) {
		lines := strings.Split(frame, "\n")
		status := ""
		for i, l := range lines {
			if strings.HasPrefix(l, "╚") && i+1 < len(lines) {
				status, lines[i+1] = strings.TrimSpace(lines[i+1]), ""
			}
		}
		return strings.Join(lines, "\n"), status
	}
	b, bs := split(before)
	a, as := split(after)
	return a != b || (as != bs && as != "")
}

// barKeys parses the keys a help bar names ("F2 sign up · PgUp/PgDn
// section · 1-4 section"), leaving out the navigation keys.
func barKeys(t *testing.T, bar string) map[string]barKey {
	t.Helper()
	out := map[string]barKey{}
	for _, entry := range strings.Split(bar, "·") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if strings.HasPrefix(entry, "other keys") {
			continue
		}
		names, does, _ := strings.Cut(entry, " ")
		if does == "scroll" || does == "select" || does == "move" {
			// Navigation: its effect is a style or a scroll position,
			// which a frame's text may not show.
			for _, name := range strings.Split(names, "/") {
				if k, ok := namedKeys[name]; ok {
					out["nav:"+name] = barKey{key: k}
				}
			}
			continue
		}
		for _, name := range strings.Split(names, "/") {
			switch {
			case navigation[name]:
			case namedKeys[name] != 0:
				out[name] = barKey{key: namedKeys[name]}
			case len(name) == 3 && name[1] == '-': // 1-4
				for d := name[0]; d <= name[2]; d++ {
					out[string(d)] = barKey{key: tcell.KeyRune, r: rune(d)}
				}
			case utf8.RuneCountInString(name) == 1:
				r, _ := utf8.DecodeRuneInString(name)
				out[name] = barKey{key: tcell.KeyRune, r: r}
			default:
				t.Fatalf("help bar entry %q names an unknown key", entry)
			}
		}
	}
	return out
}

// candidateKeys are pressed on every screen: every key any screen binds,
// and some that none does.
func candidateKeys() []barKey {
	var out []barKey
	for _, k := range []tcell.Key{tcell.KeyEscape, tcell.KeyEnter, tcell.KeyPgUp, tcell.KeyPgDn,
		tcell.KeyF1, tcell.KeyF2, tcell.KeyF3, tcell.KeyF4, tcell.KeyF5} {
		out = append(out, barKey{key: k})
	}
	for _, r := range "?qQsSgGlLvVRrtTdDzZyYx1234" {
		out = append(out, barKey{key: tcell.KeyRune, r: r})
	}
	return out
}

// TestHelpBarListsExactlyTheKeysThatWork: on every screen, each key the
// help bar names does something when pressed (an intent, a change on the
// screen, the end of the client), and each key it does not name does
// nothing but type into the text field that has the focus (issue 11,
// item 5: ? typed into forms while the bar said it opens help; Esc worked
// on the backup-code screen but was not shown).
func TestHelpBarListsExactlyTheKeysThatWork(t *testing.T) {
	for _, size := range [][2]int{{60, 16}} {
		for _, sc := range everyScreen {
			w, hh := size[0], size[1]
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, w, hh), func(t *testing.T) {
				checkHelpBar(t, sc, w, hh)
			})
		}
	}
}

func checkHelpBar(t *testing.T, sc screenCase, w, hh int) {
	var h *harness
	var before string
	fresh := func() {
		if h != nil {
			h.quit()
		}
		h = newHarness(t, w, hh, sc.options())
		sc.show(t, h)
		// The first key clears a notice, whichever it is: F12, bound
		// nowhere, does (and must do nothing else).
		n := len(h.host.intents())
		before = h.key(tcell.KeyF12)
		if len(h.host.intents()) > n {
			t.Fatalf("%s: F12 published %#v", sc.name, h.host.last())
		}
	}
	fresh()
	bar := helpBarOf(t, before)
	shown := barKeys(t, bar)
	// exact: the bar names this key; loose: or its other case (letters
	// work in either case unless each case has its own binding).
	exact := func(k barKey) bool { _, ok := shown[k.String()]; return ok }
	loose := func(k barKey) bool {
		if _, nav := shown["nav:"+k.String()]; exact(k) || nav {
			return true
		}
		if k.key != tcell.KeyRune {
			return false
		}
		other := strings.ToLower(string(k.r))
		if other == string(k.r) {
			other = strings.ToUpper(string(k.r))
		}
		_, ok := shown[other]
		return ok
	}
	keys := candidateKeys()
	for name, k := range shown {
		if !strings.HasPrefix(name, "nav:") {
			keys = append(keys, k)
		}
	}
	typing := !strings.Contains(bar, "?")
	for _, k := range keys {
		n := len(h.host.intents())
		var after string
		ended := false
		ended = h.pressSettled(k)
		if !ended && strings.Contains(bar, "q quit") && k == (barKey{key: tcell.KeyRune, r: 'q'}) {
			ended = h.waitEnd()
		}
		after = h.frame()
		did := ended || len(h.host.intents()) > n || changed(before, after)
		if k.key == tcell.KeyRune && typing && !loose(k) {
			// A letter types into the focused field: it must show there,
			// and nothing else may happen.
			if len(h.host.intents()) > n && !strings.HasPrefix(fmt.Sprintf("%T", h.host.last()), "events.FieldChanged") || ended {
				t.Errorf("%s: %q, not in the help bar (%s), did more than type: %#v", sc.name, k, bar, h.host.last())
			}
		} else {
			switch {
			case did && !loose(k):
				t.Errorf("%s: %s does something but the help bar (%s) does not say so:\n%s", sc.name, k, bar, after)
			case !did && exact(k) && !(k.r >= '1' && k.r <= '9'):
				// (A section's digit does nothing on that section.)
				t.Errorf("%s: %s is in the help bar (%s) but does nothing", sc.name, k, bar)
			}
		}
		if did {
			fresh()
		}
	}
}

// pressSettled presses k and waits for the frame after it, or for the
// client to end (q); it reports whether the client ended.
func (h *harness) pressSettled(k barKey) bool {
	h.t.Helper()
	n, _ := h.frames.get()
	mod := tcell.ModNone
	if k.key >= tcell.KeyCtrlA && k.key <= tcell.KeyCtrlZ {
		mod = tcell.ModCtrl
	}
	h.sim.InjectKey(k.key, k.r, mod)
	deadline := time.After(waitLimit)
	for {
		if m, _ := h.frames.get(); m > n {
			return false
		}
		select {
		case err := <-h.done:
			h.done <- err
			return true
		case <-h.frames.signal:
		case <-deadline:
			h.t.Fatalf("no frame after %s within %s", k, waitLimit)
		}
	}
}

// waitEnd waits for the client to end (q quits through the event loop
// after the frame of the key is drawn); it reports whether it did.
func (h *harness) waitEnd() bool {
	select {
	case err := <-h.done:
		h.done <- err
		return true
	case <-time.After(waitLimit):
		return false
	}
}
