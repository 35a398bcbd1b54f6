// Package loopback receives the user's browser back from a social sign-in
// on the client's loopback callback (http://127.0.0.1:PORT/callback): the
// return_to that Kratos sends the browser to with the session token
// exchange code. It implements adapters.CallbackListener.
package loopback

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// DefaultPort is the callback's port when none is configured; the Kratos
// config must allow http://127.0.0.1:DefaultPort/callback in
// selfservice.allowed_return_urls.
const DefaultPort = 4446

// DefaultReturnTo is the callback URL on DefaultPort.
var DefaultReturnTo = fmt.Sprintf("http://127.0.0.1:%d/callback", DefaultPort)

// ReturnTo is the callback URL on port (DefaultPort when 0).
func ReturnTo(port int) string {
	if port == 0 {
		port = DefaultPort
	}
	return fmt.Sprintf("http://127.0.0.1:%d/callback", port)
}

// Receiver serves one callback address at a time. The zero value is
// ready to use; it is safe for concurrent use.
type Receiver struct {
	mu      sync.Mutex
	addr    string
	path    string
	srv     *http.Server
	deliver func(string)
}

var _ adapters.CallbackListener = (*Receiver)(nil)

// Listen implements adapters.CallbackListener. returnTo must be an http
// URL on a loopback host (127.0.0.1, [::1] or localhost) with a port.
func (r *Receiver) Listen(returnTo string, deliver func(callbackURL string)) error {
	u, err := url.Parse(returnTo)
	if err != nil || u.Scheme != "http" || u.Port() == "" {
		return fmt.Errorf("the social sign-in callback must be an http URL with a port, like %s; got %q", DefaultReturnTo, returnTo)
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "::1" && h != "localhost" {
		return fmt.Errorf("the social sign-in callback %s must be on this machine (127.0.0.1), so that no one else receives its code", returnTo)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deliver = deliver
	if r.srv != nil && r.addr == u.Host {
		r.path = path
		return nil
	}
	r.stopLocked()
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("cannot receive the browser's return on %s: the port is in use (another kratos-tui signing in, or another program); "+
				"end it, or choose another port with --callback-port and allow its URL in Kratos's selfservice.allowed_return_urls", u.Host)
		}
		return fmt.Errorf("cannot receive the browser's return on %s: %w", u.Host, err)
	}
	r.addr, r.path = u.Host, path
	srv := &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 10 * time.Second}
	r.srv = srv
	go func() { _ = srv.Serve(ln) }()
	return nil
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	path, deliver, addr := r.path, r.deliver, r.addr
	r.mu.Unlock()
	if req.URL.Path != path {
		http.NotFound(w, req)
		return
	}
	full := (&url.URL{Scheme: "http", Host: addr, Path: req.URL.Path, RawQuery: req.URL.RawQuery}).String()
	if deliver != nil {
		deliver(full)
	}
	msg := "You can close this window and go back to the terminal."
	if req.URL.Query().Get("code") == "" {
		msg = "The sign-in came back without a code; the terminal says what to do next. You can close this window."
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = fmt.Fprintf(w, "<!doctype html><title>kratos-tui</title><p>%s</p>\n", html.EscapeString(msg))
}

// Stop implements adapters.CallbackListener.
func (r *Receiver) Stop() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopLocked()
	return nil
}

func (r *Receiver) stopLocked() {
	if r.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = r.srv.Shutdown(ctx)
	r.srv, r.addr, r.deliver = nil, "", nil
}
