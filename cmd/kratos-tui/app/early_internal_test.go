package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// countingStore counts the Loads of a memory store.
type countingStore struct {
	*tokenstore.Memory
	mu    sync.Mutex
	loads int
}

func (c *countingStore) Load() (string, error) {
	c.mu.Lock()
	c.loads++
	c.mu.Unlock()
	return c.Memory.Load()
}

func (c *countingStore) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loads
}

// The launch reads the store once: the state machine's first Load takes
// the early one; later Loads read the store again, and a Save or Delete
// before the first Load makes it read the store (never a stale answer).
func TestEarlyTokensAnswerTheFirstLoadOnly(t *testing.T) {
	store := &countingStore{Memory: tokenstore.NewMemory()}
	if err := store.Save("ory_st_before"); err != nil {
		t.Fatal(err)
	}
	tokens, login := startEarly(context.Background(), opener(store), nil, false, zerolog.Nop())
	if login != nil {
		t.Fatal("a login flow adapter without EarlyLoginFlow")
	}
	if tok, err := tokens.Load(); err != nil || tok != "ory_st_before" {
		t.Fatalf("first Load = %q, %v", tok, err)
	}
	if n := store.count(); n != 1 {
		t.Fatalf("the store was read %d times for the first Load, want once", n)
	}
	if err := tokens.Save("ory_st_after"); err != nil {
		t.Fatal(err)
	}
	if tok, _ := tokens.Load(); tok != "ory_st_after" {
		t.Fatalf("Load after Save = %q", tok)
	}
	if n := store.count(); n != 2 {
		t.Fatalf("the store was read %d times, want twice", n)
	}

	// A Delete before the first Load: the Load reads the store.
	store2 := &countingStore{Memory: tokenstore.NewMemory()}
	_ = store2.Save("ory_st_x")
	tokens2, _ := startEarly(context.Background(), opener(store2), nil, false, zerolog.Nop())
	<-tokens2.done
	if err := tokens2.Delete(); err != nil {
		t.Fatal(err)
	}
	if tok, _ := tokens2.Load(); tok != "" {
		t.Fatalf("Load after Delete = %q, the early answer was stale", tok)
	}
}

func opener(s adapters.TokenStore) func() (adapters.TokenStore, string, error) {
	return func() (adapters.TokenStore, string, error) { return s, "test store", nil }
}

// openOrderUI is the UI of the store-opening tests: its start (where the
// tui opens the terminal) is noted; it runs the launch until signed out.
var openOrderUI struct {
	started chan struct{}
	calls   atomic.Int32
}

func init() {
	ui.Register("test-open-order", "test: notes when it starts", func(ui.IO, ui.Options) (ui.Plugin, error) {
		openOrderUI.calls.Add(1)
		close(openOrderUI.started)
		return launchUI{}, nil
	})
}

type launchUI struct{}

func (launchUI) Run(ctx context.Context, host ui.Host) error {
	got := make(chan events.Event, 16)
	if err := host.Subscribe(ctx, func(env events.Envelope) { got <- env.Event }); err != nil {
		return err
	}
	if err := host.Publish(events.AppStarted{}); err != nil {
		return err
	}
	for {
		select {
		case ev := <-got:
			switch ev := ev.(type) {
			case events.SignedOut:
				if ev.Reason != events.ReasonNoSession {
					return errors.New("signed out: " + ev.Reason)
				}
				return nil
			case events.SessionCheckFailed:
				return errors.New("session check failed: " + ev.Message)
			}
		case <-time.After(30 * time.Second):
			return errors.New("no SignedOut within 30s")
		}
	}
}

// The automatic token store (the default) is opened while the UI starts:
// a keyring probe that takes its time (up to 2s) no longer holds back the
// terminal's raw mode and the first frame. Run's launch still reads it.
func TestAutomaticTokenStoreOpensWhileTheUIStarts(t *testing.T) {
	openOrderUI.started = make(chan struct{})
	openOrderUI.calls.Store(0)
	dir := t.TempDir()
	var gotOpts tokenstore.OpenOptions
	var beforeUI atomic.Bool
	real := openTokenStore
	t.Cleanup(func() { openTokenStore = real })
	openTokenStore = func(key string, o tokenstore.OpenOptions) (adapters.TokenStore, string, error) {
		gotOpts = o
		// A keyring probe that answers once the UI has started.
		select {
		case <-openOrderUI.started:
		case <-time.After(10 * time.Second):
			beforeUI.Store(true)
		}
		return tokenstore.NewMemory(), "memory (test)", nil
	}
	cfg := Config{KratosAPI: "http://127.0.0.1:1", UI: "test-open-order", TokenDir: dir, Logger: zerolog.Nop()}
	if err := Run(context.Background(), cfg); err != nil {
		t.Fatalf("run: %v", err)
	}
	if beforeUI.Load() {
		t.Fatal("the UI started only after the token store was opened (10s): the keyring probe holds back the terminal again")
	}
	if gotOpts.Backend != tokenstore.BackendAuto || gotOpts.Dir != dir {
		t.Fatalf("opened with %+v, want the automatic backend in %s", gotOpts, dir)
	}
}

// A store that cannot be opened (the keyring asked for and unavailable)
// still stops the run before the UI starts, with the error.
func TestUnavailableTokenStoreFailsBeforeTheUI(t *testing.T) {
	openOrderUI.started = make(chan struct{})
	openOrderUI.calls.Store(0)
	real := openTokenStore
	t.Cleanup(func() { openTokenStore = real })
	openTokenStore = func(string, tokenstore.OpenOptions) (adapters.TokenStore, string, error) {
		return nil, "", errors.New("open token store: the OS keyring is unavailable: test")
	}
	cfg := Config{KratosAPI: "http://127.0.0.1:1", UI: "test-open-order", TokenStore: tokenstore.BackendKeyring, Logger: zerolog.Nop()}
	err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "token store: open token store: the OS keyring is unavailable") {
		t.Fatalf("run: %v, want the token store's error", err)
	}
	if n := openOrderUI.calls.Load(); n != 0 {
		t.Fatalf("the UI was started %d times for a run that cannot open its token store", n)
	}
}

// typedKratos is a Kratos adapter that also reads the identity schema.
type typedKratos struct{ adapters.Kratos }

func (typedKratos) TraitTypes(context.Context, string) (map[string]adapters.TraitType, error) {
	return map[string]adapters.TraitType{"traits.age": {Type: "integer"}}, nil
}

// The early login adapter hides none of the wrapped adapter's optional
// methods: the identity schema read stays visible to the state machine
// (without it the TUI's sign-up and settings forms had no trait types and
// their recordings did not replay), and is not claimed when absent.
func TestEarlyLoginKeepsTheSchemaRead(t *testing.T) {
	wrapped := earlyKratos(&earlyLogin{Kratos: typedKratos{}, done: make(chan struct{})})
	tt, ok := wrapped.(traitTyper)
	if !ok {
		t.Fatal("the early login adapter hides TraitTypes")
	}
	if types, err := tt.TraitTypes(context.Background(), ""); err != nil || types["traits.age"].Type != "integer" {
		t.Fatalf("TraitTypes: %v, %v", types, err)
	}
	if _, ok := earlyKratos(&earlyLogin{done: make(chan struct{})}).(traitTyper); ok {
		t.Fatal("TraitTypes claimed for an adapter without it")
	}
}
