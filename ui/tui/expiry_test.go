package tui_test

import (
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
)

// TestHomeOffersRefreshNearTheEnd: in the last tenth of its lifespan the
// home screen says when the session ends and that R keeps it; earlier it
// does not; R asks for the refresh.
func TestHomeOffersRefreshNearTheEnd(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	now := time.Now()
	early, soon := now.Add(-10*time.Minute), now.Add(-time.Hour)
	exp := now.Add(50 * time.Minute)
	frame := h.feed(events.SignedIn{IdentityID: "id", Email: "ada@example.org", ExpiresAt: &exp, AuthenticatedAt: &early, AAL: "aal1"})
	if has("press R to sign in again")(frame) {
		t.Fatalf("a fresh session should not be offered a refresh:\n%s", frame)
	}
	exp = now.Add(3 * time.Minute)
	frame = h.feed(events.SignedIn{IdentityID: "id", Email: "ada@example.org", ExpiresAt: &exp, AuthenticatedAt: &soon, AAL: "aal1"})
	if !has("Your session ends in ", "press R to sign in again and keep it")(frame) {
		t.Fatalf("a session in its last tenth should be offered a refresh:\n%s", frame)
	}
	h.step(func() { h.sim.InjectKey(tcell.KeyRune, 'R', tcell.ModNone) })
	if h.host.last() != (events.SessionRefreshRequested{}) {
		t.Fatalf("R published %#v", h.host.last())
	}
}
