package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// MessageSetPasswordNow is shown on the settings after a recovery.
const MessageSetPasswordNow = fields.MessageSetPasswordNow

// MessageConfirmCodes is the notice while new backup codes wait to be
// confirmed.
const MessageConfirmCodes = "New backup codes: keep them safe, then Confirm to use them; until then the old codes stay valid."

// messageSaved is Kratos's "Your changes have been saved!" (1050001).
const messageSaved = 1050001

// qrMinFormWidth is the width the TOTP form keeps when the QR code is drawn
// beside it.
const qrMinFormWidth = 34

// settingsScreen is the settings flow, one section per node group
// (profile, password, authenticator app, backup codes...), one shown at a
// time: each submits its own method. The TOTP section draws the secret's
// otpauth URI as a QR code beside the form when there is room, and
// full-screen on F3.
type settingsScreen struct {
	v        *view
	form     events.Form
	sections []fields.Section
	current  int
	// built are the section forms made so far, so that switching keeps
	// what was typed.
	built map[string]*formScreen
	// kept are the forms of the previous render whose values carry over.
	kept map[string]*formScreen
	flex *tview.Flex
	tabs *tview.TextView
	body *tview.Flex
	// uri is the otpauth URI of the TOTP secret offered, or "".
	uri string
	// msgs shows the flow's messages; about is the section they are about
	// (the one submitted), "" for all of them.
	msgs  *tview.TextView
	rows  int
	about string
	// onTabs: the focus is on the section tabs (arriving at Settings),
	// where 1-9 switch sections; Tab, ↓ or Enter goes into the section's
	// form. In a field a digit is a digit.
	onTabs bool
}

// newSettingsScreen renders a settings form. prev, the settings screen
// shown before, if any, keeps its section and (same flow, not submitted)
// what was typed; toPassword opens the password section (after recovery).
func newSettingsScreen(v *view, f events.Form, prev *settingsScreen, toPassword bool) *settingsScreen {
	model := fields.BuildAll(f, "Settings")
	if codes := fields.BackupCodes(f); len(codes) > 0 {
		for i, fd := range model.Fields {
			if fd.ID == fields.NodeBackupCodes {
				model.Fields[i].Value = strings.Join(codes, "  ")
			}
		}
	}
	s := &settingsScreen{v: v, form: f, sections: fields.Sections(model), built: map[string]*formScreen{}, uri: fields.TOTPURI(f)}
	var flagged bool
	s.current, flagged = s.pick(prev, toPassword)
	// Arriving at Settings the focus is on the tabs, so that the section
	// keys work and nothing typed lands in a field unasked; a re-render
	// keeps where it was; a field Kratos flagged, or the password to set
	// after a recovery, takes it.
	s.onTabs = (prev == nil || prev.onTabs) && !flagged && !toPassword
	if prev != nil && prev.form.FlowID == f.FlowID {
		// A section submitted starts anew from Kratos's answer, unless
		// the call was cancelled or failed before Kratos answered (the
		// flow's form came back as it was): then what was typed stays.
		again := v.cancelling || callFailed(prev.form.UI, f)
		for group, fs := range prev.built {
			if !fs.submitted || again {
				s.keepFrom(group, fs)
			}
		}
	}
	if prev != nil {
		for group, fs := range prev.built {
			if fs.submitted {
				s.about = group
			}
		}
	}
	s.tabs = tview.NewTextView().SetDynamicColors(true)
	// No padding on the right: the four tabs of a TOTP-enabled Kratos
	// fit one row at 60 columns.
	s.tabs.SetBorderPadding(0, 0, 1, 0)
	msgs := tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	msgs.SetBorderPadding(0, 0, 1, 1)
	var lines []string
	for _, e := range model.Errors {
		lines = append(lines, v.theme.tag("red", "✗ "+e))
	}
	for _, i := range model.Infos {
		lines = append(lines, v.theme.tag("aqua", "ℹ "+i))
	}
	if toPassword {
		lines = append(lines, v.theme.tag("yellow", "» "+MessageSetPasswordNow))
	}
	msgs.SetText(strings.Join(lines, "\n"))
	rows := 0
	for _, l := range lines {
		rows += wrappedRows(l, v.layout.root.width-4)
	}
	s.body = tview.NewFlex()
	s.msgs, s.rows = msgs, rows
	s.flex = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(s.tabs, 1, 0, false).
		AddItem(msgs, rows, 0, false).
		AddItem(s.body, 0, 1, true)
	s.flex.SetBorder(true).SetTitle(" Settings ")
	s.switchTo(s.current)
	return s
}

// unconfirmedCodes: while new backup codes wait to be confirmed nothing is
// saved yet, whatever the flow's state says: the notice says what to do
// instead, and Kratos's "saved" message of the flow is not shown.
func unconfirmedCodes(f events.Form) events.Form {
	if fields.HasNode(f, "lookup_secret_confirm") {
		f.Notice = MessageConfirmCodes
		f.Messages = slices.DeleteFunc(slices.Clone(f.Messages), func(m adapters.Message) bool { return m.ID == messageSaved })
	}
	return f
}

