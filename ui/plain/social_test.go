package plain_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/ui"
)

type noListener struct{}

func (noListener) Listen(string, func(string)) error { return nil }
func (noListener) Stop() error                       { return nil }

// TestPlainSocialSignIn: the provider's id at the first prompt starts
// social sign-in; the address is printed; the browser (a cookie-jar HTTP
// client following the real redirects) comes back to the loopback
// callback and the plain UI, waiting at its prompt, shows the session.
// Then over SSH: the browser cannot reach the callback and the user
// pastes the address it ended at.
func TestPlainSocialSignIn(t *testing.T) {
	stack := hydratest.NewStack(t, kratostest.Options{})
	email := fmt.Sprintf("plain-social-%d@example.com", time.Now().UnixNano())
	stack.Hydra.SetUser(hydratest.User{Subject: "sub-" + email, Email: email})
	browsed := make(chan hydratest.Page, 1)
	open := func(u string) error {
		go func() { browsed <- hydratest.NewBrowser().Open(context.Background(), u) }()
		return nil
	}
	t.Run("loopback", func(t *testing.T) {
		s := startWith(t, stack.Kratos.PublicURL, ui.Options{OpenURL: open}, func(c *app.Config) { c.CallbackPort = stack.CallbackPort })
		s.await(`"hydra" to sign in with Hydra`)
		s.await("E-Mail")
		s.send("hydra")
		s.await("Opened in your browser")
		s.await(stack.Hydra.PublicURL + "/oauth2/auth?")
		s.await("Address (back, again, quit)")
		s.await("Session information")
		s.await(email)
		s.await("Command")
		s.send("quit")
		<-browsed
	})
	t.Run("pasted over SSH", func(t *testing.T) {
		s := startWith(t, stack.Kratos.PublicURL, ui.Options{OpenURL: func(u string) error {
			_ = open(u)
			return ui.ErrNoLocalBrowser
		}}, func(c *app.Config) { c.CallbackPort = stack.CallbackPort; c.Callbacks = noListener{} })
		s.await("E-Mail")
		s.send("hydra")
		s.await("No browser opened")
		s.await("Address (back, again, quit)")
		page := <-browsed
		if page.Err == nil || !(strings.HasPrefix(page.URL, stack.ReturnTo+"/") && strings.Contains(page.URL, "?code=")) {
			t.Fatalf("the browser should fail on the callback; got %+v", page)
		}
		s.send("https://example.com/elsewhere?code=x")
		s.await("Error: That address is not this sign-in's callback")
		s.send(page.URL)
		s.await("Session information")
		s.await("Command")
		s.send("quit")
	})
}
