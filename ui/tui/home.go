package tui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// homeScreen is "Session information": who is signed in, the session, the
// token (masked until revealed) and sign out.
type homeScreen struct {
	v       *view
	session events.SignedIn
	reveal  bool
	flex    *tview.Flex
	info    *tview.TextView
	buttons *tview.Form
}

func newHomeScreen(v *view, s events.SignedIn) *homeScreen {
	h := &homeScreen{v: v, session: s, reveal: v.opts.RevealSecrets}
	h.info = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	h.buttons = tview.NewForm().SetButtonsAlign(tview.AlignLeft)
	h.buttons.SetButtonStyle(v.theme.button).SetButtonActivatedStyle(v.theme.active)
	h.buttons.AddButton("Sign out", h.signOut)
	h.buttons.AddButton("Show token", h.toggle)
	h.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(h.info, 9, 0, false).
		AddItem(h.buttons, 3, 0, true)
	h.flex.SetBorder(true).SetTitle(" Session information ")
	h.render()
	return h
}

// render writes the rows.
func (h *homeScreen) render() {
	var b strings.Builder
	b.WriteString("\n")
	for _, r := range fields.SessionRows(h.session, h.reveal) {
		fmt.Fprintf(&b, " %-16s %s\n", r.Label+":", tview.Escape(r.Value))
	}
	if !h.reveal {
		b.WriteString(" " + h.v.theme.tag("gray", "The token is masked: press t to show it.") + "\n")
	}
	h.info.SetText(b.String())
	label := "Show token"
	if h.reveal {
		label = "Hide token"
	}
	h.buttons.GetButton(1).SetLabel(label)
}

func (h *homeScreen) toggle() {
	h.reveal = !h.reveal
	h.render()
	h.v.refresh()
}

func (h *homeScreen) signOut() { h.v.publish(events.SignOutRequested{}) }

func (h *homeScreen) primitive() tview.Primitive { return h.flex }

func (h *homeScreen) focus() tview.Primitive { return h.buttons }

func (h *homeScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Rune() {
	case 't', 'T':
		h.toggle()
		return nil
	case 's', 'S':
		h.signOut()
		return nil
	}
	return ev
}

func (h *homeScreen) bindings() []binding {
	t := "show token"
	if h.reveal {
		t = "hide token"
	}
	return []binding{{"t", t}, {"s", "sign out"}, {"Tab", "next"}, {"Enter", "press"}}
}
