package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
)

// spinnerFrames are the frames of the loading spinner.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func spinnerFrame(i int) string { return spinnerFrames[i%len(spinnerFrames)] }

// launchScreen is the first screen: a spinner and a message while the
// session is checked or a form fetched; on failure the message and a retry
// key, never a dead end.
type launchScreen struct {
	v       *view
	text    *tview.TextView
	message string
	// retry is the intent the r key publishes; nil while loading.
	retry events.Event
}

func newLaunchScreen(v *view) *launchScreen {
	s := &launchScreen{v: v, text: tview.NewTextView().SetDynamicColors(true).SetWordWrap(true).SetTextAlign(tview.AlignCenter)}
	s.text.SetBorder(true).SetTitle(" Sign in with ORY ")
	return s
}

// loading shows the spinner and message.
func (s *launchScreen) loading(message string) {
	s.message, s.retry = message, nil
	s.redraw()
}

// failed shows the failure and the retry key.
func (s *launchScreen) failed(message string, retry events.Event) {
	s.message, s.retry = message, retry
	s.redraw()
}

// redraw sets the text for the current state and spinner frame.
func (s *launchScreen) redraw() {
	t := s.v.theme
	if s.retry == nil {
		s.text.SetText("\n\n" + spinnerFrame(s.v.spin) + " " + tviewEscape(s.message))
		return
	}
	s.text.SetText("\n\n" + t.tag("red", "✗ "+s.message) + "\n\n" + "Press r to retry, or Ctrl-C to quit.")
}

func (s *launchScreen) primitive() tview.Primitive { return s.text }

func (s *launchScreen) focus() tview.Primitive { return s.text }

func (s *launchScreen) key(ev *tcell.EventKey) *tcell.EventKey {
	if s.retry != nil && (ev.Rune() == 'r' || ev.Rune() == 'R' || ev.Key() == tcell.KeyEnter) {
		retry := s.retry
		s.loading("Retrying…")
		s.v.publish(retry)
		return nil
	}
	return nil
}

func (s *launchScreen) bindings() []binding {
	if s.retry != nil {
		return []binding{{"r/Enter", "retry"}}
	}
	return nil
}

func tviewEscape(s string) string { return tview.Escape(s) }
