package kratos

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// The fault tests answer every endpoint with the same broken response and
// check that every method reports the same class.

func TestGarbageBodyIsBadResponse(t *testing.T) {
	for _, status := range []int{200, 400, 401, 403, 410} {
		srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte("\x00\x01garbage{{{"))
		})
		c := newTestClient(t, srv.URL, Options{})
		for name, err := range allCalls(c, "canary-pass-123") {
			if name == "Logout" && status == 200 {
				continue // logout ignores the body of a success
			}
			ae := wantClass(t, err, adapters.ClassBadResponse)
			if ae.Status != status {
				t.Errorf("%s: status %d, want %d", name, ae.Status, status)
			}
			mustContain(t, ae.Message, srv.URL, "not the JSON")
		}
	}
}

func TestWrongContentTypeIsBadResponse(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(`{"id":"x","ui":{"nodes":[]}}`))
	})
	c := newTestClient(t, srv.URL, Options{})
	_, err := c.CreateLoginFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassBadResponse)
	mustContain(t, ae.Message, "text/plain")
}

func TestHTML4xxIsBadResponse(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("<html><body>Forbidden by proxy</body></html>"))
	})
	c := newTestClient(t, srv.URL, Options{})
	for name, err := range allCalls(c, "canary-pass-123") {
		ae := wantClass(t, err, adapters.ClassBadResponse)
		if ae.Status != http.StatusForbidden {
			t.Errorf("%s: status %d", name, ae.Status)
		}
	}
}

func TestJSONThatIsNoKratosAnswer(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("status") == "" && r.Method == http.MethodPost {
			w.WriteHeader(http.StatusBadRequest)
		}
		_, _ = w.Write([]byte(`{"hello":"world"}`))
	})
	c := newTestClient(t, srv.URL, Options{})
	for name, err := range allCalls(c, "canary-pass-123") {
		if name == "Logout" {
			continue
		}
		wantClass(t, err, adapters.ClassBadResponse)
	}
}

func TestHTML502IsUnavailable(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><h1>502 Bad Gateway</h1></html>"))
	})
	c := newTestClient(t, srv.URL, Options{})
	for name, err := range allCalls(c, "canary-pass-123") {
		ae := wantClass(t, err, adapters.ClassUnavailable)
		if ae.Status != http.StatusBadGateway {
			t.Errorf("%s: status %d", name, ae.Status)
		}
		mustContain(t, ae.Message, srv.URL, "502")
	}
}

func TestRateLimitIsUnavailable(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := newTestClient(t, srv.URL, Options{})
	_, err := c.CreateLoginFlow(context.Background())
	wantClass(t, err, adapters.ClassUnavailable)
}

func TestCutBodyIsBadResponse(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "4096")
		_, _ = w.Write([]byte(`{"id":"2f0e`))
		// The handler returns early: the server closes the connection.
	})
	c := newTestClient(t, srv.URL, Options{})
	for name, err := range allCalls(c, "canary-pass-123") {
		ae := wantClass(t, err, adapters.ClassBadResponse)
		if !strings.Contains(ae.Message, "cut short") {
			t.Errorf("%s: message %q does not say the body was cut", name, ae.Message)
		}
	}
}

