package tui_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/tui"
)

const password = "correct-horse-battery-staple-42"

// startApp runs the whole client (adapters, bus, state machine) with the
// tui plugin on a simulation screen against kratosURL.
func startApp(t *testing.T, kratosURL string) *harness {
	t.Helper()
	return startAppWith(t, kratosURL, tokenstore.NewMemory(), "")
}

// startAppWith is startApp with a token store of the test's (a restart
// keeps it) and a backend ("": none).
func startAppWith(t *testing.T, kratosURL string, tokens adapters.TokenStore, backend string) *harness {
	t.Helper()
	h := &harness{
		t: t, sim: &sizedScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), w: 80, h: 24},
		frames: newFrames(), done: make(chan error, 1),
	}
	cfg := app.Config{
		KratosAPI: kratosURL,
		Backend:   backend,
		Tokens:    tokens,
		Timeout:   30 * time.Second, // a guard against a hang, not a goal: CI machines are busy
		Stdio:     ui.IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
		IDs:       clock.SequentialIDs("tui"),
		Logger:    zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel),
		UIOptions: ui.Options{Title: kratosURL},
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plugin := tui.NewWithScreen(h.sim, cfg.UIOptions, h.frames.afterDraw)
	go func() { h.done <- app.RunWith(context.Background(), cfg, client, plugin) }()
	t.Cleanup(func() {
		if err := h.quit(); err != nil {
			t.Errorf("client ended with: %v", err)
		}
	})
	return h
}

func has(parts ...string) func(string) bool {
	return func(frame string) bool {
		for _, p := range parts {
			if !strings.Contains(frame, p) {
				return false
			}
		}
		return true
	}
}

// signInForm is a sign-in form ready for input (not loading).
var signInForm = has("Sign in with ORY", "E-Mail", "Password", "No account? Sign up.")

func TestEndToEndSignUpSignOutSignIn(t *testing.T) {
	srv := kratosServer(t)
	h := startApp(t, srv.PublicURL)
	email := fmt.Sprintf("tui-e2e-%d@example.com", time.Now().UnixNano())

	h.waitFor("the sign-in form", signInForm)
	h.key(tcell.KeyF2)
	h.waitFor("the sign-up form", has("Sign up with ORY", "First Name", "Already have an account?"))
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyTab)
	h.typeText("Zoë")
	h.key(tcell.KeyTab)
	h.key(tcell.KeyEnter) // Enter in the last field submits
	home := h.waitFor("the session", has("Session information", email))
	if strings.Contains(home, "ory_st_") && !strings.Contains(home, "••••") {
		t.Fatalf("token in clear:\n%s", home)
	}

	h.step(func() { h.sim.InjectKey(tcell.KeyRune, 's', tcell.ModNone) })
	h.waitFor("the sign-in form after sign-out", has("Sign in with ORY", "You are signed out.", "(required)"))

	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText("wrong-password-123")
	h.key(tcell.KeyEnter)
	h.waitFor("Kratos's invalid credentials message", has("The provided credentials are invalid"))

	// The focus is on the password; the e-mail is kept.
	h.typeText(password)
	h.key(tcell.KeyEnter)
	h.waitFor("the session", has("Session information", email))
}
