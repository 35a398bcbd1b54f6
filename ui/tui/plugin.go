package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"

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
	if p.cfg.Screen != nil {
		app.SetScreen(p.cfg.Screen)
	}
	v := newView(app, host, p.cfg.Options)
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
			app.QueueUpdateDraw(func() {
				for _, ev := range box.drain() {
					v.apply(ev)
				}
			})
		case <-tick:
			if v.animating.Load() {
				app.QueueUpdateDraw(v.turnSpinner)
			}
		}
	}
}
