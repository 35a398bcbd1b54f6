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
