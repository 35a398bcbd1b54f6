package tui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// sessionsScreen lists the user's sessions, the current one first and
// marked: d ends the selected one (not the current), D every other, r
// reloads, Esc goes home.
type sessionsScreen struct {
	v        *view
	sessions []events.SessionSummary
	flex     *tview.Flex
	table    *tview.Table
	detail   *tview.TextView
}

// sessionColumns are the table's headings.
// (The assurance level and methods of the selected session are under
// the table: with them, the table would not fit 60 columns.)
var sessionColumns = []string{"", "Device", "IP address", "Signed in (UTC)"}

func newSessionsScreen(v *view, ev events.SessionsListShown, prev *sessionsScreen) *sessionsScreen {
	s := &sessionsScreen{v: v, sessions: ev.Sessions}
	s.table = tview.NewTable().SetSelectable(true, false).SetFixed(1, 0)
	s.table.SetSelectedStyle(v.theme.active)
	s.table.SetBorderPadding(0, 0, 1, 1)
	for c, h := range sessionColumns {
		s.table.SetCell(0, c, tview.NewTableCell(h).SetSelectable(false).SetAttributes(tcell.AttrBold))
	}
	for i, sess := range ev.Sessions {
		mark := " "
		if sess.Current {
			mark = "*"
		}
		device, ip := "unknown", ""
		if len(sess.Devices) > 0 {
			device = nonEmpty(sess.Devices[0].UserAgent, "unknown")
			ip = sess.Devices[0].IPAddress
		}
		row := []string{mark, device, ip, shortTime(fields.FormatTime(sess.AuthenticatedAt))}
		for c, text := range row {
			cell := tview.NewTableCell(tview.Escape(text))
			if c == 1 {
				cell.SetMaxWidth(18)
			}
			s.table.SetCell(i+1, c, cell)
		}
	}
	s.detail = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	s.detail.SetBorderPadding(0, 0, 1, 1)
	s.table.SetSelectionChangedFunc(func(int, int) { s.describe() })
	if len(ev.Sessions) > 0 {
		row := 1
		if prev != nil {
			if r, _ := prev.table.GetSelection(); r > 0 && r <= len(ev.Sessions) {
				row = r
			}
		}
		s.table.Select(row, 0)
	}
	s.describe()
	s.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(s.table, 0, 1, true).
		AddItem(s.detail, 5, 0, false)
	s.flex.SetBorder(true).SetTitle(fmt.Sprintf(" Sessions (%d) ", len(ev.Sessions)))
	s.fitDetail()
	return s
}

// shortTime drops the zone of a FormatTime value (the heading says UTC).
func shortTime(t string) string { return strings.TrimSuffix(t, " UTC") }

// selected returns the selected session, or nil.
func (s *sessionsScreen) selected() *events.SessionSummary {
	r, _ := s.table.GetSelection()
	if r < 1 || r > len(s.sessions) {
		return nil
	}
	return &s.sessions[r-1]
}

// describe shows the selected session's id and times.
func (s *sessionsScreen) describe() {
	sel := s.selected()
	if sel == nil {
		s.detail.SetText("No sessions.")
		return
	}
	which := "another session"
	if sel.Current {
		which = s.v.theme.tag("green", "this session (the one you are using)")
	}
	var methods []string
	for _, m := range sel.Methods {
		methods = append(methods, m.Method)
	}
	defer s.fitDetail()
	s.detail.SetText(fmt.Sprintf("* marks the current session. Selected: %s\nID %s\nIssued %s · expires %s\nAssurance level %s · signed in with %s",
		which, tview.Escape(sel.ID), fields.FormatTime(sel.IssuedAt), fields.FormatTime(sel.ExpiresAt),
		nonEmpty(sel.AAL, "unknown"), tview.Escape(nonEmpty(strings.Join(methods, ", "), "unknown"))))
}

// fitDetail gives the lines under the table the rows they take at the
// terminal's width.
func (s *sessionsScreen) fitDetail() {
	if s.flex != nil {
		s.flex.ResizeItem(s.detail, wrappedRows(s.detail.GetText(true), s.v.layout.root.width-4), 0)
	}
}

func (s *sessionsScreen) primitive() tview.Primitive { return s.flex }

func (s *sessionsScreen) focus() tview.Primitive { return s.table }

func (s *sessionsScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Key() {
	case tcell.KeyEscape:
		s.v.publish(events.HomeRequested{})
		return nil
	case tcell.KeyEnter, tcell.KeyPgUp, tcell.KeyPgDn:
		// Nothing to press; a page of sessions is what ↑↓ move through.
		return nil
	case tcell.KeyRune:
	default:
		return ev
	}
	switch ev.Rune() {
	case 'd':
		sel := s.selected()
		switch {
		case sel == nil:
		case sel.Current:
			s.v.setNotice("That is the session you are using: press s to sign out of it.")
			s.v.refresh()
		default:
			id := sel.ID
			s.v.confirm(fields.QuestionRevokeSession, func() {
				s.v.publish(events.SessionRevocationRequested{SessionID: id})
			})
		}
	case 'D':
		s.v.confirm(fields.QuestionRevokeOthers, func() {
			s.v.publish(events.OtherSessionsRevocationRequested{})
		})
	case 'r', 'R':
		s.v.publish(events.SessionsRequested{})
	case 's', 'S':
		s.v.publish(events.SignOutRequested{})
	case 'j':
		return tcell.NewEventKey(tcell.KeyDown, 0, tcell.ModNone)
	case 'k':
		return tcell.NewEventKey(tcell.KeyUp, 0, tcell.ModNone)
	}
	return nil
}

func (s *sessionsScreen) bindings() []binding {
	return []binding{{"d", "end selected"}, {"D", "end others"}, {"r", "reload"}, {"s", "sign out"}, {"Esc", "home"}, {"↑↓/j/k", "select"}}
}
