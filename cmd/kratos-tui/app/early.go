package app

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/events"
)

// The launch's first calls, begun while the UI opens the terminal.
//
// At launch the state machine loads the stored token (AppStarted); with
// none, the tui asks for a login flow (LoginFlowRequested) and shows its
// form. Both calls depend only on the configuration, so Run begins them
// before the UI starts, and the state machine's own calls take their
// answers: the token store is read once, and the flow is created while the
// terminal is put in raw mode and the first frame drawn, instead of after.
// Nothing the state machine sees changes: the same answers, the same
// events, the same HTTP exchanges in its trace and recording. A flow is
// created early only when no token is stored (a signed-in user goes
// straight to the session and creates none), and only when the UI asks for
// it at once (Config.EarlyLoginFlow).

// earlyTokens is the token store, opened at launch, whose first Load is
// answered by a Load begun at launch; every later call (and a first Save or
// Delete) goes to the store.
type earlyTokens struct {
	// store is set before opened is closed.
	store  adapters.TokenStore
	opened chan struct{}
	taken  atomic.Bool
	// token and err are set before done is closed.
	done  chan struct{}
	token string
	err   error
}

// startEarly begins, in one goroutine, opening the token store (the
// keyring probe of an automatic store), loading the stored token and then,
// when login is set and no token is stored, creating a login flow. The
// returned adapters answer the state machine's first calls with them.
func startEarly(ctx context.Context, open func() (adapters.TokenStore, string, error), k adapters.Kratos, login bool, log zerolog.Logger) (*earlyTokens, *earlyLogin) {
	tokens := &earlyTokens{opened: make(chan struct{}), done: make(chan struct{})}
	var flow *earlyLogin
	if login {
		flow = &earlyLogin{Kratos: k, done: make(chan struct{})}
	}
	go func() {
		store, where, err := open()
		if err != nil {
			// Run's openers cannot fail (newClient); be safe anyway.
			store = failedStore{err: fmt.Errorf("token store: %w", err)}
		}
		tokens.store = store
		close(tokens.opened)
		log.Info().Str("tokens", where).Msg("token store opened")
		tokens.token, tokens.err = store.Load()
		close(tokens.done)
		if flow == nil {
			return
		}
		defer close(flow.done)
		if tokens.err != nil || tokens.token != "" || ctx.Err() != nil {
			return
		}
		collector := &httplog.Collector{}
		flow.flow, flow.err = k.CreateLoginFlow(httplog.WithCollector(ctx, collector))
		flow.exchanges, flow.made = collector.Take(), true
		log.Debug().Err(flow.err).Msg("login flow created at launch, before the form was asked for")
	}()
	return tokens, flow
}

// Load implements adapters.TokenStore.
func (e *earlyTokens) Load() (string, error) {
	if e.taken.Swap(true) {
		<-e.opened
		return e.store.Load()
	}
	<-e.done
	return e.token, e.err
}

// Save implements adapters.TokenStore.
func (e *earlyTokens) Save(token string) error {
	e.taken.Store(true)
	<-e.opened
	return e.store.Save(token)
}

// Delete implements adapters.TokenStore.
func (e *earlyTokens) Delete() error {
	e.taken.Store(true)
	<-e.opened
	return e.store.Delete()
}

// failedStore is a token store that could not be opened.
type failedStore struct{ err error }

func (f failedStore) Load() (string, error) { return "", f.err }
func (f failedStore) Save(string) error     { return f.err }
func (f failedStore) Delete() error         { return f.err }

// earlyLogin is the Kratos adapter whose first CreateLoginFlow takes the
// answer of a call begun at launch, when one was made.
type earlyLogin struct {
	adapters.Kratos
	taken atomic.Bool
	done  chan struct{}
	// made, flow, err and exchanges are set before done is closed.
	made      bool
	flow      *adapters.Flow
	err       error
	exchanges []events.HTTPExchange
}

// traitTyper is the identity-schema read a Kratos adapter may offer (the
// state machine asks for it: fsm.traitTyper).
type traitTyper interface {
	TraitTypes(ctx context.Context, id string) (map[string]adapters.TraitType, error)
}

// earlyLoginTyped is earlyLogin over an adapter that reads the identity
// schema: the wrapper keeps that method visible, or the machine would see
// an adapter without it (the TUI's sign-up and settings forms lost their
// trait types, and their recordings the schema read replay makes).
type earlyLoginTyped struct {
	*earlyLogin
	tt traitTyper
}

// TraitTypes passes the read to the wrapped adapter.
func (e earlyLoginTyped) TraitTypes(ctx context.Context, id string) (map[string]adapters.TraitType, error) {
	return e.tt.TraitTypes(ctx, id)
}

// earlyKratos is login as the Kratos adapter, with every optional method
// of the adapter it wraps.
func earlyKratos(login *earlyLogin) adapters.Kratos {
	if tt, ok := login.Kratos.(traitTyper); ok {
		return earlyLoginTyped{earlyLogin: login, tt: tt}
	}
	return login
}

// CreateLoginFlow implements adapters.Kratos.
func (e *earlyLogin) CreateLoginFlow(ctx context.Context) (*adapters.Flow, error) {
	if e.taken.Swap(true) {
		return e.Kratos.CreateLoginFlow(ctx)
	}
	select {
	case <-e.done:
	case <-ctx.Done():
		// Abandoned: the adapter reports the cancellation as it does
		// for any call.
		return e.Kratos.CreateLoginFlow(ctx)
	}
	if !e.made || (e.flow != nil && e.flow.ExpiresAt != nil && !e.flow.ExpiresAt.After(time.Now())) {
		return e.Kratos.CreateLoginFlow(ctx)
	}
	if c := httplog.From(ctx); c != nil {
		c.Add(e.exchanges...)
	}
	return e.flow, e.err
}
