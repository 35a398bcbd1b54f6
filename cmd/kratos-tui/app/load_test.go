package app_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
	"go.uber.org/goleak"
)

// loadScript is the user of one headless client: sign up, sign out, sign
// in, then stop. Like a person, it submits again when a call failed (a
// busy Kratos on SQLite answers "database is locked" or times out under
// this load), up to maxRetries times, and counts the retries.
func loadScript(email string) (*app.Script, *atomic.Int32, *atomic.Int32) {
	const maxRetries = 20
	var stage, retries atomic.Int32
	retry := func(ev events.Event) events.Event {
		if retries.Add(1) > maxRetries {
			return nil
		}
		return ev
	}
	signUp := events.SignUpSubmitted{Email: email, Password: password}
	signIn := events.SignInSubmitted{Identifier: email, Password: password}
	s := &app.Script{}
	s.Next = func(seen []events.Envelope) events.Event {
		last := seen[len(seen)-1].Event
		switch st := last.(type) {
		case events.SignedOut:
			switch stage.Load() {
			case 0:
				stage.Store(1)
				return events.RegistrationFlowRequested{}
			case 1:
				return retry(events.RegistrationFlowRequested{})
			case 3, 4:
				if stage.Swap(4) == 4 {
					return retry(events.LoginFlowRequested{})
				}
				return events.LoginFlowRequested{}
			}
		case events.RegistrationFormShown:
			switch {
			case stage.Load() == 1:
				stage.Store(2)
				return signUp
			case stage.Load() == 2 && hasMessage(st.Messages, 4000007):
				// An earlier submit went through although its answer was
				// lost: the account exists, so sign in.
				stage.Store(4)
				return events.LoginFlowRequested{}
			case stage.Load() == 2:
				return retry(signUp)
			}
		case events.SignedIn:
			switch stage.Load() {
			case 2:
				stage.Store(3)
				return events.SignOutRequested{}
			case 3:
				return retry(events.SignOutRequested{})
			case 5:
				stage.Store(6) // done
			}
		case events.LoginFormShown:
			switch stage.Load() {
			case 4:
				stage.Store(5)
				return signIn
			case 5:
				return retry(signIn)
			}
		}
		return nil
	}
	return s, &stage, &retries
}

// TestLoadFiftyClients runs 50 headless clients (the real adapters, bus
// and state machine, each with a scripted UI) that sign up, sign out and
// sign in at the same time against one real Kratos: all must complete.
func TestLoadFiftyClients(t *testing.T) {
	const clients = 50
	srv := kratosServer(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	defer http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	var completed, retried atomic.Int32
	reliability.Report(t, reliability.SuiteLoad, func(r *reliability.Record) {
		r.Clients, r.Completed = clients, int(completed.Load())
		r.Detail = fmt.Sprintf("%d user retries after Kratos (SQLite) was busy", retried.Load())
	})
	start := time.Now()
	var wg sync.WaitGroup
	base := time.Now().UnixNano()
	for i := range clients {
		wg.Go(func() {
			email := fmt.Sprintf("load-%d-%d@example.com", base, i)
			tokens := tokenstore.NewMemory()
			cfg := app.Config{KratosAPI: srv.PublicURL, Tokens: tokens, Timeout: 10 * time.Second,
				Clock: clock.System{}, IDs: clock.RandomIDs{}, Logger: app.Discard}
			client, err := app.NewClient(cfg)
			if err != nil {
				t.Errorf("client %d: %v", i, err)
				return
			}
			script, stage, retries := loadScript(email)
			defer func() { retried.Add(retries.Load()) }()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if err := app.RunWith(ctx, cfg, client, script); err != nil {
				t.Errorf("client %d: %v", i, err)
				return
			}
			tok, _ := tokens.Load()
			if stage.Load() != 6 || tok == "" {
				seen := script.Seen()
				t.Errorf("client %d stopped at stage %d after %d retries (token stored: %t), last state %s",
					i, stage.Load(), retries.Load(), tok != "", seen[len(seen)-1].Type)
				return
			}
			completed.Add(1)
		})
	}
	wg.Wait()
	t.Logf("%d/%d clients signed up, out and in in %s, with %d user retries", completed.Load(), clients, time.Since(start), retried.Load())
}
