package faultproxy_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func get(t *testing.T, client *http.Client, url string) (int, string, error) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestRulesMatchNthAndTimes(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "upstream "+r.URL.Path)
	}))
	defer up.Close()
	p, err := faultproxy.New(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	p.Add(faultproxy.Rule{Method: http.MethodGet, PathPrefix: "/a", Nth: 2, Times: 2, Kind: faultproxy.Status, Status: 503})
	var got []int
	for range 5 {
		code, _, err := get(t, client, p.URL()+"/a/x")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, code)
	}
	if want := []int{200, 503, 503, 200, 200}; !equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if _, body, _ := get(t, client, p.URL()+"/b"); body != "upstream /b" {
		t.Fatalf("unmatched path not forwarded: %q", body)
	}
	if n := p.Count(http.MethodGet, "/a"); n != 5 {
		t.Fatalf("count %d", n)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCutResetMalformed(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"hello":"world","padding":"0123456789"}`)
	}))
	defer up.Close()
	p, err := faultproxy.New(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	p.Add(faultproxy.Rule{PathPrefix: "/cut", Kind: faultproxy.Cut, Forward: true})
	if _, _, err := get(t, client, p.URL()+"/cut"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut: %v, want unexpected EOF", err)
	}
	p.Add(faultproxy.Rule{PathPrefix: "/reset", Kind: faultproxy.Reset})
	if _, _, err := get(t, client, p.URL()+"/reset"); err == nil {
		t.Fatal("reset: no error")
	}
	p.Add(faultproxy.Rule{PathPrefix: "/bad", Kind: faultproxy.Malformed})
	if code, body, err := get(t, client, p.URL()+"/bad"); err != nil || code != 200 || body != faultproxy.MalformedBody {
		t.Fatalf("malformed: %d %q %v", code, body, err)
	}
	p.Add(faultproxy.Rule{PathPrefix: "/type", Kind: faultproxy.WrongType, Forward: true})
	resp, err := client.Get(p.URL() + "/type")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("wrong type: %q", ct)
	}
}
