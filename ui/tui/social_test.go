package tui_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/tui"
)

// TestSocialSignInKeys: a provider's button starts social sign-in; the
// waiting screen opens the address once per flow, sends a pasted address,
// and Esc goes back to a new form.
func TestSocialSignInKeys(t *testing.T) {
	var mu sync.Mutex
	var opened []string
	opts := testOpts
	opts.OpenURL = func(u string) error {
		mu.Lock()
		opened = append(opened, u)
		mu.Unlock()
		return nil
	}
	h := newHarness(t, 80, 24, opts)
	h.feed(loginForm(t, "oidc/login_oidc_flow_created_200.json"))
	h.key(tcell.KeyF5)
	if got, ok := h.host.last().(events.SocialSignInRequested); !ok || got.Provider != "hydra" || got.Registration {
		t.Fatalf("F5 published %#v, want SocialSignInRequested{hydra}", h.host.last())
	}
	ev := socialStarted(t)
	frame := h.feed(ev)
	if !strings.Contains(frame, "Sign in with Hydra") || !strings.Contains(frame, "Waiting for the browser") {
		t.Fatalf("waiting screen:\n%s", frame)
	}
	h.feed(ev) // the same flow again (a refused paste): not opened twice
	mu.Lock()
	if len(opened) != 1 || opened[0] != ev.URL {
		t.Fatalf("opened %v, want the provider's address once", opened)
	}
	mu.Unlock()

	pasted := ev.ReturnTo + "?code=pasted-code-123"
	h.typeText(pasted)
	h.key(tcell.KeyEnter)
	if got, ok := h.host.last().(events.SocialSignInCallbackReceived); !ok || got.URL != pasted || !got.Pasted {
		t.Fatalf("Enter published %#v, want the pasted address", h.host.last())
	}
	h.feed(ev)
	h.key(tcell.KeyEscape)
	if _, ok := h.host.last().(events.LoginFlowRequested); !ok {
		t.Fatalf("Esc published %#v, want LoginFlowRequested", h.host.last())
	}
}

// TestSocialSignInNoBrowser: when no browser opens (over SSH), the screen
// says to open the address elsewhere, and why none opened.
func TestSocialSignInNoBrowser(t *testing.T) {
	opts := testOpts
	opts.OpenURL = func(string) error { return ui.ErrNoLocalBrowser }
	h := newHarness(t, 80, 24, opts)
	frame := h.feed(socialStarted(t))
	if !strings.Contains(frame, "in a browser to sign in with Hydra") || !strings.Contains(frame, "No browser opened") {
		t.Fatalf("no-browser screen:\n%s", frame)
	}
}

// TestEndToEndSocialSignIn signs in with Hydra through the whole client
// and the TUI: the "user's browser" the client opens is a cookie-jar HTTP
// client following the real redirects (Kratos, Hydra, its login and
// consent handler, Kratos) to the client's loopback callback.
func TestEndToEndSocialSignIn(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := fmt.Sprintf("tui-social-%d@example.com", time.Now().UnixNano())
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	browsed := make(chan hydratest.Page, 1)
	h := startSocialApp(t, stack, func(u string) error {
		go func() { browsed <- hydratest.NewBrowser().Open(context.Background(), u) }()
		return nil
	})
	h.waitFor("the sign-in form", has("Sign in with ORY", "Sign in with Hydra"))
	h.key(tcell.KeyF5)
	home := h.waitFor("the session", has("Session information", email))
	if strings.Contains(home, "ory_st_") && !strings.Contains(home, "••••") {
		t.Fatalf("token in clear:\n%s", home)
	}
	page := <-browsed
	if !(strings.HasPrefix(page.URL, stack.ReturnTo+"/") && strings.Contains(page.URL, "?code=")) || !strings.Contains(page.Body, "go back to the terminal") {
		t.Fatalf("the browser ended at %+v", page)
	}
}

// TestEndToEndSocialSignInPasted: over SSH the browser (on the user's own
// machine) cannot reach the client's callback; the user pastes the
// address it ended at into the TUI.
func TestEndToEndSocialSignInPasted(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := fmt.Sprintf("tui-social-ssh-%d@example.com", time.Now().UnixNano())
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	ended := make(chan hydratest.Page, 1)
	h := startSocialApp(t, stack, func(u string) error {
		go func() { ended <- hydratest.NewBrowser().Open(context.Background(), u) }()
		return ui.ErrNoLocalBrowser // as over SSH: the user opens it elsewhere
	}, noListener{})
	h.waitFor("the sign-in form", has("Sign in with ORY", "Sign in with Hydra"))
	h.key(tcell.KeyF5)
	h.waitFor("the waiting screen", has("in a browser to sign in", "Address"))
	page := <-ended
	if page.Err == nil || !(strings.HasPrefix(page.URL, stack.ReturnTo+"/") && strings.Contains(page.URL, "?code=")) {
		t.Fatalf("the browser should fail on the callback it cannot reach; got %+v", page)
	}
	h.typeText(page.URL)
	h.key(tcell.KeyEnter)
	h.waitFor("the session", has("Session information", email))
}

