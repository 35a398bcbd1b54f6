// Package ui defines how user interfaces plug into kratos-tui: a Plugin
// renders state events and publishes intents through a Host, and plugins are
// chosen by name from a registry (tui, plain, json).
package ui

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/kratos-tui/kratos-tui/events"
)

// Host is what the application gives a UI plugin.
type Host interface {
	// Publish sends an intent to the state machine.
	Publish(intent events.Event) error
	// Subscribe calls handler for every state event, in order, one at a
	// time, on a goroutine of the bus (not the caller's). It returns once
	// the subscription is in place.
	Subscribe(ctx context.Context, handler func(events.Envelope)) error
	// Wait blocks until every event published so far, and everything it
	// caused, has been handled.
	Wait(ctx context.Context) error
}

// Plugin is a user interface.
type Plugin interface {
	// Run drives the interface until the user quits, its input ends or ctx
	// is cancelled. A plugin publishes events.AppStarted when it is ready
	// for the first state.
	Run(ctx context.Context, host Host) error
}

// IO is the terminal or pipes a plugin talks through.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Terminal reports whether In and Out are a terminal.
	Terminal bool
}

// Options are settings shared by the plugins.
type Options struct {
	// RevealSecrets shows session tokens in clear (json and plain output);
	// off by default.
	RevealSecrets bool
	// NoColor turns colours off (NO_COLOR).
	NoColor bool
	// Title is shown by full-screen plugins (the Kratos URL, say).
	Title string
	// MailDir is the dev stack's mail sink (adapters/mailsink), set only
	// when the client talks to the dev stack's Kratos: forms that wait for
	// an e-mailed code then offer to fill in the latest one. Empty
	// everywhere else.
	MailDir string
	// OpenURL opens an address in the user's web browser (social
	// sign-in). Nil means the system's browser (ui.OpenInBrowser); tests
	// give their own. Each plugin also prints the address.
	OpenURL func(url string) error
}

// Factory makes a plugin.
type Factory func(stdio IO, opts Options) (Plugin, error)

type entry struct {
	description string
	factory     Factory
}

var (
	mu       sync.RWMutex
	registry = map[string]entry{}
)

// Register adds a plugin under name. Registering a name twice panics: it is
// a programming error found at start-up.
func Register(name, description string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("ui: plugin %q registered twice", name))
	}
	registry[name] = entry{description: description, factory: f}
}

// Names returns the registered plugin names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Describe returns one line per plugin: its name and description.
func Describe() string {
	mu.RLock()
	defer mu.RUnlock()
	var b strings.Builder
	for _, n := range Names() {
		fmt.Fprintf(&b, "%s: %s\n", n, registry[n].description)
	}
	return b.String()
}

// New makes the plugin registered as name. An empty name picks the default
// for stdio: "tui" on a terminal, else "plain", else the first registered.
func New(name string, stdio IO, opts Options) (Plugin, error) {
	if name == "" {
		name = Default(stdio.Terminal)
	}
	mu.RLock()
	e, ok := registry[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown UI %q; choose one of: %s", name, strings.Join(Names(), ", "))
	}
	p, err := e.factory(stdio, opts)
	if err != nil {
		return nil, fmt.Errorf("start %s UI: %w", name, err)
	}
	return p, nil
}

// Default returns the name of the plugin to use when none is asked for.
func Default(terminal bool) string {
	mu.RLock()
	defer mu.RUnlock()
	prefs := []string{"plain", "json"}
	if terminal {
		prefs = []string{"tui", "plain", "json"}
	}
	for _, n := range prefs {
		if _, ok := registry[n]; ok {
			return n
		}
	}
	for n := range registry {
		return n
	}
	return ""
}
