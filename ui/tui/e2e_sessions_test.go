package tui_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui-backend/whoami"
)

// TestEndToEndSessionsAfterARestart: a client started with a stored
// session lists the current session with its device, address and issue
// time from Kratos, not "unknown" (issue 11, item 8): with Kratos's whoami
// as the session source, and with the backend's (whose answer has no
// devices, methods or issue time).
func TestEndToEndSessionsAfterARestart(t *testing.T) {
	srv := kratosServer(t)
	back := httptest.NewServer(whoami.NewHandler(srv.PublicURL, nil, zerolog.Nop()))
	t.Cleanup(back.Close)
	for name, backend := range map[string]string{"kratos": "", "backend": back.URL + "/whoami"} {
		t.Run(name, func(t *testing.T) { sessionsAfterARestart(t, srv, backend) })
	}
}

func sessionsAfterARestart(t *testing.T, srv *kratostest.Server, backend string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	email := fmt.Sprintf("tui-restart-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	tokens := tokenstore.NewMemory()
	first := startAppWith(t, srv.PublicURL, tokens, backend)
	first.waitFor("the sign-in form", signInForm)
	first.typeText(email)
	first.key(tcell.KeyTab)
	first.typeText(password)
	first.key(tcell.KeyEnter)
	first.waitFor("the session", has("Session information", email))
	if err := first.quit(); err != nil {
		t.Fatal(err)
	}

	again := startAppWith(t, srv.PublicURL, tokens, backend)
	again.waitFor("the stored session", has("Session information", email))
	again.press('l')
	frame := again.waitFor("the sessions", has("Sessions (", "Issued"))
	if strings.Contains(frame, "unknown") {
		t.Fatalf("the current session is unknown after a restart:\n%s", frame)
	}
	for _, want := range []string{"127.0.0.1", "aal1", "password"} {
		if !strings.Contains(frame, want) {
			t.Fatalf("no %q on the current session after a restart:\n%s", want, frame)
		}
	}
	if strings.Contains(frame, "Issued unknown") || strings.Contains(frame, "Issued  ·") {
		t.Fatalf("no issue time after a restart:\n%s", frame)
	}
}
