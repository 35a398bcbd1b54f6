package httplog_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/adapters/netcause"
)

// A body far past the old 64 KiB cut is recorded whole, with the
// response headers that matter, and the adapter still reads all of it.
func TestRecordsWholeExchange(t *testing.T) {
	big := `{"pad":"` + strings.Repeat("x", 300<<10) + `"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/next")
		w.Header().Set("X-Unrelated", "1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, big)
	}))
	defer srv.Close()
	c := &httplog.Collector{}
	ctx := httplog.WithCollector(context.Background(), c)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/self-service/login?flow=abc", strings.NewReader(`{"a":1}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: &httplog.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != big {
		t.Fatalf("the adapter read %d bytes of %d", len(got), len(big))
	}
	ex := c.Take()
	if len(ex) != 1 {
		t.Fatalf("%d exchanges", len(ex))
	}
	e := ex[0]
	if e.Method != "POST" || e.URL != "/self-service/login?flow=abc" || e.Status != 400 || string(e.Request) != `{"a":1}` {
		t.Fatalf("request side: %+v", e)
	}
	if !bytes.Equal(e.Response, []byte(big)) || e.ResponseText {
		t.Fatalf("response body recorded %d bytes of %d", len(e.Response), len(big))
	}
	if e.ResponseHeaders["Content-Type"][0] != "application/json" || e.ResponseHeaders["Location"][0] != "/next" || e.ResponseHeaders["X-Unrelated"] != nil {
		t.Fatalf("response headers: %v", e.ResponseHeaders)
	}
}

// A text body is kept as its text, marked so replay serves the text.
func TestRecordsTextBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>oops</html>")
	}))
	defer srv.Close()
	c := &httplog.Collector{}
	req, _ := http.NewRequestWithContext(httplog.WithCollector(context.Background(), c), http.MethodGet, srv.URL, nil)
	resp, err := (&http.Client{Transport: &httplog.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	e := c.Take()[0]
	if !e.ResponseText || string(e.Response) != `"\u003chtml\u003eoops\u003c/html\u003e"` && string(e.Response) != `"<html>oops</html>"` {
		t.Fatalf("text body: %s text=%v", e.Response, e.ResponseText)
	}
}

// A refused connection is recorded with its kind, and the error rebuilt
// from the record is described the same way by the adapters.
func TestCauseRoundTrip(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &httplog.Collector{}
	ctx := httplog.WithCollector(context.Background(), c)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/health", nil)
	_, err = (&http.Client{Transport: &httplog.Transport{}}).Do(req)
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	e := c.Take()[0]
	if e.ErrorCause != httplog.CauseRefused {
		t.Fatalf("cause %q for %s", e.ErrorCause, e.Error)
	}
	rebuilt := httplog.ErrorFor(e.ErrorCause, e.Error)
	if rebuilt.Error() != e.Error {
		t.Fatalf("rebuilt %q, recorded %q", rebuilt, e.Error)
	}
	if a, b := netcause.Describe(context.Background(), err), netcause.Describe(context.Background(), rebuilt); a != b {
		t.Fatalf("described %q live, %q replayed", a, b)
	}
	for _, cause := range []string{httplog.CauseTimeout, httplog.CauseReset, httplog.CauseEOF, httplog.CauseCanceled, httplog.CauseUnexpectedEOF} {
		if got := httplog.Cause(context.Background(), httplog.ErrorFor(cause, "x")); got != cause {
			t.Errorf("ErrorFor(%s) reads back as %s", cause, got)
		}
	}
	if !errors.Is(httplog.ErrorFor(httplog.CauseTimeout, "x"), context.DeadlineExceeded) {
		t.Fatal("a timeout is not a deadline")
	}
}
