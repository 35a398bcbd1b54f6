package tui

import (
	"fmt"
	"strings"
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
	// grown tells the pump that the terminal is big enough again and
	// keys wait (buffered, never blocks).
	grown chan struct{}
	// animating is read by the pump: a spinner is showing.
	animating atomic.Bool

	layout *layout
	screen screen
	launch *launchScreen
	form   *formScreen

	// settings and sessions are the screens of those kinds last shown
	// (their section and selection carry over a re-render).
	settings *settingsScreen
	sessions *sessionsScreen
	// secondFactorBackup: the second-factor screen asks for a backup code.
	secondFactorBackup bool

	// identifier is the identifier last typed on a sign-in, sign-up or
	// recovery form: the next such form starts with it.
	identifier string

	// asking is a destructive action waiting for y (anything else
	// cancels it), with its question.
	asking   func()
	question string

	busy     bool
	busyText string
	// cancelling: the user pressed Esc during a call; the form that
	// comes back is the one submitted, as it was.
	cancelling bool
	// waiting: an intent was published and its state event has not come
	// yet; keys are held until it does.
	waiting bool
	// pending are keys typed while no screen could take them (the session
	// check, a form on its way, a request in flight): they go, in order,
	// to the next screen that can, so that a burst typed ahead (a password
	// manager's user<Tab>password<Enter>) lands where it was meant to.
	pending []*tcell.EventKey
	// delivering: the held keys are being handed over (a key in
	// pending is not held again).
	delivering bool
	spin       int
	notice     string
	helpOpen   bool
	qrOpen     bool
	// socialOpened is the social sign-in flow whose page the browser was
	// asked to open (once per flow), and socialErr why it could not be.
	socialOpened string
	socialErr    error
	// drawn, when set, is told the size of every frame before it is drawn
	// (the application's screen).
	drawn func(w, h int)
}

func newView(app *tview.Application, host ui.Host, opts ui.Options) *view {
	v := &view{app: app, host: host, opts: opts, theme: newTheme(opts.NoColor), quit: make(chan struct{}, 1), grown: make(chan struct{}, 1)}
	v.layout = newLayout(v)
	v.launch = newLaunchScreen(v)
	v.show(v.launch)
	v.launch.loading("Starting…")
	app.SetRoot(v.layout.root, true)
	app.SetInputCapture(v.capture)
	app.SetBeforeDrawFunc(func(screen tcell.Screen) bool {
		if v.drawn != nil {
			// The size tview lays this frame out at.
			_, _, w, h := v.layout.root.GetRect()
			v.drawn(w, h)
		}
		if v.screen != nil {
			// The size, and whether it is too small, are those of this
			// frame: the help bar laid out now is the one drawn.
			if v.layout.root.measure(screen.Size()) && len(v.pending) > 0 {
				// Keys typed while the terminal was too small go, in
				// order, to the screen now shown: the pump hands them
				// over right after this frame (tview holds its lock
				// while it draws).
				select {
				case v.grown <- struct{}{}:
				default:
				}
			}
			v.refresh()
		}
		return false
	})
	return v
}

// show puts s in the body and gives it the focus.
func (v *view) show(s screen) {
	v.screen = s
	// A new screen takes the body, closing the help shown there.
	v.helpOpen = false
	v.layout.setBody(s.primitive())
	if v.qrOpen {
		v.qrOpen = false
		v.layout.hideQR()
	}
	v.refresh()
	if !v.helpOpen {
		v.app.SetFocus(s.focus())
	}
}

// refresh redraws the status line and the help bar. It also runs before
// every frame (the focus may have moved to or from a text field, the
// terminal may have been resized), so that the help bar always lists the
// keys that work now.
func (v *view) refresh() {
	v.layout.setStatus(v.statusText())
	v.layout.setHelp(helpBar(v.barBindings(), v.layout.root.width-2))
	v.animating.Store(v.busy)
}

// confirm asks question in the status line; y does do, any other key
// cancels.
func (v *view) confirm(question string, do func()) {
	v.asking, v.question = do, question
	v.refresh()
}

// answer handles the key that answers a confirm question.
func (v *view) answer(ev *tcell.EventKey) {
	do := v.asking
	v.asking, v.question = nil, ""
	if ev.Key() == tcell.KeyRune && (ev.Rune() == 'y' || ev.Rune() == 'Y') {
		do()
	} else {
		v.notice = "Cancelled."
	}
	v.refresh()
}

// statusText is the question asked, else the loading indicator, else the
// notice, with its colour.
func (v *view) statusText() (color, text string) {
	if v.asking != nil {
		return "yellow::b", "? " + v.question + " y/n"
	}
	if v.busy && v.screen != v.launch {
		return "aqua", spinnerFrame(v.spin) + " " + v.busyText
	}
	if v.notice != "" {
		return "yellow", "» " + v.notice
	}
	return "", ""
}

