package tui_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/tui"
)

// fakeHost records the intents the UI publishes and lets the test send it
// state events.
type fakeHost struct {
	mu        sync.Mutex
	handler   func(events.Envelope)
	published []events.Event
	// onPublish, when set, is called for each intent (may panic in tests).
	onPublish func(events.Event)
}

func (h *fakeHost) Publish(intent events.Event) error {
	if intent.EventKind() != events.KindIntent {
		return errors.New("not an intent")
	}
	h.mu.Lock()
	h.published = append(h.published, intent)
	f := h.onPublish
	h.mu.Unlock()
	if f != nil {
		f(intent)
	}
	return nil
}

func (h *fakeHost) Subscribe(_ context.Context, handler func(events.Envelope)) error {
	h.mu.Lock()
	h.handler = handler
	h.mu.Unlock()
	return nil
}

func (h *fakeHost) Wait(context.Context) error { return nil }

// intents returns what was published so far.
func (h *fakeHost) intents() []events.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]events.Event(nil), h.published...)
}

// last returns the last intent published, or nil.
func (h *fakeHost) last() events.Event {
	in := h.intents()
	if len(in) == 0 {
		return nil
	}
	return in[len(in)-1]
}

// sizedScreen is a simulation screen that keeps its size across Init
// (tview calls Init, which resets a simulation screen to 80x25).
type sizedScreen struct {
	tcell.SimulationScreen
	w, h int
}

func (s *sizedScreen) Init() error {
	err := s.SimulationScreen.Init()
	s.SetSize(s.w, s.h)
	return err
}

// frames counts drawn frames and keeps the text of the last one; it is the
// plugin's draw hook.
type frames struct {
	mu     sync.Mutex
	n      int
	last   string
	all    []string // every frame, for a test that reports what it saw
	signal chan struct{}
	// colours counts the cells of the last frame drawn in a colour other
	// than the terminal's default.
	colours int
}

func newFrames() *frames { return &frames{signal: make(chan struct{}, 1)} }

func (f *frames) afterDraw(s tcell.Screen) {
	text := screenText(s)
	colours := 0
	w, h := s.Size()
	for y := range h {
		for x := range w {
			_, _, st, _ := s.GetContent(x, y)
			if fg, bg, _ := st.Decompose(); fg != tcell.ColorDefault || bg != tcell.ColorDefault {
				colours++
			}
		}
	}
	f.mu.Lock()
	f.n++
	f.last = text
	f.all = append(f.all, text)
	f.colours = colours
	f.mu.Unlock()
	select {
	case f.signal <- struct{}{}:
	default:
	}
}

func (f *frames) get() (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n, f.last
}

// screenText is the text of the screen's cells, one line a row, trailing
// spaces and empty rows trimmed.
func screenText(s tcell.Screen) string {
	w, h := s.Size()
	rows := make([]string, h)
	for y := 0; y < h; y++ {
		var b strings.Builder
		for x := 0; x < w; {
			r, comb, _, width := s.GetContent(x, y)
			if r == 0 {
				r = ' '
			}
			b.WriteRune(r)
			for _, c := range comb {
				b.WriteRune(c)
			}
			if width < 1 {
				width = 1
			}
			x += width
		}
		rows[y] = strings.TrimRight(b.String(), " ")
	}
	return strings.TrimRight(strings.Join(rows, "\n"), "\n") + "\n"
}

// harness runs the tui plugin on a simulation screen with a fake host.
type harness struct {
	t      *testing.T
	sim    *sizedScreen
	host   *fakeHost
	frames *frames
	done   chan error
}

const waitLimit = 10 * time.Second

func newHarness(t *testing.T, w, h int, opts ui.Options) *harness {
	t.Helper()
	return startHarness(t, w, h, opts, &fakeHost{})
}

func startHarness(t *testing.T, w, h int, opts ui.Options, host *fakeHost) *harness {
	t.Helper()
	hs := &harness{
		t: t, sim: &sizedScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), w: w, h: h},
		host: host, frames: newFrames(), done: make(chan error, 1),
	}
	p := tui.NewWithScreen(hs.sim, opts, hs.frames.afterDraw)
	go func() { hs.done <- p.Run(context.Background(), hs.host) }()
	hs.waitFor("the first frame", func(string) bool { return true })
	t.Cleanup(func() { hs.quit() })
	return hs
}

// quit presses Ctrl-C and waits for Run to end.
func (h *harness) quit() error {
	h.t.Helper()
	select {
	case err := <-h.done:
		h.done <- err
		return err
	default:
	}
	h.sim.InjectKey(tcell.KeyCtrlC, 0, tcell.ModCtrl)
	select {
	case err := <-h.done:
		h.done <- err
		return err
	case <-time.After(waitLimit):
		h.t.Fatalf("Run did not end after Ctrl-C")
		return nil
	}
}

// waitFor waits for a frame for which cond holds and returns its text.
// The limit only guards against a hang.
func (h *harness) waitFor(what string, cond func(frame string) bool) string {
	h.t.Helper()
	deadline := time.After(waitLimit)
	for {
		n, text := h.frames.get()
		if n > 0 && cond(text) {
			return text
		}
		select {
		case <-h.frames.signal:
		case <-deadline:
			h.t.Fatalf("no frame with %s within %s; last frame:\n%s", what, waitLimit, text)
		}
	}
}

// step runs action and returns the text of the next frame drawn.
func (h *harness) step(action func()) string {
	h.t.Helper()
	n, _ := h.frames.get()
	action()
	return h.waitFor("a new frame", func(string) bool {
		m, _ := h.frames.get()
		return m > n
	})
}

// feed sends a state event as the bus would and returns the next frame.
func (h *harness) feed(ev events.Event) string {
	h.t.Helper()
	h.host.mu.Lock()
	handler := h.host.handler
	h.host.mu.Unlock()
	return h.step(func() { handler(events.Envelope{Event: ev}) })
}

// key presses a key and returns the next frame.
func (h *harness) key(k tcell.Key) string {
	h.t.Helper()
	mod := tcell.ModNone
	if k >= tcell.KeyCtrlA && k <= tcell.KeyCtrlZ {
		mod = tcell.ModCtrl
	}
	return h.step(func() { h.sim.InjectKey(k, 0, mod) })
}

// typeText types runes one by one and returns the last frame.
func (h *harness) typeText(s string) string {
	h.t.Helper()
	var frame string
	for _, r := range s {
		frame = h.step(func() { h.sim.InjectKey(tcell.KeyRune, r, tcell.ModNone) })
	}
	return frame
}

// frame returns the last frame drawn.
func (h *harness) frame() string {
	_, text := h.frames.get()
	return text
}