type noListener struct{}

func (noListener) Listen(string, func(string)) error { return nil }
func (noListener) Stop() error                       { return nil }

func startSocialApp(t *testing.T, stack *hydratest.Stack, open func(string) error, listener ...noListener) *harness {
	t.Helper()
	h := &harness{
		t: t, sim: &sizedScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), w: 80, h: 24},
		frames: newFrames(), done: make(chan error, 1),
	}
	cfg := app.Config{
		KratosAPI:    stack.Kratos.PublicURL,
		Tokens:       tokenstore.NewMemory(),
		Timeout:      30 * time.Second,
		Stdio:        ui.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
		IDs:          clock.SequentialIDs("tui"),
		Logger:       zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		UIOptions:    ui.Options{Title: stack.Kratos.PublicURL, OpenURL: open},
		CallbackPort: stack.CallbackPort,
	}
	if len(listener) > 0 {
		cfg.Callbacks = listener[0]
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plugin := tui.NewWithScreen(h.sim, cfg.UIOptions, h.frames.afterDraw)
	go func() { h.done <- app.RunWith(context.Background(), cfg, client, plugin) }()
	t.Cleanup(func() {
		if err := h.quit(); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("client ended with: %v", err)
		}
	})
	return h
}

// TestSocialSignInQRCode: F3 shows the provider's address as a QR code
// that decodes back to it when the terminal can hold it, else says how
// large the terminal must be.
func TestSocialSignInQRCode(t *testing.T) {
	ev := socialStarted(t)
	small := newHarness(t, 120, 40, testOpts)
	small.feed(ev)
	frame := small.key(tcell.KeyF3)
	if !strings.Contains(frame, "too small for this address as a QR code (it needs") {
		t.Fatalf("120x40:\n%s", frame)
	}
	big := newHarness(t, 200, 60, testOpts)
	big.feed(ev)
	frame = big.key(tcell.KeyF3)
	if !strings.Contains(frame, "█") || !strings.Contains(frame, "Scan it with the browser of another device") {
		t.Fatalf("200x60 shows no QR code:\n%s", frame)
	}
	if got := decodeQR(t, frame); got != ev.URL {
		t.Fatalf("the QR code reads %q, want the provider's address", got)
	}
}

// decodeQR reads the half-block QR code drawn in a frame.
func decodeQR(t *testing.T, frame string) string {
	t.Helper()
	var rows [][]rune
	left, right := -1, -1
	for _, l := range strings.Split(frame, "\n") {
		r := []rune(l)
		first := strings.IndexAny(l, "█▀▄")
		if first < 0 {
			continue
		}
		lo, hi := len(r), -1
		for i, c := range r {
			if c == '█' || c == '▀' || c == '▄' {
				lo, hi = min(lo, i), max(hi, i)
			}
		}
		if left < 0 || lo < left {
			left = lo
		}
		right = max(right, hi)
		rows = append(rows, r)
	}
	const px = 4
	w := (right - left + 1 + 8) * px
	h := (2*len(rows) + 8) * px
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	set := func(mx, my int, light bool) {
		if light {
			return
		}
		for y := 0; y < px; y++ {
			for x := 0; x < px; x++ {
				img.SetGray((mx+4)*px+x, (my+4)*px+y, color.Gray{0})
			}
		}
	}
	for y, r := range rows {
		for x := left; x <= right; x++ {
			c := ' '
			if x < len(r) {
				c = r[x]
			}
			set(x-left, 2*y, c == '█' || c == '▀')
			set(x-left, 2*y+1, c == '█' || c == '▄')
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode the QR code: %v", err)
	}
	return res.GetText()
}

// TestSocialWaitingScreenPlainText: what Kratos and the provider say on the
// waiting screen (the label, an error with a provider's words) is shown
// as it is, never read as tview's [color] tags.
func TestSocialWaitingScreenPlainText(t *testing.T) {
	h := newHarness(t, 100, 30, testOpts)
	h.feed(loginForm(t, "oidc/login_oidc_flow_created_200.json"))
	ev := socialStarted(t)
	ev.ProviderLabel = "Acme[red]"
	ev.Error = "That address's code did not sign you in: [::b]bold[-] [yellow]x."
	frame := h.feed(ev)
	for _, want := range []string{"Acme[red]", "[::b]bold[-]", "[yellow]x."} {
		if !strings.Contains(frame, want) {
			t.Errorf("the waiting screen lacks %q as text:\n%s", want, frame)
		}
	}
}
