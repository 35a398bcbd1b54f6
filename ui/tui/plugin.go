package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// Name is the plugin's registry name.
const Name = "tui"

// MinWidth and MinHeight are the smallest terminal the screens fit in;
// below it a message asks for a larger one.
const (
	MinWidth  = 60
	MinHeight = 16
)

// DefaultSpinnerInterval is how often the loading spinner turns.
const DefaultSpinnerInterval = 100 * time.Millisecond

// DefaultLoadingRedrawDelay is how long a loading message that replaces
// another one waits to be drawn (see Config.LoadingRedrawDelay).
const DefaultLoadingRedrawDelay = 50 * time.Millisecond

func init() {
	ui.Register(Name, "full-screen terminal UI (default on a terminal)", New)
}

// Config configures a tui plugin.
type Config struct {
	// Options are the settings shared by the plugins.
	Options ui.Options
	// Screen is drawn on; nil opens the terminal.
	Screen tcell.Screen
	// AfterDraw, when set, is called after every frame is drawn, on the UI
	// goroutine, with the screen (tests and benchmarks wait on it).
	AfterDraw func(tcell.Screen)
	// SpinnerInterval is how often the spinner turns; zero means
	// DefaultSpinnerInterval, negative a still spinner (deterministic
	// frames).
	SpinnerInterval time.Duration
	// LoadingRedrawDelay: while the launch screen shows its spinner, a
	// state event that leaves it showing its spinner (at launch: the
	// session check begun, no session found, the form asked for) changes
	// only the message under the spinner; that frame is drawn after this
	// delay, unless another frame is drawn first (the form, an error, a
	// key). A form that comes within the delay is then the next frame, and
	// the event loop is not busy drawing messages nobody could read when
	// it comes. Zero means DefaultLoadingRedrawDelay, negative at once.
	// Keys are never held by it: they wait for the form as before.
	LoadingRedrawDelay time.Duration
}

// Plugin is the full-screen UI.
type Plugin struct {
	cfg Config
}

// New makes the tui plugin on the terminal (the registry's factory). The
// terminal is put in raw mode at once, before the client checks anything,
// so that keys typed from the start (a password manager's auto-type) are
// neither echoed nor held in a line: they wait, in order, for the form.
func New(_ ui.IO, opts ui.Options) (ui.Plugin, error) {
	screen, err := tcell.NewScreen()
	if err != nil {
		return nil, fmt.Errorf("tui: open the terminal: %w", err)
	}
	early := &initOnce{Screen: screen}
	if err := early.Init(); err != nil {
		return nil, fmt.Errorf("tui: open the terminal: %w", err)
	}
	return NewPlugin(Config{Options: opts, Screen: early}), nil
}

// initOnce is a screen initialised early; tview's second Init is a no-op.
type initOnce struct {
	tcell.Screen
	done bool
}

// Init implements tcell.Screen.
func (s *initOnce) Init() error {
	if s.done {
		return nil
	}
	s.done = true
	return s.Screen.Init()
}

// appScreen is the screen the application draws on.
//
// It drops a resize event for the size already drawn: tcell announces the
// terminal's size once it is initialised, after the first frame is drawn at
// that size, and tview would draw the same frame again (while the state
// events of the launch wait). A resize to another size, or one that comes
// before a frame of that size is drawn, passes.
//
// It sets a cell of one ASCII character without the string tcell's
// SetContent allocates for every cell (tview sets every cell of every box,
// most of them to a space, several times a frame).
type appScreen struct {
	tcell.Screen
	// drawn is the size of the last frame drawn, as w<<32 | h (+1, so
	// that zero means none yet).
	drawn atomic.Uint64
}

// drawnAt records that a frame of the screen's size is being drawn (the
// view calls it before every frame).
func (s *appScreen) drawnAt(w, h int) {
	s.drawn.Store(uint64(w)<<32 | uint64(h) + 1)
}

// PollEvent implements tcell.Screen.
func (s *appScreen) PollEvent() tcell.Event {
	for {
		ev := s.Screen.PollEvent()
		if r, ok := ev.(*tcell.EventResize); ok {
			w, h := r.Size()
			sw, sh := s.Screen.Size()
			if w == sw && h == sh && s.drawn.Load() == uint64(w)<<32|uint64(h)+1 {
				continue
			}
		}
		return ev
	}
}

// asciiCells are the strings of the ASCII characters.
var asciiCells = func() (cells [utf8.RuneSelf]string) {
	for i := range cells {
		cells[i] = string(rune(i))
	}
	return cells
}()

// SetContent implements tcell.Screen: tcell's own SetContent is
// Put(x, y, string(append([]rune{primary}, combining...)), style).
func (s *appScreen) SetContent(x, y int, primary rune, combining []rune, style tcell.Style) {
	if len(combining) == 0 && primary >= 0 && primary < utf8.RuneSelf {
		s.Screen.Put(x, y, asciiCells[primary], style)
		return
	}
	s.Screen.SetContent(x, y, primary, combining, style)
}

