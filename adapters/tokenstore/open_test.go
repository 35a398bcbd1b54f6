package tokenstore

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestOpenMemory(t *testing.T) {
	store, desc, err := Open(testKey, OpenOptions{Backend: BackendMemory})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := store.(*Memory); !ok || !strings.HasPrefix(desc, "memory") {
		t.Fatalf("Open(memory) = %T, %q", store, desc)
	}
}

func TestOpenFileWithDir(t *testing.T) {
	dir := t.TempDir()
	store, desc, err := Open(testKey, OpenOptions{Backend: BackendFile, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := store.(*File)
	want := filepath.Join(dir, FileName(testKey))
	if !ok || f.Path() != want || desc != "file "+want {
		t.Fatalf("Open(file) = %T %q; want *File %q", store, desc, "file "+want)
	}
}

func TestOpenFileDefaultDir(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	_, desc, err := Open(testKey, OpenOptions{Backend: BackendFile})
	if err != nil {
		t.Fatal(err)
	}
	if want := "file " + filepath.Join(xdg, "kratos-tui", "tokens", FileName(testKey)); desc != want {
		t.Fatalf("description = %q, want %q", desc, want)
	}
}

func TestDefaultDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	want := filepath.Join(home, ".config", "kratos-tui", "tokens")
	for _, xdg := range []string{"", "relative/path"} {
		t.Setenv("XDG_CONFIG_HOME", xdg)
		if got, err := DefaultDir(); got != want || err != nil {
			t.Fatalf("XDG_CONFIG_HOME=%q: DefaultDir() = %q, %v; want %q", xdg, got, err, want)
		}
	}
}

func TestOpenAutoUsesWorkingKeyring(t *testing.T) {
	keyring.MockInit()
	for _, backend := range []string{"", BackendAuto, BackendKeyring} {
		store, desc, err := Open(testKey, OpenOptions{Backend: backend, Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := store.(*Keyring); !ok || desc != "OS keyring" {
			t.Fatalf("Open(%q) = %T %q; want the keyring", backend, store, desc)
		}
		if err := store.Save(canary); err != nil {
			t.Fatal(err)
		}
		if got, err := NewKeyring(DefaultService, testKey).Load(); got != canary || err != nil {
			t.Fatalf("the token did not reach the keyring item for the key: %q, %v", got, err)
		}
	}
}

func TestOpenAutoFallsBackWhenKeyringFails(t *testing.T) {
	keyring.MockInitWithError(errors.New("dbus: no session bus"))
	t.Cleanup(keyring.MockInit)
	dir := t.TempDir()
	store, desc, err := Open(testKey, OpenOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := store.(*File); !ok || desc != "file "+filepath.Join(dir, FileName(testKey)) {
		t.Fatalf("Open(auto) = %T %q; want the file store", store, desc)
	}

	_, _, err = Open(testKey, OpenOptions{Backend: BackendKeyring})
	if err == nil || !strings.Contains(err.Error(), "no session bus") {
		t.Fatalf("Open(keyring) on a failing keyring = %v; want the keyring's error", err)
	}
}

// TestOpenAutoFallsBackWhenProbeHangs checks that a keyring that never
// answers cannot hang Open: the probe is abandoned after the timeout.
func TestOpenAutoFallsBackWhenProbeHangs(t *testing.T) {
	started := make(chan struct{}, 2) // one per Open below
	release := make(chan struct{})
	orig := probeKeyring
	probeKeyring = func(string) error {
		started <- struct{}{}
		<-release
		return nil
	}
	t.Cleanup(func() { probeKeyring = orig })
	// Let the abandoned probe finish so no goroutine outlives the test.
	defer close(release)

	dir := t.TempDir()
	store, desc, err := Open(testKey, OpenOptions{Dir: dir, ProbeTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if _, ok := store.(*File); !ok || !strings.HasPrefix(desc, "file ") {
		t.Fatalf("Open(auto) = %T %q; want the file store", store, desc)
	}
	_, _, err = Open(testKey, OpenOptions{Backend: BackendKeyring, ProbeTimeout: time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "no answer within 1ms") {
		t.Fatalf("Open(keyring) with a hung keyring = %v; want a timeout error", err)
	}
	<-started
}

func TestOpenRejectsBadArguments(t *testing.T) {
	if _, _, err := Open("", OpenOptions{Backend: BackendMemory}); err == nil {
		t.Fatal("Open with an empty key succeeded")
	}
	_, _, err := Open(testKey, OpenOptions{Backend: "vault"})
	if err == nil || !strings.Contains(err.Error(), `"vault"`) {
		t.Fatalf("Open(vault) = %v; want an unknown backend error", err)
	}
}