// keepFrom remembers fs so that the section's new form starts from it.
func (s *settingsScreen) keepFrom(group string, fs *formScreen) {
	if s.kept == nil {
		s.kept = map[string]*formScreen{}
	}
	s.kept[group] = fs
}

// pick chooses the section to show: one with an error in a field
// (flagged), else the one shown before, else the password one after
// recovery, else the first.
func (s *settingsScreen) pick(prev *settingsScreen, toPassword bool) (i int, flagged bool) {
	for i, sec := range s.sections {
		for _, fd := range sec.Fields {
			if len(fd.Messages) > 0 {
				return i, true
			}
		}
	}
	want := ""
	switch {
	case prev != nil && prev.current < len(prev.sections):
		want = prev.sections[prev.current].Group
	case toPassword:
		want = "password"
	}
	for i, sec := range s.sections {
		if sec.Group == want {
			return i, false
		}
	}
	return 0, false
}

// switchTo shows section i.
func (s *settingsScreen) switchTo(i int) {
	if len(s.sections) == 0 {
		s.tabs.SetText("This flow has nothing to change.")
		return
	}
	s.current = (i + len(s.sections)) % len(s.sections)
	// The tabs are separated by a space, the current one in brackets
	// (reverse video in colour); on a narrow terminal they take another
	// row, broken between tabs, never inside one.
	var lines []string
	line, cols, width := "", 0, s.v.layout.root.width-3
	for j, sec := range s.sections {
		shown := strconv.Itoa(j+1) + " " + sec.Title
		label := tview.Escape(shown)
		if j == s.current {
			shown = "[" + shown + "]"
			style := "::r"
			if s.onTabs {
				// The focus is here: underlined too.
				style = "::ru"
			}
			label = s.v.theme.tag(style, shown)
		}
		n := utf8.RuneCountInString(shown)
		if cols > 0 && cols+1+n > width {
			lines = append(lines, line)
			line, cols = "", 0
		}
		if cols > 0 {
			line += " "
			cols++
		}
		line += label
		cols += n
	}
	lines = append(lines, line)
	s.tabs.SetText(strings.Join(lines, "\n"))
	s.flex.ResizeItem(s.tabs, len(lines), 0)
	sec := s.sections[s.current]
	// A message (and the notice) of a save is about the section saved:
	// not shown on the others.
	if s.about != "" && s.msgs != nil {
		if sec.Group == s.about {
			s.flex.ResizeItem(s.msgs, s.rows, 0)
		} else {
			s.flex.ResizeItem(s.msgs, 0, 0)
			s.v.notice = ""
		}
	}
	fs := s.built[sec.Group]
	if fs == nil {
		fs = s.sectionForm(sec)
		s.built[sec.Group] = fs
	}
	s.body.Clear()
	if sec.Group == "totp" && s.uri != "" {
		qr := newQRView(s.uri, s.v.theme.qr, "", "")
		s.body.AddItem(&qrSplit{Flex: tview.NewFlex().AddItem(fs.primitive(), 0, 1, true).AddItem(qr, 0, 0, false), qr: qr}, 0, 1, true)
	} else {
		s.body.AddItem(fs.primitive(), 0, 1, true)
	}
	if s.v.screen == s {
		s.v.refresh()
		if !s.v.helpOpen {
			s.v.app.SetFocus(s.focus())
		}
	}
}

// enter moves the focus from the tabs into the section's form, where it
// starts.
func (s *settingsScreen) enter() {
	s.onTabs = false
	s.switchTo(s.current)
}

// sectionForm builds the form of one section.
func (s *settingsScreen) sectionForm(sec fields.Section) *formScreen {
	v := s.v
	model := fields.Form{FlowID: s.form.FlowID, Title: sec.Title, Fields: sec.Fields}
	for _, b := range sec.Buttons {
		if sec.Group == "totp" && b.Name == "method" {
			b.Label = "Verify"
		}
		model.Buttons = append(model.Buttons, b)
	}
	var fs *formScreen
	spec := formSpec{
		kind:       "settings:" + sec.Group,
		noMessages: true,
		submit: func(values map[string]string, b fields.Button) events.Event {
			if b.Name == "" && b.Label == "" {
				return nil
			}
			intent := fields.SettingsIntent(s.form.FlowID, sec, values, b)
			if q := fields.Question(s.form, b.Name); q != "" {
				v.confirm(q, func() {
					if !fs.submitted {
						fs.submitted = true
						v.publish(intent)
					}
				})
				return nil
			}
			return intent
		},
		links:  []link{v.publishLink("Back", 0, "", events.HomeRequested{})},
		escape: events.HomeRequested{}, escapeHelp: "home",
	}
	if sec.Group == "totp" && s.uri != "" {
		// Beside a QR code (when the terminal is wide enough) the form is
		// narrower.
		if w := v.layout.root.width - 4; w-qrColumns(s.uri) >= qrMinFormWidth {
			spec.width = w - qrColumns(s.uri)
		}
		spec.links = append([]link{{label: "Show QR code", key: tcell.KeyF3, help: "QR code", do: func() { v.openQR(s.uri) }}}, spec.links...)
	}
	fs = newFormScreen(v, model, spec, s.kept[sec.Group], nil)
	return fs
}

