package tokenstore

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestKeyringRoundTrip(t *testing.T) {
	keyring.MockInit()
	k := NewKeyring(DefaultService, testKey)
	if got, err := k.Load(); got != "" || err != nil {
		t.Fatalf("Load() of a missing item = %q, %v; want \"\", nil", got, err)
	}
	if err := k.Delete(); err != nil {
		t.Fatalf("Delete() of a missing item = %v, want nil", err)
	}
	if err := k.Save(tokenN(1)); err != nil {
		t.Fatal(err)
	}
	if err := k.Save(tokenN(2)); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Load(); got != tokenN(2) || err != nil {
		t.Fatalf("Load() = %q, %v; want the last saved token", got, err)
	}
	if err := k.Delete(); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Load(); got != "" || err != nil {
		t.Fatalf("Load() after Delete = %q, %v; want \"\", nil", got, err)
	}
}

func TestKeyringKeysDoNotCollide(t *testing.T) {
	keyring.MockInit()
	a := NewKeyring(DefaultService, "http://a:4433")
	b := NewKeyring(DefaultService, "http://b:4433")
	other := NewKeyring("other-service", "http://a:4433")
	for i, k := range []*Keyring{a, b, other} {
		if err := k.Save(tokenN(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range []*Keyring{a, b, other} {
		if got, err := k.Load(); got != tokenN(i) || err != nil {
			t.Fatalf("%s: Load() = %q, %v; want %q", k, got, err, tokenN(i))
		}
	}
}

func TestKeyringErrorsNameTheItemAndHideTheToken(t *testing.T) {
	// A backend that echoes the secret in its error must not leak it.
	backendErr := fmt.Errorf("secret service refused %q", canary)
	keyring.MockInitWithError(backendErr)
	t.Cleanup(keyring.MockInit)
	k := NewKeyring(DefaultService, testKey)

	_, loadErr := k.Load()
	saveErr := k.Save(canary)
	deleteErr := k.Delete()
	for name, err := range map[string]error{"Load": loadErr, "Save": saveErr, "Delete": deleteErr} {
		if err == nil {
			t.Fatalf("%s() succeeded on a failing keyring", name)
		}
		if !errors.Is(err, backendErr) {
			t.Errorf("%s() error %v does not wrap the keyring's error", name, err)
		}
		if !strings.Contains(err.Error(), testKey) {
			t.Errorf("%s() error %q does not name the keyring item", name, err)
		}
	}
	noCanary(t, saveErr)
}

func TestKeyringConcurrent(t *testing.T) {
	keyring.MockInit()
	valid := map[string]bool{"": true}
	const workers = 8
	for i := range workers {
		valid[tokenN(i)] = true
	}
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			k := NewKeyring(DefaultService, testKey)
			for range 50 {
				if err := k.Save(tokenN(i)); err != nil {
					t.Error(err)
					return
				}
				got, err := k.Load()
				if err != nil || !valid[got] {
					t.Errorf("Load() = %q, %v; want a saved token", got, err)
					return
				}
				if i%2 == 0 {
					if err := k.Delete(); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
