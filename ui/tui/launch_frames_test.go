package tui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui"
)

// startHarnessConfig is startHarness with the plugin's Config (its Screen
// and AfterDraw are the harness's).
func startHarnessConfig(t *testing.T, cfg tui.Config) *harness {
	t.Helper()
	hs := &harness{
		t: t, sim: &sizedScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), w: 80, h: 24},
		host: &fakeHost{}, frames: newFrames(), done: make(chan error, 1),
	}
	cfg.Screen, cfg.AfterDraw = hs.sim, hs.frames.afterDraw
	p := tui.NewPlugin(cfg)
	go func() { hs.done <- p.Run(context.Background(), hs.host) }()
	hs.waitFor("the first frame", func(string) bool { return true })
	t.Cleanup(func() { hs.quit() })
	return hs
}

// send delivers a state event as the bus would, without waiting for a
// frame.
func (h *harness) send(ev events.Event) {
	h.host.mu.Lock()
	handler := h.host.handler
	h.host.mu.Unlock()
	handler(events.Envelope{Event: ev})
}

// waitIntent waits until the UI has published want.
func (h *harness) waitIntent(want events.Event) {
	h.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		for _, in := range h.host.intents() {
			if in == want {
				return
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the UI did not publish %#v within %s: %v", want, waitLimit, h.host.intents())
		}
		time.Sleep(time.Millisecond) // polling a condition, with a deadline
	}
}

// At launch, the messages that replace one another under the launch
// spinner (the session check begun, no session found, the form asked for)
// are not drawn while the form is on its way: the event loop is free to
// draw the form the moment it comes, and it is the next frame. Keys typed
// meanwhile still reach the form (TestTypeAheadDuringLaunchReachesTheForm
// runs with the default delay).
func TestLaunchDrawsTheFormNextWhenItComesWithinTheDelay(t *testing.T) {
	h := startHarnessConfig(t, tui.Config{Options: testOpts, SpinnerInterval: -1, LoadingRedrawDelay: time.Hour})
	first, frame := h.frames.get()
	if !strings.Contains(frame, "Starting") {
		t.Fatalf("the first frame is not the launch screen:\n%s", frame)
	}
	h.send(events.SessionCheckStarted{Message: "Checking your session…"})
	h.send(events.SignedOut{Reason: events.ReasonNoSession})
	// SignedOut was applied: the UI asked for the form.
	h.waitIntent(events.LoginFlowRequested{})
	h.send(events.RequestStarted{Operation: "create_login_flow"})
	h.send(loginForm(t, "login_flow_created_200.json"))
	h.waitFor("the sign-in form", signInForm)
	// The frame after the first is the form (a redraw of the form after
	// it, its focus settling, is no frame between).
	h.frames.mu.Lock()
	all := append([]string(nil), h.frames.all...)
	h.frames.mu.Unlock()
	for i := first; i < len(all) && !signInForm(all[i]); i++ {
		t.Errorf("a frame drawn between the first frame and the form:\n%s", all[i])
	}
}

// A loading message that stays is drawn once the delay is over, and a
// failure at once.
func TestLaunchDrawsALoadingMessageAfterTheDelayAndAFailureAtOnce(t *testing.T) {
	h := startHarnessConfig(t, tui.Config{Options: testOpts, SpinnerInterval: -1, LoadingRedrawDelay: 20 * time.Millisecond})
	start := time.Now()
	frame := h.feed(events.SessionCheckStarted{Message: "Checking your session…"})
	if waited := time.Since(start); !strings.Contains(frame, "Checking your session") || waited < 20*time.Millisecond {
		t.Fatalf("after %s, frame:\n%s", waited, frame)
	}
	h = startHarnessConfig(t, tui.Config{Options: testOpts, SpinnerInterval: -1, LoadingRedrawDelay: time.Hour})
	frame = h.feed(events.SessionCheckFailed{Message: "Kratos is unreachable"})
	if !strings.Contains(frame, "Kratos is unreachable") || !strings.Contains(frame, "retry") {
		t.Fatalf("the failure is not drawn at once:\n%s", frame)
	}
}

// tcell announces the terminal's size once it is initialised, after the
// first frame was drawn at that size: that resize draws nothing. A resize
// to another size is drawn at the new size.
func TestResizeToTheDrawnSizeDrawsNothing(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(loginForm(t, "login_flow_created_200.json"))
	n, _ := h.frames.get()
	_ = h.sim.PostEvent(tcell.NewEventResize(80, 24))
	h.key(tcell.KeyTab) // a frame after the resize's, if it drew one
	if m, _ := h.frames.get(); m != n+1 {
		t.Fatalf("a resize to the drawn size drew %d frames", m-n-1)
	}
	h.sim.SetSize(100, 30)
	_ = h.sim.PostEvent(tcell.NewEventResize(100, 30))
	frame := h.waitFor("a frame 100 columns wide", func(f string) bool {
		for _, line := range strings.Split(f, "\n") {
			if len([]rune(line)) == 100 {
				return true
			}
		}
		return false
	})
	if !signInForm(frame) {
		t.Fatalf("the resized frame is not the form:\n%s", frame)
	}
}