// onTOTP reports whether the authenticator app section, with a secret to
// scan, is shown.
func (s *settingsScreen) onTOTP() bool {
	return s.uri != "" && len(s.sections) > 0 && s.sections[s.current].Group == "totp"
}

// section is the form shown.
func (s *settingsScreen) section() *formScreen {
	if len(s.sections) == 0 {
		return nil
	}
	return s.built[s.sections[s.current].Group]
}

func (s *settingsScreen) primitive() tview.Primitive { return s.flex }

func (s *settingsScreen) focus() tview.Primitive {
	if fs := s.section(); fs != nil && !s.onTabs {
		return fs.focus()
	}
	return s.tabs
}

func (s *settingsScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	if s.onTabs {
		return s.tabsKey(ev)
	}
	switch ev.Key() {
	case tcell.KeyEscape:
		s.v.publish(events.HomeRequested{})
		return nil
	case tcell.KeyPgDn:
		s.switchTo(s.current + 1)
		return nil
	case tcell.KeyPgUp:
		s.switchTo(s.current - 1)
		return nil
	case tcell.KeyRune:
		if !s.v.typing() {
			if n, err := strconv.Atoi(string(ev.Rune())); err == nil && n >= 1 && n <= len(s.sections) {
				s.switchTo(n - 1)
				return nil
			}
			if ev.Rune() == 'z' && s.onTOTP() {
				s.v.openQR(s.uri)
				return nil
			}
		}
	}
	if fs := s.section(); fs != nil {
		return fs.key(ev)
	}
	return nil
}

// tabsKey handles a key while the focus is on the tabs: the section keys,
// the way into the form, the form's own keys (F3, Esc); a letter types
// nowhere (no field has the focus).
func (s *settingsScreen) tabsKey(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Key() {
	case tcell.KeyEscape:
		s.v.publish(events.HomeRequested{})
	case tcell.KeyPgDn:
		s.onTabs = false
		s.switchTo(s.current + 1)
	case tcell.KeyPgUp:
		s.onTabs = false
		s.switchTo(s.current - 1)
	case tcell.KeyTab, tcell.KeyDown, tcell.KeyEnter:
		if s.section() != nil {
			s.enter()
		}
	case tcell.KeyRune:
		if n, err := strconv.Atoi(string(ev.Rune())); err == nil && n >= 1 && n <= len(s.sections) {
			s.switchTo(n - 1)
		} else if ev.Rune() == 'z' && s.onTOTP() {
			s.v.openQR(s.uri)
		}
	default:
		if fs := s.section(); fs != nil {
			// The form's links on a key (F3 QR code).
			for _, l := range fs.spec.links {
				if l.key != 0 && ev.Key() == l.key {
					l.do()
				}
			}
		}
	}
	return nil
}

func (s *settingsScreen) bindings() []binding {
	if s.onTabs {
		keys := "PgUp/PgDn"
		if n := len(s.sections); n > 1 {
			keys = fmt.Sprintf("1-%d/", min(n, 9)) + keys
		}
		bs := []binding{{keys, "section"}}
		if s.section() != nil {
			bs = append(bs, binding{"↓/Enter", "form"})
		}
		if s.onTOTP() {
			bs = append(bs, binding{"F3/z", "QR code"})
		}
		return append(bs, binding{"Esc", "home"})
	}
	bs := []binding{{"PgUp/PgDn", "section"}}
	if !s.v.typing() {
		if n := len(s.sections); n > 1 {
			bs = append(bs, binding{fmt.Sprintf("1-%d", min(n, 9)), "section"})
		}
		if s.onTOTP() {
			bs = append(bs, binding{"z", "QR code"})
		}
	}
	if fs := s.section(); fs != nil {
		bs = append(bs, fs.bindings()...)
	}
	return bs
}

// qrColumns is the width of the QR code of uri with its full quiet zone.
func qrColumns(uri string) int {
	lines, err := fields.QR(uri, fields.QRQuietZone)
	if err != nil || len(lines) == 0 {
		return 0
	}
	return len([]rune(lines[0]))
}

// qrSplit shows the QR code beside the form when both fit, else the form
// alone.
type qrSplit struct {
	*tview.Flex
	qr *qrView
}

// Draw implements tview.Primitive.
func (q *qrSplit) Draw(screen tcell.Screen) {
	_, _, w, h := q.GetInnerRect()
	width := 0
	for _, lines := range q.qr.variants {
		lw := len([]rune(lines[0]))
		if len(lines) <= h && lw+qrMinFormWidth <= w {
			width = lw
			break
		}
	}
	q.ResizeItem(q.qr, width, 0)
	q.Flex.Draw(screen)
}
