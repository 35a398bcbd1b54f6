package ui

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/pkg/browser"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// ErrNoLocalBrowser says that no browser on this machine can be opened:
// a session over SSH without a display. The address is still printed (and
// shown as a QR code) for a browser elsewhere.
var ErrNoLocalBrowser = errors.New("no browser on this machine (a session over SSH without a display)")

// OpenInBrowser opens url in the user's browser: $BROWSER when set (a
// command, the address as its argument), else the system's way
// (xdg-open, open, rundll32) through github.com/pkg/browser. Their output
// is discarded so that it never draws over a full-screen UI. Over SSH
// without a display it opens nothing and returns ErrNoLocalBrowser. Only
// absolute http(s) addresses are opened (adapters.CheckBrowserURL); any
// other is refused with an error that says why.
func OpenInBrowser(url string) error {
	if err := adapters.CheckBrowserURL(url); err != nil {
		return err
	}
	if cmd := strings.TrimSpace(os.Getenv("BROWSER")); cmd != "" {
		c := exec.Command(cmd, url)
		c.Stdout, c.Stderr = io.Discard, io.Discard
		// The browser needs the session's environment (DISPLAY, HOME...),
		// not the client's own settings (replay secrets among them).
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "KRATOS_TUI_") {
				c.Env = append(c.Env, kv)
			}
		}
		if err := c.Start(); err != nil {
			return err
		}
		go func() { _ = c.Wait() }()
		return nil
	}
	if remote() {
		return ErrNoLocalBrowser
	}
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL(url)
}

// remote reports a session over SSH with no display to open a window on.
func remote() bool {
	ssh := os.Getenv("SSH_CONNECTION") != "" || os.Getenv("SSH_TTY") != ""
	display := os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	return ssh && !display
}

// Opener returns the function that opens an address: o.OpenURL, else
// OpenInBrowser.
// Either way an address that is not an absolute http(s) one is refused
// (adapters.CheckBrowserURL) before it reaches the opener.
func (o Options) Opener() func(string) error {
	if o.OpenURL != nil {
		open := o.OpenURL
		return func(u string) error {
			if err := adapters.CheckBrowserURL(u); err != nil {
				return err
			}
			return open(u)
		}
	}
	return OpenInBrowser
}