// setNotice shows a message in the status line until the next key.
func (v *view) setNotice(msg string) {
	if msg != "" {
		v.notice = msg
	}
}

// publish sends an intent; Host.Publish does not block. Until its state
// event comes, keys are held (an edit's FieldChanged holds nothing: the
// form stays).
func (v *view) publish(intent events.Event) {
	if err := v.host.Publish(intent); err != nil {
		v.notice = fmt.Sprintf("Could not do that: %v", err)
		v.refresh()
		return
	}
	if _, edit := intent.(events.FieldChanged); !edit {
		v.waiting = true
	}
}

// cancelRequest asks the machine to abandon the call in flight; the form
// that comes back keeps everything that was typed.
func (v *view) cancelRequest() {
	dropped := len(v.pending) > 0
	v.pending = nil
	if err := v.host.Publish(events.RequestCancelled{}); err != nil {
		v.notice = fmt.Sprintf("Could not cancel: %v", err)
	} else {
		v.cancelling = true
		v.busyText = "Cancelling…"
		if dropped {
			// Keys typed while waiting went with the cancel: say so,
			// as when a form does not come.
			v.notice = "What you typed while waiting was not used (Esc cancelled the request): type it again."
		}
	}
	v.refresh()
}

// holding reports whether keys must wait: the terminal is too small to
// show the screen, a request is in flight, an intent's answer has not
// come, or the launch screen is loading.
func (v *view) holding() bool {
	return v.layout.tooSmall() || v.busy || v.waiting || (v.screen == v.launch && v.launch.retry == nil)
}

// resumePending runs when the terminal is big enough again: an Esc typed
// while it was too small during a call cancels the call (as it would
// have, the keys typed ahead going with it); the other keys go, in order,
// to the screen.
func (v *view) resumePending() {
	if v.busy || v.waiting {
		for _, ev := range v.pending {
			if ev.Key() == tcell.KeyEscape {
				v.cancelRequest()
				return
			}
		}
	}
	v.deliverPending()
}

// launchLoading reports whether the launch screen shows its spinner, with
// nothing over it (help, a question).
func (v *view) launchLoading() bool {
	return v.screen == v.launch && v.launch.retry == nil && !v.helpOpen && !v.qrOpen && v.asking == nil
}

