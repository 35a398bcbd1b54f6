package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
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
	menu    *tview.List
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
		h.actions = append(h.actions, homeAction{'v', "Verify email", "verify email", func() { v.publish(events.VerificationRequested{}) }})
	}
	h.actions = append(h.actions,
		homeAction{'R', "Refresh session", "refresh session", func() { v.publish(events.SessionRefreshRequested{}) }},
		homeAction{'t', "Show token", "show token", h.toggle},
	)
	h.menu = tview.NewList().ShowSecondaryText(false).SetHighlightFullLine(false)
	h.menu.SetMainTextStyle(tcell.StyleDefault).SetShortcutStyle(v.theme.shortcut).
		SetSelectedStyle(v.theme.active)
	h.menu.SetBorderPadding(0, 0, 1, 1)
	// t is in the help bar and under the token: the menu leaves it out,
	// so that the screen fits 60x16.
	rows := 0
	for _, a := range h.actions {
		if a.key != 't' {
			h.menu.AddItem(a.label, "", a.key, a.do)
			rows++
		}
	}
	// The session rows take what the menu leaves; on a short terminal the
	// last (the token hint) is cut, never the menu or the help bar.
	h.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(h.info, 0, 1, false).
		AddItem(h.menu, rows, 0, true).
		AddItem(nil, 0, 1, false)
	h.flex.SetBorder(true).SetTitle(" Session information ")
	h.box = &homeBox{Flex: h.flex, h: h, menuRows: rows}
	h.render()
	return h
}

// render writes the rows.
func (h *homeScreen) render() {
	var b strings.Builder
	for _, r := range fields.SessionRows(h.session, h.reveal) {
		fmt.Fprintf(&b, " %-16s %s\n", r.Label+":", tview.Escape(r.Value))
	}
	if soon, left := fields.ExpiresSoon(h.session, time.Now()); soon {
		b.WriteString(" " + h.v.theme.tag("yellow", fmt.Sprintf("» Your session ends in %s: press R to sign in again and keep it.",
			left.Round(time.Second))) + "\n")
	}
	if !h.reveal {
		b.WriteString(" " + h.v.theme.tag("gray", "The token is masked: press t to show it.") + "\n")
	}
	h.info.SetText(b.String())
}

func (h *homeScreen) toggle() {
	h.reveal = !h.reveal
	h.render()
	h.v.refresh()
}

func (h *homeScreen) signOut() { h.v.publish(events.SignOutRequested{}) }

func (h *homeScreen) primitive() tview.Primitive { return h.box }

// homeBox gives the session rows the height they need, or what the menu
// leaves on a short terminal, and the rest below the menu.
type homeBox struct {
	*tview.Flex
	h        *homeScreen
	menuRows int
}

// Draw implements tview.Primitive.
func (b *homeBox) Draw(screen tcell.Screen) {
	_, _, _, inner := b.GetInnerRect()
	need := strings.Count(b.h.info.GetText(false), "\n") + 1
	b.ResizeItem(b.h.info, max(min(need, inner-b.menuRows), 0), 0)
	b.Flex.Draw(screen)
}

func (h *homeScreen) focus() tview.Primitive { return h.menu }

func (h *homeScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() != tcell.KeyRune {
		return ev
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
	bs := make([]binding, 0, len(h.actions)+1)
	for _, a := range h.actions {
		help := a.help
		if a.key == 't' && h.reveal {
			help = "hide token"
		}
		bs = append(bs, binding{string(a.key), help})
	}
	return append(bs, binding{"↑↓ Enter", "choose"})
}
