package fsm

import (
	"strings"
	"testing"
)

func TestCallbackQuery(t *testing.T) {
	const rt = "http://127.0.0.1:4446/callback"
	for in, wantCode := range map[string]string{
		rt + "?code=abc":                           "abc",
		"  " + rt + "?code=abc  ":                  "abc",
		"127.0.0.1:4446/callback?code=abc":         "abc", // pasted without the scheme
		"http://127.0.0.1:4446/callback/?code=abc": "abc",
	} {
		q, problem := callbackQuery(in, rt)
		if problem != "" || q.Get("code") != wantCode {
			t.Errorf("callbackQuery(%q) = %v, %q", in, q, problem)
		}
	}
	for _, in := range []string{"", "hello", "https://example.com/callback?code=abc", "http://127.0.0.1:4447/callback?code=abc", "http://127.0.0.1:4446/other?code=abc"} {
		if _, problem := callbackQuery(in, rt); problem == "" || !strings.Contains(problem, rt) {
			t.Errorf("callbackQuery(%q) accepted it or did not name the callback: %q", in, problem)
		}
	}
}

// The callback of a sign-in is its own path (/callback/<nonce>): an
// address without the nonce, or with another, is not this sign-in's.
func TestCallbackQueryNeedsTheNonce(t *testing.T) {
	const rt = "http://127.0.0.1:4446/callback/Zm9vYmFyYmF6cXV4cXV1eA"
	if q, problem := callbackQuery(rt+"?code=abc", rt); problem != "" || q.Get("code") != "abc" {
		t.Fatalf("the sign-in's own callback refused: %q", problem)
	}
	for _, in := range []string{
		"http://127.0.0.1:4446/callback?code=abc",
		"http://127.0.0.1:4446/callback/other?code=abc",
		"http://127.0.0.1:4446/callback/Zm9vYmFyYmF6cXV4cXV1eA/more?code=abc",
	} {
		if _, problem := callbackQuery(in, rt); problem == "" {
			t.Errorf("callbackQuery(%q) accepted an address without this sign-in's nonce", in)
		}
	}
	a, err := callbackNonce()
	b, _ := callbackNonce()
	if err != nil || len(a) < 22 || a == b {
		t.Fatalf("nonces %q %q (%v): want 128 random bits, URL-safe", a, b, err)
	}
}

func TestProviderErrorIsPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"access_denied":                       "access_denied",
		"bad\x1b[31mred\x1b[0m\r\nline\u202e": "bad [31mred [0m line",
		strings.Repeat("x", 300):              strings.Repeat("x", maxProviderText) + "…",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}
