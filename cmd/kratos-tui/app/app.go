// Package app wires kratos-tui together: adapters, bus, state machine and a
// UI plugin, from a Config. The command in cmd/kratos-tui and the
// integration tests both run the client through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/backend"
	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
	"github.com/kratos-tui/kratos-tui/adapters/loopback"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/ui"
)

// Config is everything a run needs. Zero values get sensible defaults.
type Config struct {
	// KratosAPI is the Kratos public URL (the seed's KRATOS_API); required.
	KratosAPI string
	// Backend is the backend URL (the seed's BACKEND); empty means Kratos
	// whoami answers for the session at launch.
	Backend string
	// UI names the plugin; empty picks the default for the terminal.
	UI string
	// UIOptions are passed to the plugin.
	UIOptions ui.Options
	// TokenStore is auto, keyring, file or memory (default auto).
	TokenStore string
	// TokenDir overrides the token file directory.
	TokenDir string
	// Tokens, when set, is used instead of opening TokenStore (tests).
	Tokens adapters.TokenStore
	// Timeout bounds each HTTP call (default 10s).
	Timeout time.Duration
	// Stdio is where the UI reads and writes.
	Stdio ui.IO
	// Clock and IDs stamp events (default the system clock, random ids).
	Clock adapters.Clock
	IDs   adapters.IDSource
	// Logger receives diagnostics; never secrets.
	Logger zerolog.Logger
	// Secrets is the run's registry of secrets, shared by the state
	// machine (which adds every secret it learns), the recorder and the
	// logger (which replace them by value); nil means a fresh one.
	Secrets *events.Secrets
	// CallbackPort is the loopback port the browser comes back to after a
	// social sign-in (http://127.0.0.1:PORT/callback, which Kratos must
	// allow in selfservice.allowed_return_urls); 0 means
	// loopback.DefaultPort.
	CallbackPort int
	// Callbacks, when set, receives the browser's return instead of a
	// listener on CallbackPort (tests).
	Callbacks adapters.CallbackListener
	// Observers are attached to the bus before anything is published (the
	// recorder, say). Each gets the bus and must subscribe before it
	// returns.
	Observers []func(ctx context.Context, b *bus.Bus) error
	// EarlyLoginFlow says that the UI asks for a login flow as soon as no
	// session is found (the tui does): Run then creates it while the UI
	// starts (see early.go).
	EarlyLoginFlow bool
}

// Client holds the adapters a Config resolves to.
type Client struct {
	Kratos   adapters.Kratos
	Sessions adapters.SessionSource
	// SelfService is the rest of the Kratos API (the Kratos adapter).
	SelfService adapters.SelfService
	// Social is social sign-in (the Kratos adapter).
	Social adapters.SocialSignIn
	Tokens adapters.TokenStore
	// TokenWhere describes where the token is kept ("OS keyring", "file
	// ...").
	TokenWhere string
	// openTokens, when set, opens Tokens (Run calls it while the UI
	// starts).
	openTokens func() (adapters.TokenStore, string, error)
}

// ValidateURL checks that raw is an absolute http(s) URL with a host; what
// names the setting in the error.
func ValidateURL(what, raw string) error {
	if strings.TrimSpace(raw) == "" {
		hint := ""
		if what == "KRATOS_API" {
			// The dev stack's env file is read only while the stack is up.
			hint = "; in a clone of kratos-tui, make up starts a local Kratos that the client then finds"
		}
		return fmt.Errorf("%s is not set; give it with --%s or the %s environment variable (for example http://127.0.0.1:4433)%s",
			what, strings.ToLower(strings.ReplaceAll(what, "_", "-")), what, hint)
	}
	// The URL is shown without credentials and query, which may hold a
	// secret (adapters.ShownURL); one that does not parse is not shown.
	if !strings.Contains(raw, "://") {
		if u, err := url.Parse("http://" + raw); err == nil && u.User == nil && u.RawQuery == "" && u.Fragment == "" {
			return fmt.Errorf("%s %q has no scheme: write http://%s (or https://%s)", what, raw, raw, raw)
		}
		return fmt.Errorf("%s has no scheme: write it as http://HOST:PORT (or https://), without credentials or a query", what)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s is not a URL (%s): write it as http://HOST:PORT (or https://)", what, strings.TrimPrefix(err.Error(), fmt.Sprintf("parse %q: ", raw)))
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q must be an absolute http:// or https:// URL with a host, such as http://127.0.0.1:4433", what, adapters.ShownURL(u))
	}
	return nil
}

// NewClient builds the adapters of cfg.
func NewClient(cfg Config) (*Client, error) {
	return newClient(cfg, false)
}

