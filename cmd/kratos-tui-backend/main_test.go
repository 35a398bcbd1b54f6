package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags(nil, env(map[string]string{"KRATOS_API": "http://127.0.0.1:4433"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.listen != "127.0.0.1:4000" || c.kratosAPI != "http://127.0.0.1:4433" || c.kratosTimeout != 10*time.Second {
		t.Fatalf("defaults = %+v", c)
	}
	c, err = parseFlags([]string{"--listen", ":0", "--kratos-api", "https://k.example", "--kratos-timeout", "2s"},
		env(map[string]string{"KRATOS_API": "http://ignored"}), io.Discard)
	if err != nil || c.kratosAPI != "https://k.example" || c.listen != ":0" || c.kratosTimeout != 2*time.Second {
		t.Fatalf("flags = %+v, %v", c, err)
	}
	for _, args := range [][]string{
		nil,
		{"--kratos-api", "not a url"},
		{"--kratos-api", "ftp://x"},
		{"--kratos-api", "http://x", "--kratos-timeout", "0s"},
		{"--kratos-api", "http://x", "extra"},
	} {
		if _, err := parseFlags(args, env(nil), io.Discard); err == nil {
			t.Errorf("parseFlags(%q) succeeded", args)
		}
	}
}

func TestRunServesWhoamiAndHealthz(t *testing.T) {
	k := kratostest.New(t, kratostest.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--log-level", "warn"}, env(map[string]string{"KRATOS_API": k.PublicURL}), io.Discard, ready)
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	base := "http://" + addr

	token := func() string {
		if _, err := k.CreateIdentity(t.Context(), "erin@example.com", "correct horse battery staple"); err != nil {
			t.Fatal(err)
		}
		tok, err := k.LoginSessionToken(t.Context(), "erin@example.com", "correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}()

	for _, c := range []struct {
		path, token string
		want        int
		contains    string
	}{
		{"/healthz", "", 200, `"ok"`},
		{"/whoami", token, 200, `"email":"erin@example.com"`},
		{"/whoami", "", 401, `"code":401`},
		{"/nope", "", 404, `"code":404`},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+c.path, nil)
		if c.token != "" {
			req.Header.Set("Session_token", c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want || !strings.Contains(string(b), c.contains) {
			t.Errorf("GET %s = %d %s, want %d containing %s", c.path, resp.StatusCode, b, c.want, c.contains)
		}
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
}