// NewWithScreen makes the plugin on the given screen (a
// tcell.SimulationScreen in tests) with a hook called after every drawn
// frame. The spinner stands still so that frames are deterministic.
func NewWithScreen(screen tcell.Screen, opts ui.Options, afterDraw func(tcell.Screen)) *Plugin {
	return NewPlugin(Config{Options: opts, Screen: screen, AfterDraw: afterDraw, SpinnerInterval: -1})
}

// NewPlugin makes the plugin from a Config.
func NewPlugin(cfg Config) *Plugin {
	if os.Getenv("NO_COLOR") != "" {
		cfg.Options.NoColor = true
	}
	if cfg.SpinnerInterval == 0 {
		cfg.SpinnerInterval = DefaultSpinnerInterval
	}
	if cfg.LoadingRedrawDelay == 0 {
		cfg.LoadingRedrawDelay = DefaultLoadingRedrawDelay
	}
	return &Plugin{cfg: cfg}
}

// Run shows the UI until the user quits (Ctrl-C) or ctx is cancelled. A
// panic is recovered: the terminal is restored and an error returned.
func (p *Plugin) Run(ctx context.Context, host ui.Host) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tui: internal error: %v\n%s", r, debug.Stack())
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	app := tview.NewApplication()
	var screen *appScreen
	if p.cfg.Screen != nil {
		screen = &appScreen{Screen: p.cfg.Screen}
		app.SetScreen(screen)
	}
	v := newView(app, host, p.cfg.Options)
	if screen != nil {
		v.drawn = screen.drawnAt
	}
	started := make(chan struct{})
	var once sync.Once
	app.SetAfterDrawFunc(func(s tcell.Screen) {
		once.Do(func() { close(started) })
		if p.cfg.AfterDraw != nil {
			p.cfg.AfterDraw(s)
		}
	})

	box := newMailbox()
	if err := host.Subscribe(ctx, func(env events.Envelope) { box.put(env.Event) }); err != nil {
		return fmt.Errorf("tui: %w", err)
	}
	if err := host.Publish(events.AppStarted{}); err != nil {
		return fmt.Errorf("tui: %w", err)
	}

	loopDone := make(chan struct{})
	pumpDone := make(chan struct{})
	go func() {
		defer close(pumpDone)
		p.pump(ctx, app, v, box, started, loopDone)
	}()
	runErr := app.Run()
	close(loopDone)
	select {
	case <-pumpDone:
	case <-time.After(2 * time.Second):
		// The loop ended on its own while an update was queued: the pump
		// cannot finish; leave it.
	}
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return fmt.Errorf("tui: %w", runErr)
	}
	return nil
}

// pump is the only goroutine that queues updates on the event loop: state
// events, spinner turns and the stop. Since each QueueUpdateDraw returns
// once done, no update of ours is pending when it stops the application.
func (p *Plugin) pump(ctx context.Context, app *tview.Application, v *view, box *mailbox, started, loopDone <-chan struct{}) {
	select {
	case <-started:
	case <-loopDone:
		return
	}
	var tick <-chan time.Time
	if p.cfg.SpinnerInterval > 0 {
		t := time.NewTicker(p.cfg.SpinnerInterval)
		defer t.Stop()
		tick = t.C
	}
	// redraw is a loading message's frame, put off (LoadingRedrawDelay).
	var redraw <-chan time.Time
	var redrawTimer *time.Timer
	defer func() {
		if redrawTimer != nil {
			redrawTimer.Stop()
		}
	}()
	drew := func() {
		if redrawTimer != nil {
			redrawTimer.Stop()
			redraw = nil
		}
	}
	for {
		select {
		case <-ctx.Done():
			app.Stop()
			return
		case <-v.quit:
			app.Stop()
			return
		case <-loopDone:
			return
		case <-box.wake:
			var later bool
			app.QueueUpdate(func() {
				before := v.launchLoading()
				for _, ev := range box.drain() {
					v.apply(ev)
				}
				if later = before && v.launchLoading() && p.cfg.LoadingRedrawDelay > 0; !later {
					app.ForceDraw() // as QueueUpdateDraw does
				}
			})
			switch {
			case !later:
				drew()
			case redraw == nil:
				redrawTimer = time.NewTimer(p.cfg.LoadingRedrawDelay)
				redraw = redrawTimer.C
			}
		case <-v.grown:
			app.QueueUpdateDraw(v.resumePending)
		case <-redraw:
			redraw = nil
			app.QueueUpdateDraw(func() {})
		case <-tick:
			if v.animating.Load() {
				app.QueueUpdateDraw(v.turnSpinner)
				drew()
			}
		}
	}
}
