package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// homeScreen is "Session information": who is signed in, the session, the
// token (masked until revealed), and a menu: settings, sessions, verify
// email (while unverified), refresh session, sign out.
type homeScreen struct {
	v       *view
	session events.SignedIn
	reveal  bool
	flex    *tview.Flex
	box     *homeBox
	info    *tview.TextView
	menu    *tview.TextView
	// entries are the menu's entries, laid out in lines at each frame.
	entries []string
	actions []homeAction
}

// homeAction is an entry of the home menu with its key.
type homeAction struct {
	key   rune
	label string
	help  string
	do    func()
}

func newHomeScreen(v *view, s events.SignedIn) *homeScreen {
	h := &homeScreen{v: v, session: s, reveal: v.opts.RevealSecrets}
	h.info = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	h.actions = []homeAction{
		{'s', "Sign out", "sign out", h.signOut},
		{'g', "Settings", "settings", func() { v.publish(events.SettingsRequested{}) }},
		{'l', "Sessions", "sessions", func() { v.publish(events.SessionsRequested{}) }},
	}
	if !s.Verified {
		h.actions = append(h.actions, homeAction{'v', "Verify email", "verify", func() { v.publish(events.VerificationRequested{}) }})
	}
	h.actions = append(h.actions,
		homeAction{'R', "Refresh session", "refresh", func() { v.publish(events.SessionRefreshRequested{}) }},
		homeAction{'t', "Show token", "show token", h.toggle},
	)
	// The menu is a line of keys under the session (wrapped on a narrow
	// terminal): every entry is on its key, so that the screen fits
	// 60x16 with nothing cut. t is in the help bar and on the token's row.
	h.menu = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	h.menu.SetBorderPadding(0, 0, 1, 1)
	var entries []string
	for _, a := range h.actions {
		if a.key != 't' {
			entries = append(entries, "("+string(a.key)+") "+a.label)
		}
	}
	h.entries = entries
	h.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(h.info, 0, 1, false).
		AddItem(h.menu, 1, 0, true).
		AddItem(nil, 0, 1, false)
	h.flex.SetBorder(true).SetTitle(" Session information ")
	h.box = &homeBox{Flex: h.flex, h: h}
	h.render()
	return h
}

// render writes the rows.
func (h *homeScreen) render() {
	var b strings.Builder
	for _, r := range fields.SessionRows(h.session, h.reveal) {
		value := tview.Escape(r.Value)
		if r.Label == "Session token" && !h.reveal {
			value += h.v.theme.tag("gray", " (masked: t shows it)")
		}
		fmt.Fprintf(&b, " %-16s %s\n", r.Label+":", value)
	}
	if soon, left := fields.ExpiresSoon(h.session, time.Now()); soon {
		b.WriteString(" " + h.v.theme.tag("yellow", fmt.Sprintf("» Your session ends in %s: press R to sign in again and keep it.",
			left.Round(time.Second))) + "\n")
	}
	h.info.SetText(strings.TrimSuffix(b.String(), "\n"))
}

func (h *homeScreen) toggle() {
	h.reveal = !h.reveal
	h.render()
	h.v.refresh()
}

func (h *homeScreen) signOut() { h.v.publish(events.SignOutRequested{}) }

func (h *homeScreen) primitive() tview.Primitive { return h.box }

// homeBox gives the session rows and the menu the rows they need (the
// session rows wrap on a narrow terminal), the rest below the menu.
type homeBox struct {
	*tview.Flex
	h *homeScreen
}

// Draw implements tview.Primitive.
func (b *homeBox) Draw(screen tcell.Screen) {
	_, _, width, height := b.GetInnerRect()
	info := wrappedRows(b.h.info.GetText(true), width)
	// The menu's entries, as many to a line as fit.
	lines := termtext.Rows(b.h.entries, "   ", width-2)
	b.h.menu.SetText(b.h.v.theme.tag("::b", strings.Join(lines, "\n")))
	if info+1+len(lines) <= height {
		info++ // an empty row between the session and the menu
	}
	// On a short terminal the menu keeps its rows; the session's last
	// rows give way (never the border or the help bar).
	b.ResizeItem(b.h.info, max(min(info, height-len(lines)), 0), 0)
	b.ResizeItem(b.h.menu, len(lines), 0)
	b.Flex.Draw(screen)
}

func (h *homeScreen) focus() tview.Primitive { return h.menu }

func (h *homeScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() != tcell.KeyRune {
		return nil
	}
	r := ev.Rune()
	for _, a := range h.actions {
		// R (refresh) is the only capital; the others take either case.
		if r == a.key || (a.key != 'R' && a.key != 'r' && r == a.key-'a'+'A') {
			a.do()
			return nil
		}
	}
	return nil
}

func (h *homeScreen) bindings() []binding {
	bs := make([]binding, 0, len(h.actions))
	for _, a := range h.actions {
		help := a.help
		if a.key == 't' && h.reveal {
			help = "hide token"
		}
		bs = append(bs, binding{string(a.key), help})
	}
	return bs
}
