package tokenstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Backend names accepted in OpenOptions.Backend.
const (
	// BackendAuto uses the OS keyring when it answers, else the file.
	BackendAuto = "auto"
	// BackendKeyring uses the OS keyring and fails when it is unavailable.
	BackendKeyring = "keyring"
	// BackendFile uses a token file.
	BackendFile = "file"
	// BackendMemory keeps the token in memory only; nothing survives the run.
	BackendMemory = "memory"
)

// DefaultService is the keyring service name that Open uses.
const DefaultService = "kratos-tui"

// DefaultProbeTimeout bounds how long Open waits for the OS keyring to
// answer its probe.
const DefaultProbeTimeout = 2 * time.Second

// probeUser is the keyring account that the probe looks up. It is never
// written, so the lookup is harmless.
const probeUser = "kratos-tui-availability-probe"

// OpenOptions tune Open. The zero value picks the backend automatically.
type OpenOptions struct {
	// Backend is BackendAuto (or ""), BackendKeyring, BackendFile or
	// BackendMemory.
	Backend string
	// Dir is the token directory of the file backend; "" means DefaultDir.
	Dir string
	// Service is the keyring service name; "" means DefaultService.
	Service string
	// ProbeTimeout bounds the keyring probe; 0 means DefaultProbeTimeout.
	ProbeTimeout time.Duration
}

// Open returns the token store for key (the Kratos URL) and a short
// description of where the token lives, such as "OS keyring" or
// "file /home/me/.config/kratos-tui/tokens/....token".
//
// With BackendAuto Open probes the OS keyring by looking up an item that
// does not exist. If the keyring answers within the probe timeout, Open
// uses it; otherwise (no Secret Service, no D-Bus, a locked or hung
// keyring) it falls back to a File in opts.Dir or DefaultDir. A probe that
// hangs is abandoned, not cancelled: go-keyring offers no way to cancel it.
func Open(key string, opts OpenOptions) (adapters.TokenStore, string, error) {
	if key == "" {
		return nil, "", errors.New("open token store: empty key (the Kratos URL)")
	}
	service := opts.Service
	if service == "" {
		service = DefaultService
	}
	timeout := opts.ProbeTimeout
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	switch opts.Backend {
	case BackendMemory:
		return NewMemory(), "memory (not saved)", nil
	case BackendKeyring:
		if err := keyringAvailable(service, timeout); err != nil {
			return nil, "", fmt.Errorf("open token store: the OS keyring is unavailable: %w", err)
		}
		return NewKeyring(service, key), "OS keyring", nil
	case BackendFile:
		return openFile(key, opts.Dir)
	case BackendAuto, "":
		if keyringAvailable(service, timeout) == nil {
			return NewKeyring(service, key), "OS keyring", nil
		}
		return openFile(key, opts.Dir)
	default:
		return nil, "", fmt.Errorf("open token store: unknown backend %q (want %q, %q, %q or %q)",
			opts.Backend, BackendAuto, BackendKeyring, BackendFile, BackendMemory)
	}
}

func openFile(key, dir string) (adapters.TokenStore, string, error) {
	if dir == "" {
		var err error
		if dir, err = DefaultDir(); err != nil {
			return nil, "", fmt.Errorf("open token store: %w", err)
		}
	}
	f := NewFile(dir, key)
	return f, "file " + f.Path(), nil
}

// DefaultDir returns the directory of token files:
// $XDG_CONFIG_HOME/kratos-tui/tokens, or ~/.config/kratos-tui/tokens when
// XDG_CONFIG_HOME is unset or not an absolute path.
func DefaultDir() (string, error) {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "kratos-tui", "tokens"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the token directory (set XDG_CONFIG_HOME or HOME): %w", err)
	}
	return filepath.Join(home, ".config", "kratos-tui", "tokens"), nil
}

// probeKeyring looks up an item that does not exist. It returns nil when
// the keyring answers, found or not found, and the keyring's error
// otherwise. Tests replace it.
var probeKeyring = func(service string) error {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	_, err := keyring.Get(service, probeUser)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

// keyringAvailable runs the probe in its own goroutine and gives up after
// timeout, so that a keyring that never answers cannot hang the caller.
func keyringAvailable(service string, timeout time.Duration) error {
	done := make(chan error, 1) // buffered: an abandoned probe must not block
	go func() { done <- probeKeyring(service) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return fmt.Errorf("no answer within %s", timeout)
	}
}
