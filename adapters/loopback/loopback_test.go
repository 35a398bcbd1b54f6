package loopback_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/loopback"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReceiverDeliversTheCallback(t *testing.T) {
	rt := loopback.ReturnTo(freePort(t))
	var r loopback.Receiver
	got := make(chan string, 2)
	if err := r.Listen(rt, func(u string) { got <- u }); err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	if status, _ := get(t, strings.TrimSuffix(rt, "/callback")+"/favicon.ico"); status != http.StatusNotFound {
		t.Errorf("another path: HTTP %d, want 404", status)
	}
	status, body := get(t, rt+"?code=abc")
	if status != 200 || !strings.Contains(body, "go back to the terminal") {
		t.Fatalf("callback page: %d %q", status, body)
	}
	if u := <-got; u != rt+"?code=abc" {
		t.Fatalf("delivered %q", u)
	}
	if _, body := get(t, rt+"?flow=f1"); !strings.Contains(body, "without a code") {
		t.Fatalf("no-code page %q", body)
	}
	<-got

	// The same address again keeps the listener; another receiver cannot
	// have it and says what to do.
	if err := r.Listen(rt, func(u string) { got <- u }); err != nil {
		t.Fatal(err)
	}
	var other loopback.Receiver
	err := other.Listen(rt, func(string) {})
	if err == nil || !strings.Contains(err.Error(), "in use") || !strings.Contains(err.Error(), "--callback-port") {
		t.Fatalf("second listener: %v", err)
	}
	_ = r.Stop()
	if err := other.Listen(rt, func(string) {}); err != nil {
		t.Fatalf("after Stop the port is free: %v", err)
	}
	_ = other.Stop()
}

func TestReceiverRefusesWhatIsNotLoopback(t *testing.T) {
	var r loopback.Receiver
	for _, rt := range []string{"http://example.com:4446/callback", "https://127.0.0.1:4446/callback", "http://127.0.0.1/callback", "::"} {
		if err := r.Listen(rt, func(string) {}); err == nil {
			_ = r.Stop()
			t.Errorf("Listen(%q) accepted it", rt)
		}
	}
	if loopback.ReturnTo(0) != fmt.Sprintf("http://127.0.0.1:%d/callback", loopback.DefaultPort) {
		t.Error(loopback.ReturnTo(0))
	}
}
