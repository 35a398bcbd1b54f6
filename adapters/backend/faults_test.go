package backend

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// startServer starts a test server that is closed when the test ends.
func startServer(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}

func TestCurrentSessionBadBodies(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body, want string
	}{
		{"garbage", "application/json", "<<<not json>>>", "invalid JSON at byte 1"},
		{"binary", "application/json", "\x00\xff\xfe\x01", "invalid JSON"},
		{"truncated json", "application/json", `{"oryUser":{"id":"u1"`, "JSON cut short"},
		{"trailing garbage", "application/json", `{"oryUser":{"id":"u1"}} extra`, "invalid JSON"},
		{"null", "application/json", "null", "without oryUser.id"},
		{"array", "application/json", "[]", "wrong type"},
		{"no oryUser", "application/json", `{"session":{"id":"s1"}}`, "without oryUser.id"},
		{"empty id", "application/json", `{"oryUser":{"id":"","email":"a@b.c"}}`, "without oryUser.id"},
		{"id wrong type", "application/json", `{"oryUser":{"id":42}}`, `field "oryUser.id" has the wrong type`},
		{"bad time", "application/json", `{"oryUser":{"id":"u1"},"session":{"expires_at":"tomorrow"}}`, "RFC 3339"},
		{"empty body", "application/json", "", "empty body"},
		{"html", "text/html; charset=utf-8", fullBody, `content type "text/html; charset=utf-8" instead of JSON`},
		{"no content type", "", fullBody, `content type "" instead of JSON`},
		{"token echoed", "text/plain", canary, "instead of JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.contentType}
				_, _ = w.Write([]byte(tc.body))
			})
			_, err := call(t, c)
			wantError(t, err, adapters.ClassBadResponse, 200, "the backend at "+srv.URL, tc.want)
		})
	}
}

func TestCurrentSessionBodyTooLarge(t *testing.T) {
	c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body := `{"oryUser":{"id":"u1"},"pad":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
		_, _ = w.Write([]byte(body))
	})
	_, err := call(t, c)
	wantError(t, err, adapters.ClassBadResponse, 200, fmt.Sprintf("larger than %d bytes", MaxBodyBytes))
}

// TestCurrentSessionBodyCutShort hijacks the connection and closes it in
// the middle of the promised body.
func TestCurrentSessionBodyCutShort(t *testing.T) {
	for _, tc := range []struct{ name, head string }{
		{"content-length", "Content-Length: 500\r\n"},
		{"chunked", "Transfer-Encoding: chunked\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				defer conn.Close()
				body := `{"oryUser":{"id":"u1","em`
				if tc.name == "chunked" {
					body = fmt.Sprintf("%x\r\n%s", 100, body)
				}
				_, _ = fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%s\r\n%s", tc.head, body)
				_ = buf.Flush()
			})
			_, err := call(t, c)
			wantError(t, err, adapters.ClassBadResponse, 200, "cut short")
		})
	}
}

// TestCurrentSessionConnectionClosedBeforeAnswer hijacks the connection
// and closes it without answering.
func TestCurrentSessionConnectionClosedBeforeAnswer(t *testing.T) {
	c, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_ = conn.Close()
	})
	_, err := call(t, c)
	wantError(t, err, adapters.ClassUnavailable, 0, "cannot reach the backend at "+srv.URL+": ")
}

// TestCurrentSessionDeadline lets the server hold the request until the
// caller's deadline passes.
func TestCurrentSessionDeadline(t *testing.T) {
	c, srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // the client gives up and closes the connection
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.CurrentSession(ctx, canary)
	ae := wantError(t, err, adapters.ClassUnavailable, 0)
	if want := "cannot reach the backend at " + srv.URL + ": timed out waiting for an answer"; ae.Message != want {
		t.Fatalf("message = %q, want %q", ae.Message, want)
	}
}

// TestCurrentSessionDeadlineWhileReadingBody sends the headers, then holds
// the body until the caller's deadline passes.
func TestCurrentSessionDeadlineWhileReadingBody(t *testing.T) {
	c, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte(`{"oryUser":`))
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.CurrentSession(ctx, canary)
	wantError(t, err, adapters.ClassUnavailable, 200, "timed out waiting for an answer while reading the answer")
}

func TestCurrentSessionClientTimeout(t *testing.T) {
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	hc := srv.Client()
	hc.Timeout = 50 * time.Millisecond
	c, err := New(srv.URL, hc)
	if err != nil {
		t.Fatal(err)
	}
	_, err = call(t, c)
	wantError(t, err, adapters.ClassUnavailable, 0, "timed out waiting for an answer")
}

func TestCurrentSessionCancelled(t *testing.T) {
	c, _ := serve(t, reply(http.StatusOK, "application/json", fullBody))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CurrentSession(ctx, canary)
	wantError(t, err, adapters.ClassUnavailable, 0, "the request was cancelled")
}

// TestCurrentSessionNeverLeaksTheToken has the server echo the token
// everywhere it can end up in an error.
func TestCurrentSessionNeverLeaksTheToken(t *testing.T) {
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			tok := r.Header.Get("Session_token")
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Location", "/x?t="+tok)
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"error":{"id":%q,"message":"bad token %s","reason":"token %s is \u001b[31mevil"},"redirect_browser_to":"https://x/?t=%s"}`,
				tok, tok, tok, tok)
		}
	}
	for _, status := range []int{301, 400, 401, 403, 404, 409, 500, 503} {
		c, _ := serve(t, echo(status))
		_, err := call(t, c)
		if err == nil {
			t.Fatalf("status %d: no error", status)
		}
		ae := adapters.AsError(err)
		if strings.ContainsRune(ae.Message, 0x1b) {
			t.Fatalf("status %d: message keeps a terminal escape: %q", status, ae.Message)
		}
	}
}

func TestServerMessagesAreShortened(t *testing.T) {
	long := strings.Repeat("é", 1000)
	c, _ := serve(t, reply(http.StatusForbidden, "application/json", `{"error":{"message":"`+long+`"}}`))
	_, err := call(t, c)
	ae := wantError(t, err, adapters.ClassForbidden, 403)
	if n := len([]rune(ae.Message)); n != maxMessageRunes+1 || !strings.HasSuffix(ae.Message, "…") {
		t.Fatalf("message has %d runes, want %d ending in an ellipsis", n, maxMessageRunes+1)
	}
}