func TestCutJSONIsBadResponse(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"2f0e","ui":{"nodes":[`))
	})
	c := newTestClient(t, srv.URL, Options{})
	_, err := c.CreateLoginFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassBadResponse)
	mustContain(t, ae.Message, "cut short")
}

func TestHugeBodyIsBadResponse(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for i := 0; i < (maxBodyBytes/len(chunk))+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c := newTestClient(t, srv.URL, Options{})
	_, err := c.CreateLoginFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassBadResponse)
	mustContain(t, ae.Message, "larger than")
}

func TestConnectionRefusedIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	_ = ln.Close() // nothing listens on the port any more
	c := newTestClient(t, url, Options{})
	for name, err := range allCalls(c, "canary-pass-123") {
		ae := wantClass(t, err, adapters.ClassUnavailable)
		want := "cannot reach Kratos at " + url + ": connection refused"
		if ae.Message != want {
			t.Errorf("%s: message %q, want %q", name, ae.Message, want)
		}
	}
}

func TestUnknownHostIsUnavailable(t *testing.T) {
	c := newTestClient(t, "http://kratos.invalid", Options{})
	_, err := c.CreateLoginFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassUnavailable)
	mustContain(t, ae.Message, "cannot reach Kratos at http://kratos.invalid")
	t.Logf("unknown host: %s", ae.Message)
}

func TestTimeoutIsUnavailable(t *testing.T) {
	release := make(chan struct{})
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)

	// The per-call timeout of Options.
	c := newTestClient(t, srv.URL, Options{Timeout: 50 * time.Millisecond})
	start := time.Now()
	_, err := c.CreateLoginFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassUnavailable)
	mustContain(t, ae.Message, srv.URL, "timed out")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("timeout took %s", d)
	}

	// The caller's deadline.
	c = newTestClient(t, srv.URL, Options{Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Whoami(ctx, "ory_st_canary")
	ae = wantClass(t, err, adapters.ClassUnavailable)
	mustContain(t, ae.Message, "timed out")

	// The caller cancels.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = c.CreateRegistrationFlow(ctx)
	ae = wantClass(t, err, adapters.ClassUnavailable)
	mustContain(t, ae.Message, "cancelled")
}

func TestConnectionResetIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 1024)
			_, _ = conn.Read(buf)
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close with RST
			}
			_ = conn.Close()
		}
	}()
	c := newTestClient(t, "http://"+ln.Addr().String(), Options{})
	_, err = c.CreateLoginFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassUnavailable)
	mustContain(t, ae.Message, "cannot reach Kratos at http://"+ln.Addr().String())
	t.Logf("reset: %s", ae.Message)
}

// TestSecretsNeverInErrors uses a hostile server that echoes the request
// (body and headers) into every kind of answer, and checks that neither
// the password nor the session token appears in any error.
func TestSecretsNeverInErrors(t *testing.T) {
	const canary = "Canary-Secret-7f3a9c"
	echo := func(r *http.Request) string {
		var b strings.Builder
		_ = r.Write(&b)
		return b.String()
	}
	answers := map[string]func(w http.ResponseWriter, r *http.Request){
		"500 json": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"reason": echo(r)}})
		},
		"400 generic": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": echo(r)}})
		},
		"403 redirect": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"reason": echo(r)},
				"redirect_browser_to": "http://x/?t=" + echo(r)})
		},
		"400 flow": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"id": "f", "ui": map[string]any{
				"messages": []any{map[string]any{"id": 1, "text": echo(r)}},
				"nodes": []any{map[string]any{"type": "input", "attributes": map[string]any{
					"name": "password", "type": "password", "value": echo(r)},
					"messages": []any{map[string]any{"id": 2, "text": echo(r)}}}},
			}})
		},
		"plain 200": func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(echo(r)))
		},
	}
	for name, h := range answers {
		srv := fakeServer(t, h)
		c := newTestClient(t, srv.URL, Options{})
		for call, err := range allCalls(c, canary) {
			if err == nil {
				if call != "Logout" {
					t.Errorf("%s/%s: no error", name, call)
				}
				continue
			}
			js, _ := json.Marshal(adapters.AsError(err))
			if strings.Contains(err.Error(), canary) || strings.Contains(string(js), canary) {
				t.Errorf("%s/%s: secret leaked: %s", name, call, js)
			}
		}
	}
	// Transport errors do not carry it either.
	c := newTestClient(t, "http://127.0.0.1:1", Options{})
	for call, err := range allCalls(c, canary) {
		if strings.Contains(err.Error(), canary) {
			t.Errorf("refused/%s: secret leaked: %v", call, err)
		}
	}
}
