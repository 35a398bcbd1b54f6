package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// benchLimit bounds every wait of the measurements.
const benchLimit = 30 * time.Second

// shownScreen is a simulation screen of a fixed size that reports the
// time each frame is shown (after Show, so the frame is finished).
type shownScreen struct {
	tcell.SimulationScreen
	w, h int
	// withText makes each report carry the frame's text.
	withText bool
	shown    chan shownFrame
}

// shownFrame is the report of a shown frame.
type shownFrame struct {
	at   time.Time
	text string
}

func newShownScreen(w, h int, withText bool) *shownScreen {
	// With text every frame is kept (a later frame may be the one waited
	// for); without, one key makes one frame, read before the next key.
	size := 1
	if withText {
		size = 256
	}
	return &shownScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), w: w, h: h, withText: withText, shown: make(chan shownFrame, size)}
}

// Init implements tcell.Screen, keeping the size.
func (s *shownScreen) Init() error {
	err := s.SimulationScreen.Init()
	s.SetSize(s.w, s.h)
	return err
}

// Show implements tcell.Screen and reports the frame.
func (s *shownScreen) Show() {
	s.SimulationScreen.Show()
	f := shownFrame{at: time.Now()}
	if s.withText {
		f.text = s.text()
	}
	select {
	case s.shown <- f:
	default:
	}
}

// text returns the screen's text (front buffer); only on the UI
// goroutine.
func (s *shownScreen) text() string {
	cells, w, _ := s.GetContents()
	var b strings.Builder
	for i, c := range cells {
		if i > 0 && i%w == 0 {
			b.WriteByte('\n')
		}
		if len(c.Runes) > 0 {
			b.WriteString(string(c.Runes))
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// next waits for the next shown frame.
func (s *shownScreen) next() (shownFrame, error) {
	select {
	case f := <-s.shown:
		return f, nil
	case <-time.After(benchLimit):
		return shownFrame{}, errors.New("no frame drawn")
	}
}

// benchHost is a Host with no state machine: it keeps the handler.
type benchHost struct {
	mu      sync.Mutex
	handler func(events.Envelope)
}

// Publish implements ui.Host; intents are dropped.
func (h *benchHost) Publish(events.Event) error { return nil }

// Subscribe implements ui.Host.
func (h *benchHost) Subscribe(_ context.Context, handler func(events.Envelope)) error {
	h.mu.Lock()
	h.handler = handler
	h.mu.Unlock()
	return nil
}

// Wait implements ui.Host.
func (h *benchHost) Wait(context.Context) error { return nil }

// benchForm is a sign-in form shaped like Kratos's (identifier, password,
// submit).
func benchForm() events.LoginFormShown {
	label := func(text string) adapters.NodeMeta {
		return adapters.NodeMeta{Label: &adapters.Message{ID: 1070002, Text: text, Type: "info"}}
	}
	return events.LoginFormShown{Form: events.Form{FlowID: "bench", UI: adapters.UI{Method: "POST", Nodes: []adapters.Node{
		{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "csrf_token", Type: "hidden"}},
		{Type: "input", Group: "default", Attributes: adapters.NodeAttributes{Name: "identifier", Type: "text", Required: true}, Meta: label("E-Mail")},
		{Type: "input", Group: "password", Attributes: adapters.NodeAttributes{Name: "password", Type: "password", Required: true}, Meta: label("Password")},
		{Type: "input", Group: "password", Attributes: adapters.NodeAttributes{Name: "method", Type: "submit", Value: "password"}, Meta: label("Sign in")},
	}}}}
}

// MeasureKeypressFrames types n keys (letters and backspaces in turn) into
// the sign-in form on an 80x24 simulation screen and returns the median and
// 99th percentile of the time from a key's injection to the end of the
// frame that shows it.
func MeasureKeypressFrames(n int) (p50, p99 time.Duration, err error) {
	if n < 1 {
		n = 1
	}
	scr := newShownScreen(80, 24, false)
	host := &benchHost{}
	p := NewWithScreen(scr, ui.Options{}, nil)
	done := make(chan error, 1)
	go func() { done <- p.Run(context.Background(), host) }()
	defer func() {
		scr.InjectKey(tcell.KeyCtrlC, 0, tcell.ModCtrl)
		if rerr := <-done; rerr != nil && err == nil {
			err = rerr
		}
	}()
	if _, err := scr.next(); err != nil {
		return 0, 0, err
	}
	host.mu.Lock()
	handler := host.handler
	host.mu.Unlock()
	handler(events.Envelope{Event: benchForm()})
	if _, err := scr.next(); err != nil {
		return 0, 0, err
	}
	samples := make([]time.Duration, 0, n)
	for i := range n {
		start := time.Now()
		if i%2 == 0 {
			scr.InjectKey(tcell.KeyRune, rune('a'+i%26), tcell.ModNone)
		} else {
			scr.InjectKey(tcell.KeyBackspace2, 0, tcell.ModNone)
		}
		f, err := scr.next()
		if err != nil {
			return 0, 0, fmt.Errorf("key %d: %w", i, err)
		}
		samples = append(samples, f.at.Sub(start))
	}
	return percentile(samples, 50), percentile(samples, 99), nil
}

// MeasureFirstFrame runs the client in process (adapters, bus, state
// machine and this UI on an 80x24 simulation screen) against kratosURL
// with a memory token store and returns the time from the start to the
// first finished frame. The frame is drawn before Kratos answers; see
// MeasureFirstForm for the time to a usable sign-in form.
func MeasureFirstFrame(ctx context.Context, kratosURL string) (time.Duration, error) {
	return measureStartup(ctx, kratosURL, func(string) bool { return true })
}

// MeasureFirstForm is like MeasureFirstFrame up to the first frame that
// shows the sign-in form fetched from Kratos.
func MeasureFirstForm(ctx context.Context, kratosURL string) (time.Duration, error) {
	return measureStartup(ctx, kratosURL, func(text string) bool {
		return strings.Contains(text, "Sign in with ORY") && strings.Contains(text, "Password")
	})
}

func measureStartup(ctx context.Context, kratosURL string, until func(screen string) bool) (d time.Duration, err error) {
	start := time.Now()
	cfg := app.Config{
		KratosAPI: kratosURL,
		Tokens:    tokenstore.NewMemory(),
		Timeout:   10 * time.Second,
		Stdio:     ui.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
		Logger:    app.Discard,
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		return 0, err
	}
	scr := newShownScreen(80, 24, true)
	p := NewWithScreen(scr, ui.Options{}, nil)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.RunWith(ctx, cfg, client, p) }()
	defer func() {
		cancel()
		if rerr := <-done; rerr != nil && err == nil {
			err = rerr
		}
	}()
	for {
		f, err := scr.next()
		if err != nil {
			return 0, err
		}
		if until(f.text) {
			return f.at.Sub(start), nil
		}
	}
}

// percentile returns the q-th percentile (nearest rank) of samples.
func percentile(samples []time.Duration, q int) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	rank := (q*len(s) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return s[rank-1]
}
