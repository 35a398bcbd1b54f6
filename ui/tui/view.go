package tui

import (
	"fmt"
	"sync/atomic"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// screen is one of the screens in the body of the layout.
type screen interface {
	// primitive is what is drawn.
	primitive() tview.Primitive
	// focus is what gets the keyboard focus.
	focus() tview.Primitive
	// key handles a key the layout did not; it returns the event to pass
	// on to the focused widget, or nil.
	key(ev *tcell.EventKey) *tcell.EventKey
	// bindings are the keys shown in the help bar.
	bindings() []binding
}

// view is the whole UI. Every method runs on tview's event loop (inside a
// queued update or an input handler), except where noted.
type view struct {
	app   *tview.Application
	host  ui.Host
	opts  ui.Options
	theme theme
	// quit asks the pump to stop the application (buffered, never blocks).
	quit chan struct{}
	// animating is read by the pump: a spinner is showing.
	animating atomic.Bool

	layout *layout
	screen screen
	launch *launchScreen
	form   *formScreen

	busy     bool
	busyText string
	spin     int
	notice   string
	helpOpen bool
}

func newView(app *tview.Application, host ui.Host, opts ui.Options) *view {
	v := &view{app: app, host: host, opts: opts, theme: newTheme(opts.NoColor), quit: make(chan struct{}, 1)}
	v.layout = newLayout(v)
	v.launch = newLaunchScreen(v)
	v.show(v.launch)
	v.launch.loading("Starting…")
	app.SetRoot(v.layout.root, true)
	app.SetInputCapture(v.capture)
	return v
}

// show puts s in the body and gives it the focus.
func (v *view) show(s screen) {
	v.screen = s
	v.layout.setBody(s.primitive())
	v.refresh()
	if !v.helpOpen {
		v.app.SetFocus(s.focus())
	}
}

// refresh redraws the status line and the help bar.
func (v *view) refresh() {
	v.layout.setStatus(v.statusText())
	v.layout.setHelp(helpBar(v.screen.bindings()))
	v.animating.Store(v.busy)
}

// statusText is the loading indicator, else the notice.
func (v *view) statusText() string {
	if v.busy && v.screen != v.launch {
		return v.theme.tag("aqua", spinnerFrame(v.spin)+" "+v.busyText)
	}
	if v.notice != "" {
		return v.theme.tag("yellow", "» "+v.notice)
	}
	return ""
}

// setNotice shows a message in the status line until the next key.
func (v *view) setNotice(msg string) {
	if msg != "" {
		v.notice = msg
	}
}

// publish sends an intent; Host.Publish does not block.
func (v *view) publish(intent events.Event) {
	if err := v.host.Publish(intent); err != nil {
		v.notice = fmt.Sprintf("Could not do that: %v", err)
		v.refresh()
	}
}

// requestQuit asks the pump to stop the application. Safe from any
// goroutine.
func (v *view) requestQuit() {
	select {
	case v.quit <- struct{}{}:
	default:
	}
}

// turnSpinner advances the spinner (a queued update of the pump).
func (v *view) turnSpinner() {
	v.spin++
	if v.screen == v.launch {
		v.launch.redraw()
	}
	v.refresh()
}

// apply renders a state event.
func (v *view) apply(ev events.Event) {
	switch ev.(type) {
	case events.RequestStarted, events.IntentRejected:
	default:
		v.busy = false
	}
	switch ev := ev.(type) {
	case events.SessionCheckStarted:
		v.busy = true
		v.busyText = nonEmpty(ev.Message, "Checking your session…")
		v.launch.loading(v.busyText)
		v.show(v.launch)
	case events.SessionCheckFailed:
		v.launch.failed(nonEmpty(ev.Message, "Could not check your session."), events.AppStarted{})
		v.show(v.launch)
	case events.SignedOut:
		if ev.Reason == events.ReasonFlowFailed {
			v.launch.failed(nonEmpty(ev.Message, "Could not get the form from Kratos."), events.LoginFlowRequested{})
			v.form = nil
			v.show(v.launch)
			return
		}
		v.setNotice(ev.Message)
		v.form = nil
		v.launch.loading("Getting the sign-in form…")
		v.show(v.launch)
		v.publish(events.LoginFlowRequested{})
	case events.RequestStarted:
		v.busy = true
		v.busyText = fields.Operation(ev.Operation)
		if v.screen == v.launch {
			v.launch.loading(v.busyText)
		}
		v.refresh()
	case events.LoginFormShown:
		v.showForm(ev.Form, true)
	case events.RegistrationFormShown:
		v.showForm(ev.Form, false)
	case events.SignedIn:
		v.form = nil
		v.setNotice(ev.Notice)
		v.show(newHomeScreen(v, ev))
	case events.IntentRejected:
		v.setNotice(fmt.Sprintf("Not now (%s): %s", ev.Intent, ev.Reason))
		v.refresh()
	default:
		v.refresh()
	}
}

// showForm renders a form state. A re-render of the same form that was not
// submitted (an edit cleared an error) keeps what was typed and the focus.
func (v *view) showForm(f events.Form, login bool) {
	model := fields.Build(f, login)
	v.setNotice(f.Notice)
	var keep *formScreen
	if v.form != nil && v.form.model.Login == login && v.form.model.FlowID == f.FlowID && !v.form.submitted {
		keep = v.form
	}
	v.form = newFormScreen(v, model, keep)
	v.show(v.form)
}

// capture sees every key first: Ctrl-C, help, the too-small screen and
// the loading state, then the current screen.
func (v *view) capture(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyCtrlC {
		v.requestQuit()
		return nil
	}
	if v.layout.tooSmall() {
		return nil
	}
	if v.helpOpen {
		if ev.Key() == tcell.KeyEscape || ev.Key() == tcell.KeyF1 || ev.Rune() == '?' || ev.Rune() == 'q' {
			v.closeHelp()
		}
		return nil
	}
	if ev.Key() == tcell.KeyF1 || (ev.Key() == tcell.KeyRune && ev.Rune() == '?' && !v.typing()) {
		v.openHelp()
		return nil
	}
	if v.busy {
		return nil
	}
	if v.notice != "" {
		v.notice = ""
		v.refresh()
	}
	return v.screen.key(ev)
}

// typing reports whether a text field has the focus (so ? is a letter).
func (v *view) typing() bool {
	_, ok := v.app.GetFocus().(*tview.InputField)
	return ok
}

func (v *view) openHelp() {
	v.helpOpen = true
	v.layout.showHelp(helpText(v))
	v.app.SetFocus(v.layout.help)
}

func (v *view) closeHelp() {
	v.helpOpen = false
	v.layout.hideHelp()
	v.app.SetFocus(v.screen.focus())
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
