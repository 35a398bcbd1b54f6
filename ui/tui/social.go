package tui

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// socialScreen waits for a social sign-in: the provider's page was opened
// in the browser (or could not be); its address is shown, as a QR code on
// F3 for a browser on another device; the browser comes back to the
// loopback callback by itself, or the user pastes the address it ended at
// (over SSH, where the callback is on the other machine). Esc goes back
// to the form.
type socialScreen struct {
	v     *view
	ev    events.SocialSignInStarted
	flex  *tview.Flex
	top   *tview.TextView
	link  *tview.TextView
	foot  *tview.TextView
	paste *tview.InputField
}

func newSocialScreen(v *view, ev events.SocialSignInStarted, opened error) *socialScreen {
	t := v.theme
	s := &socialScreen{v: v, ev: ev}
	label := nonEmpty(ev.ProviderLabel, ev.Provider)
	width := v.layout.root.width - 4

	var top []string
	if opened == nil {
		top = append(top, "Finish signing in with "+label+" in the browser that just opened. This address (F3: as a QR code) is what it shows:")
	} else {
		top = append(top, "Open this address (F3: as a QR code) in a browser to sign in with "+label+":")
	}
	// Plain text: what Kratos and the provider say is never read as
	// tview's [color] tags (theme.tag escapes what it wraps).
	s.top = textView(tview.Escape(strings.Join(top, "\n")))
	s.link = textView(t.tag("aqua", ev.URL))
	s.link.SetWordWrap(false)
	s.link.SetWrap(true)

	host := ev.ReturnTo
	if u, err := url.Parse(ev.ReturnTo); err == nil {
		host = u.Host
	}
	var foot []string
	if ev.Error != "" {
		foot = append(foot, t.tag("red", "✗ "+ev.Error))
	}
	wait := "Waiting for the browser to come back to " + host
	if ev.ExpiresAt != nil {
		wait += " (until " + fields.FormatTime(ev.ExpiresAt) + ")"
	}
	foot = append(foot, t.tag("yellow", spinnerFrame(0)+" "+wait+"…"))
	foot = append(foot, "Browser on another device, or over SSH? Sign in there, then paste the address it could not open ("+host+"…):")
	s.foot = textView(strings.Join(foot, "\n"))
	footRows := 0
	for _, l := range foot {
		footRows += max(len(tview.WordWrap(l, width)), 1)
	}
	topRows := 0
	for _, l := range top {
		topRows += max(len(tview.WordWrap(l, width)), 1)
	}

	s.paste = tview.NewInputField().SetLabel("Address ").SetFieldStyle(t.field).SetLabelColor(t.label)
	s.paste.SetDoneFunc(func(key tcell.Key) {
		if key == tcell.KeyEnter {
			s.submit()
		}
	})
	inner := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(s.top, topRows, 0, false).
		AddItem(s.link, 0, 1, false).
		AddItem(s.foot, footRows, 0, false).
		AddItem(s.paste, 1, 0, true)
	inner.SetBorderPadding(0, 0, 1, 1)
	s.flex = tview.NewFlex().SetDirection(tview.FlexRow).AddItem(inner, 0, 1, true)
	s.flex.SetBorder(true).SetTitle(" Sign in with " + label + " ")
	return s
}

func textView(text string) *tview.TextView {
	tv := tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	tv.SetText(text)
	return tv
}

// submit sends the pasted address.
func (s *socialScreen) submit() {
	text := strings.TrimSpace(s.paste.GetText())
	if text == "" {
		s.v.notice = "Paste the address your browser ended at, then press Enter."
		s.v.refresh()
		return
	}
	s.v.publish(events.SocialSignInCallbackReceived{URL: text, Pasted: true})
}

// back leaves for the form the sign-in started from (a new flow).
func (s *socialScreen) back() {
	if s.ev.Registration {
		s.v.publish(events.RegistrationFlowRequested{})
		return
	}
	s.v.publish(events.LoginFlowRequested{})
}

func (s *socialScreen) primitive() tview.Primitive { return s.flex }
func (s *socialScreen) focus() tview.Primitive     { return s.paste }

func (s *socialScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Key() {
	case tcell.KeyEscape:
		s.back()
		return nil
	case tcell.KeyF3:
		need := ""
		if lines, err := fields.QR(s.ev.URL, 0); err == nil && len(lines) > 0 {
			need = fmt.Sprintf(" (it needs %dx%d)", tview.TaggedStringWidth(lines[0]), len(lines))
		}
		s.v.openQRWith(s.ev.URL, "Scan it with the browser of another device · Esc closes",
			"The terminal is too small for this address as a QR code"+need+": enlarge it or make the font smaller, or copy the address. Esc closes.")
		return nil
	case tcell.KeyF5:
		// A new sign-in with the same provider (after the flow expired).
		s.v.publish(events.SocialSignInRequested{Provider: s.ev.Provider, Registration: s.ev.Registration})
		return nil
	}
	return ev
}

func (s *socialScreen) bindings() []binding {
	return []binding{{"Enter", "send pasted address"}, {"F3", "QR code"}, {"F5", "start again"}, {"Esc", "back"}}
}

// showSocial renders a social sign-in waiting for the browser; the
// provider's page opens in the browser once per flow.
func (v *view) showSocial(ev events.SocialSignInStarted) {
	v.form = nil
	var opened error
	if ev.FlowID != v.socialOpened {
		v.socialOpened = ev.FlowID
		v.socialErr = v.opts.Opener()(ev.URL)
	}
	opened = v.socialErr
	if opened != nil && ev.Error == "" {
		v.setNotice(fmt.Sprintf("No browser opened (%v): open the address yourself, or scan it (F3).", opened))
	}
	s := newSocialScreen(v, ev, opened)
	v.show(s)
}
