package kratos

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// countingServer answers with h and counts requests by method.
func countingServer(t *testing.T, h http.HandlerFunc) (string, map[string]*atomic.Int64) {
	t.Helper()
	counts := map[string]*atomic.Int64{http.MethodGet: {}, http.MethodPost: {}, http.MethodDelete: {}}
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		counts[r.Method].Add(1)
		h(w, r)
	})
	return srv.URL, counts
}

func TestRetryGETOn5xxThenSucceed(t *testing.T) {
	var n atomic.Int64
	url, counts := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"f1","type":"api","ui":{"action":"x","method":"POST","nodes":[]}}`))
	})
	c := newTestClient(t, url, Options{})
	flow, err := c.CreateLoginFlow(context.Background())
	if err != nil || flow.ID != "f1" {
		t.Fatalf("flow %+v, err %v", flow, err)
	}
	if got := counts[http.MethodGet].Load(); got != 3 {
		t.Errorf("GET sent %d times, want 3", got)
	}
}

func TestRetryGivesUpAfterTwoRetries(t *testing.T) {
	url, counts := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	})
	c := newTestClient(t, url, Options{})
	_, err := c.Whoami(context.Background(), "ory_st_x")
	wantClass(t, err, adapters.ClassUnavailable)
	if got := counts[http.MethodGet].Load(); got != 3 {
		t.Errorf("whoami sent %d times, want 3", got)
	}
}

func TestNoRetryOnPOSTOrDELETEOrClientErrors(t *testing.T) {
	url, counts := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := newTestClient(t, url, Options{})
	ctx := context.Background()
	_, err := c.SubmitLogin(ctx, adapters.LoginRequest{FlowID: "f", Identifier: "a@b.c", Password: "pw-123456"})
	wantClass(t, err, adapters.ClassUnavailable)
	_, err = c.SubmitRegistration(ctx, adapters.RegistrationRequest{FlowID: "f", Password: "pw-123456"})
	wantClass(t, err, adapters.ClassUnavailable)
	wantClass(t, c.Logout(ctx, "ory_st_x"), adapters.ClassUnavailable)
	if got := counts[http.MethodPost].Load(); got != 2 {
		t.Errorf("2 submits sent %d POSTs", got)
	}
	if got := counts[http.MethodDelete].Load(); got != 1 {
		t.Errorf("1 logout sent %d DELETEs", got)
	}

	url401, counts401 := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"code":401,"message":"no"}}`))
	})
	_, err = newTestClient(t, url401, Options{}).Whoami(ctx, "ory_st_x")
	wantClass(t, err, adapters.ClassUnauthorized)
	if got := counts401[http.MethodGet].Load(); got != 1 {
		t.Errorf("a 401 was retried: %d GETs", got)
	}
}

func TestNoRetryOnTimeout(t *testing.T) {
	url, counts := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	c := newTestClient(t, url, Options{Timeout: 100 * time.Millisecond})
	_, err := c.CreateRegistrationFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassUnavailable)
	mustContain(t, ae.Message, "timed out")
	if got := counts[http.MethodGet].Load(); got != 1 {
		t.Errorf("a timed-out GET was sent %d times, want 1", got)
	}
}

func TestRetryOnConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	c := newTestClient(t, "http://"+addr, Options{})
	start := time.Now()
	_, err = c.CreateLoginFlow(context.Background())
	ae := wantClass(t, err, adapters.ClassUnavailable)
	mustContain(t, ae.Message, "connection refused")
	// Two retries wait 50 + 150 ms.
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("gave up after %s: no retries", d)
	}
}

func TestRetryStopsWhenCancelled(t *testing.T) {
	url, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	c := newTestClient(t, url, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.CreateLoginFlow(ctx); err == nil {
		t.Fatal("no error")
	}
}