// newClient builds the adapters of cfg; with deferAuto, an automatic
// token store is left for Client.openTokens to open.
func newClient(cfg Config, deferAuto bool) (*Client, error) {
	if err := ValidateURL("KRATOS_API", cfg.KratosAPI); err != nil {
		return nil, err
	}
	transport := &httplog.Transport{Base: http.DefaultTransport}
	k, err := kratos.New(cfg.KratosAPI, kratos.Options{Transport: transport, Timeout: cfg.Timeout})
	if err != nil {
		return nil, fmt.Errorf("kratos adapter: %w", err)
	}
	c := &Client{Kratos: k, Sessions: k}
	if self, ok := any(k).(adapters.SelfService); ok {
		c.SelfService = self
	}
	c.Social = k
	if cfg.Backend != "" {
		if err := ValidateURL("BACKEND", cfg.Backend); err != nil {
			return nil, err
		}
		timeout := cfg.Timeout
		if timeout == 0 {
			timeout = kratos.DefaultTimeout
		}
		b, err := backend.New(cfg.Backend, &http.Client{Transport: transport, Timeout: timeout})
		if err != nil {
			return nil, fmt.Errorf("backend adapter: %w", err)
		}
		c.Sessions = b
	}
	c.Tokens, c.TokenWhere = cfg.Tokens, "given store"
	if c.Tokens != nil {
		return c, nil
	}
	if deferAuto && (cfg.TokenStore == "" || cfg.TokenStore == tokenstore.BackendAuto) {
		// Choosing between the OS keyring and the file is a probe of
		// the keyring (a D-Bus call, up to DefaultProbeTimeout); Run
		// makes it while the UI starts. With a directory it cannot
		// fail: a keyring that does not answer means the file.
		dir := cfg.TokenDir
		if dir == "" {
			if dir, err = tokenstore.DefaultDir(); err != nil {
				return nil, fmt.Errorf("token store: open token store: %w", err)
			}
		}
		c.openTokens = func() (adapters.TokenStore, string, error) {
			return openTokenStore(cfg.KratosAPI, tokenstore.OpenOptions{Backend: tokenstore.BackendAuto, Dir: dir})
		}
		c.TokenWhere = "OS keyring, else a file in " + dir
		return c, nil
	}
	c.Tokens, c.TokenWhere, err = openTokenStore(cfg.KratosAPI, tokenstore.OpenOptions{Backend: cfg.TokenStore, Dir: cfg.TokenDir})
	if err != nil {
		return nil, fmt.Errorf("token store: %w", err)
	}
	return c, nil
}

// openTokenStore opens a token store (tests replace it).
var openTokenStore = tokenstore.Open

// Run runs the client with the UI until the UI ends or ctx is cancelled.
func Run(ctx context.Context, cfg Config) error {
	client, err := newClient(cfg, true)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The launch's first calls begin now, while the UI opens the terminal
	// (early.go); the state machine takes their answers.
	open := client.openTokens
	if open == nil {
		store, where := client.Tokens, client.TokenWhere
		open = func() (adapters.TokenStore, string, error) { return store, where, nil }
	}
	tokens, login := startEarly(ctx, open, client.Kratos, cfg.EarlyLoginFlow, cfg.Logger)
	client.Tokens = tokens
	if login != nil {
		client.Kratos = earlyKratos(login)
	}
	plugin, err := ui.New(cfg.UI, cfg.Stdio, cfg.UIOptions)
	if err != nil {
		return err
	}
	cfg.Logger.Info().Str("kratos", cfg.KratosAPI).Str("backend", cfg.Backend).Str("tokens", client.TokenWhere).Msg("starting")
	return RunWith(ctx, cfg, client, plugin)
}

// RunWith runs plugin against the given adapters.
func RunWith(ctx context.Context, cfg Config, client *Client, plugin ui.Plugin) error {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.IDs == nil {
		cfg.IDs = clock.RandomIDs{}
	}
	if cfg.Secrets == nil {
		cfg.Secrets = events.NewSecrets()
	}
	b, err := bus.New(bus.Options{Clock: cfg.Clock, IDs: cfg.IDs, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer func() {
		if cerr := b.Close(); cerr != nil {
			cfg.Logger.Error().Err(cerr).Msg("close bus")
		}
	}()
	for _, attach := range cfg.Observers {
		if err := attach(ctx, b); err != nil {
			return fmt.Errorf("attach observer: %w", err)
		}
	}
	callbacks := cfg.Callbacks
	if callbacks == nil {
		rcv := &loopback.Receiver{}
		defer func() { _ = rcv.Stop() }()
		callbacks = rcv
	}
	machine, err := fsm.New(fsm.Config{
		Bus: b, Kratos: client.Kratos, Sessions: client.Sessions, Tokens: client.Tokens,
		SelfService: client.SelfService, Logger: cfg.Logger, Secrets: cfg.Secrets,
		Social: client.Social, Callbacks: callbacks, CallbackURL: loopback.ReturnTo(cfg.CallbackPort),
	})
	if err != nil {
		return err
	}
	if err := machine.Start(ctx); err != nil {
		return err
	}
	err = plugin.Run(ctx, &host{bus: b})
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	// Let what is in flight finish (bounded) so that nothing is lost.
	waitCtx, stop := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer stop()
	if werr := b.Wait(waitCtx); werr != nil {
		cfg.Logger.Warn().Err(werr).Msg("events still in flight at exit")
	}
	return err
}

// host is the ui.Host over the bus.
type host struct {
	bus *bus.Bus
}

// Publish implements ui.Host.
func (h *host) Publish(intent events.Event) error {
	if intent.EventKind() != events.KindIntent {
		return fmt.Errorf("publish %s: a UI may publish only intents", intent.EventType())
	}
	_, err := h.bus.Publish(intent, bus.Meta{})
	return err
}

// Subscribe implements ui.Host.
func (h *host) Subscribe(ctx context.Context, handler func(events.Envelope)) error {
	return h.bus.Subscribe(ctx, func(_ context.Context, env events.Envelope) { handler(env) }, bus.TopicStates)
}

// Wait implements ui.Host.
func (h *host) Wait(ctx context.Context) error {
	return h.bus.Wait(ctx)
}

// Discard is a logger that writes nothing.
var Discard = zerolog.New(io.Discard)
