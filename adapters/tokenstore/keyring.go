package tokenstore

import (
	"errors"
	"fmt"
	"sync"

	"github.com/zalando/go-keyring"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// keyringMu serialises all calls into go-keyring. Its backend is process
// global, and its test double (keyring.MockInit) is not safe for
// concurrent use.
var keyringMu sync.Mutex

// Keyring keeps the token in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows). It is safe for
// concurrent use.
type Keyring struct {
	service string
	user    string
}

var _ adapters.TokenStore = (*Keyring)(nil)

// NewKeyring returns a store for the keyring item of service and user.
// Open uses DefaultService and the Kratos URL as the user, so tokens of
// different servers do not mix.
func NewKeyring(service, user string) *Keyring {
	return &Keyring{service: service, user: user}
}

// Load returns the stored token, or "" and no error when the keyring has
// no such item.
func (k *Keyring) Load() (string, error) {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	token, err := keyring.Get(k.service, k.user)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read token from the OS keyring (%s): %w", k, err)
	}
	return token, nil
}

// Save stores the token, replacing any earlier one.
func (k *Keyring) Save(token string) error {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	if err := keyring.Set(k.service, k.user, token); err != nil {
		return redact(fmt.Errorf("save token to the OS keyring (%s): %w", k, err), token)
	}
	return nil
}

// Delete removes the keyring item. A missing item is no error.
func (k *Keyring) Delete() error {
	keyringMu.Lock()
	defer keyringMu.Unlock()
	err := keyring.Delete(k.service, k.user)
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete token from the OS keyring (%s): %w", k, err)
	}
	return nil
}

// String names the keyring item, for messages.
func (k *Keyring) String() string {
	return fmt.Sprintf("service %q, account %q", k.service, k.user)
}
