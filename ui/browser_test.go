package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenInBrowserUsesBROWSER(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" > "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	t.Setenv("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22") // $BROWSER wins even over SSH
	if err := OpenInBrowser("http://127.0.0.1:1/x?a=b"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(out)
		if strings.TrimSpace(string(b)) == "http://127.0.0.1:1/x?a=b" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("$BROWSER was not run with the address (got %q)", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOpenInBrowserOverSSHWithoutDisplay(t *testing.T) {
	t.Setenv("BROWSER", "")
	t.Setenv("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if err := OpenInBrowser("http://127.0.0.1:1/"); !errors.Is(err, ErrNoLocalBrowser) {
		t.Fatalf("over SSH without a display: %v, want ErrNoLocalBrowser", err)
	}
	called := false
	o := Options{OpenURL: func(string) error { called = true; return nil }}
	_ = o.Opener()("https://provider.example/")
	if !called {
		t.Fatal("Options.OpenURL not used")
	}
}

// Only absolute http(s) addresses reach $BROWSER, the system's opener or
// a UI's own opener: anything else is refused before a process starts.
func TestOpenInBrowserRefusesOtherSchemes(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$1\" >> "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	var viaOption []string
	opener := Options{OpenURL: func(u string) error { viaOption = append(viaOption, u); return nil }}.Opener()
	for _, bad := range []string{"file:///etc/passwd", "--new-instance", "smb://attacker.example/share", "javascript:alert(1)", "ms-settings:", "https://u:p@host/"} {
		err := OpenInBrowser(bad)
		if err == nil || !strings.Contains(err.Error(), "will not open") {
			t.Errorf("OpenInBrowser(%q) = %v, want a refusal that says so", bad, err)
		}
		if err := opener(bad); err == nil {
			t.Errorf("Options.Opener()(%q) accepted it", bad)
		}
	}
	time.Sleep(200 * time.Millisecond) // nothing to poll for: nothing may start
	if b, _ := os.ReadFile(out); len(b) > 0 || len(viaOption) > 0 {
		t.Fatalf("opened %q / %q", b, viaOption)
	}
}