// deliverPending hands the held keys, in order, to the screen, as the
// event loop would, until one of them makes the screen wait again.
func (v *view) deliverPending() {
	if v.delivering {
		return
	}
	v.delivering = true
	defer func() { v.delivering = false }()
	for len(v.pending) > 0 && !v.holding() {
		ev := v.pending[0]
		v.pending = v.pending[1:]
		if out := v.capture(ev); out != nil {
			root := v.layout.root
			if handler := root.InputHandler(); handler != nil && root.HasFocus() {
				handler(out, func(p tview.Primitive) { v.app.SetFocus(p) })
			}
		}
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

// apply renders a state event, then hands keys typed ahead to the screen
// it shows.
func (v *view) apply(ev events.Event) {
	v.render(ev)
	if _, progress := ev.(events.RequestStarted); !progress {
		v.cancelling = false
	}
	if len(v.pending) > 0 && v.screen == v.launch && v.launch.retry != nil {
		// The keys were typed for a form that did not come: the
		// failure's screen is not where they were meant to go (an r of
		// the password would retry, its rest fill the next form's
		// e-mail in clear, a q quit). They are dropped, and the user
		// told.
		v.pending = nil
		v.notice = "What you typed while the form was on its way was not used: type it again once it is shown."
		v.refresh()
		return
	}
	v.deliverPending()
}

// render renders a state event.
func (v *view) render(ev events.Event) {
	switch ev.(type) {
	case events.RequestStarted:
	case events.IntentRejected:
		v.waiting = false
	default:
		v.busy, v.waiting = false, false
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
		v.showSignIn(ev.Form, true)
	case events.RegistrationFormShown:
		v.showSignIn(ev.Form, false)
	case events.SignedIn:
		v.form = nil
		v.setNotice(ev.Notice)
		v.show(newHomeScreen(v, ev))
	case events.SecondFactorFormShown:
		v.showSecondFactor(ev.Form, v.secondFactorBackup && v.form != nil && strings.HasPrefix(v.form.spec.kind, "second_factor"))
	case events.ReauthenticationFormShown:
		v.showReauthentication(ev.Form)
	case events.RecoveryFormShown:
		v.showRecovery(ev.Form)
	case events.VerificationFormShown:
		v.showVerification(ev.Form)
	case events.SettingsFormShown:
		v.showSettings(ev.Form)
	case events.SessionsListShown:
		v.form = nil
		v.setNotice(ev.Notice)
		prev := v.sessions
		if v.screen != prev {
			prev = nil
		}
		v.sessions = newSessionsScreen(v, ev, prev)
		v.show(v.sessions)
	case events.SocialSignInStarted:
		v.showSocial(ev)
	case events.IntentRejected:
		v.setNotice(fmt.Sprintf("Not now (%s): %s", ev.Intent, ev.Reason))
		v.refresh()
	default:
		v.refresh()
	}
}

// capture sees every key first: Ctrl-C, help, the too-small screen and
// the loading state, then the current screen.
func (v *view) capture(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyCtrlC {
		v.requestQuit()
		return nil
	}
	if v.layout.tooSmall() {
		// Nothing of the screen is shown: the key waits for it.
		v.pending = append(v.pending, ev)
		return nil
	}
	if ev.Key() == tcell.KeyEscape && (v.busy || v.waiting) {
		// Esc abandons the call in flight; what was typed ahead goes too.
		v.cancelRequest()
		return nil
	}
	if v.holding() || (len(v.pending) > 0 && !v.delivering) {
		// Keys held before this one go first.
		v.pending = append(v.pending, ev)
		v.deliverPending()
		return nil
	}
	if v.qrOpen {
		if ev.Key() == tcell.KeyEscape || ev.Key() == tcell.KeyEnter || ev.Key() == tcell.KeyF3 || ev.Rune() == 'z' || ev.Rune() == 'q' {
			v.closeQR()
		}
		return nil
	}
	if v.helpOpen {
		switch {
		case ev.Key() == tcell.KeyEscape || ev.Key() == tcell.KeyF1 || ev.Rune() == '?' || ev.Rune() == 'q':
			v.closeHelp()
		case ev.Key() == tcell.KeyUp || ev.Key() == tcell.KeyDown || ev.Key() == tcell.KeyPgUp || ev.Key() == tcell.KeyPgDn:
			// The help scrolls on a short terminal.
			return ev
		}
		return nil
	}
	if v.asking != nil {
		v.answer(ev)
		return nil
	}
	if ev.Key() == tcell.KeyRune && ev.Rune() == 'q' && !v.typing() {
		// q quits where no text field takes it, as in k9s and lazygit.
		v.requestQuit()
		return nil
	}
	if ev.Key() == tcell.KeyF1 || (ev.Key() == tcell.KeyRune && ev.Rune() == '?' && !v.typing()) {
		v.openHelp()
		return nil
	}
	if v.notice != "" {
		v.notice = ""
		v.refresh()
	}
	return v.screen.key(ev)
}

// typing reports whether a text field has the focus (so ? and q are
// letters). It asks the screen, not the application, so that it can run
// while a frame is drawn (the help bar is recomputed then).
func (v *view) typing() bool {
	if v.helpOpen || v.qrOpen {
		return false
	}
	switch s := v.screen.(type) {
	case *formScreen:
		return s.typing()
	case *settingsScreen:
		fs := s.section()
		return fs != nil && !s.onTabs && fs.typing()
	case *socialScreen:
		// The pasted address's field has the focus.
		return true
	}
	return false
}

func (v *view) openHelp() {
	v.helpOpen = true
	v.layout.showHelp(helpText(v))
	v.app.SetFocus(v.layout.help)
}

// showSettings renders a settings form; the first after a recovery (the
// machine says so, also when a second factor came in between) opens the
// password section.
func (v *view) showSettings(f events.Form) {
	fromRecovery := f.AfterRecovery
	prev := v.settings
	if v.screen != prev {
		prev = nil
	}
	v.form = nil
	f = unconfirmedCodes(f)
	v.setNotice(f.Notice)
	v.settings = newSettingsScreen(v, f, prev, fromRecovery)
	v.show(v.settings)
}

// openQR shows the otpauth URI as a QR code on the whole terminal.
func (v *view) openQR(uri string) {
	v.openQRWith(uri, "Scan it with your authenticator app · Esc closes",
		"The terminal is too small for the QR code: enlarge it, or type the secret into your app. Esc closes.")
}

// openQRWith shows content as a QR code on the whole terminal.
func (v *view) openQRWith(content, caption, hint string) {
	v.qrOpen = true
	v.layout.showQR(newQRView(content, v.theme.qr, caption, hint))
	v.app.SetFocus(v.layout.qr)
}

func (v *view) closeQR() {
	v.qrOpen = false
	v.layout.hideQR()
	v.app.SetFocus(v.screen.focus())
}

func (v *view) closeHelp() {
	v.helpOpen = false
	v.layout.setBody(v.screen.primitive())
	v.app.SetFocus(v.screen.focus())
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
