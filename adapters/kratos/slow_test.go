package kratos

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// TestReachedButSlowIsNotUnreachable: a Kratos that got the request but
// has not answered in time is not "cannot reach"; the message says it was
// reached and suggests --timeout. A closed port still says cannot reach
// (issue 11, item 9).
func TestReachedButSlowIsNotUnreachable(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := New(srv.URL, Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateLoginFlow(context.Background())
	ae := adapters.AsError(err)
	if ae.Class != adapters.ClassUnavailable || !strings.Contains(ae.Message, "was reached but has not answered") ||
		!strings.Contains(ae.Message, "--timeout") || strings.Contains(ae.Message, "cannot reach") {
		t.Fatalf("slow Kratos: %#v", ae)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()
	c, _ = New(closed, Options{Timeout: 100 * time.Millisecond})
	_, err = c.CreateLoginFlow(context.Background())
	if ae := adapters.AsError(err); !strings.Contains(ae.Message, "cannot reach Kratos") || !strings.Contains(ae.Message, "connection refused") {
		t.Fatalf("closed port: %#v", ae)
	}
}
