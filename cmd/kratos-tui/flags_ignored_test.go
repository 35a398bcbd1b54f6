package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagsThatWouldBeIgnoredAreRefused: a flag that does nothing for the
// command it is given to is refused (exit 2) with why, and nothing is
// created, rather than silently ignored.
func TestFlagsThatWouldBeIgnoredAreRefused(t *testing.T) {
	log := filepath.Join("..", "..", "testdata", "flows", "sign_in.jsonl")
	out := filepath.Join(t.TempDir(), "x.jsonl")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--record", out, log}, "replay runs none"},
		{[]string{"trace", "--format", "text", "--record", out, log}, "trace runs none"},
		{[]string{"diff", "--redact-pii", log, log}, "diff runs none"},
		{[]string{"replay", "--live", "--strict", log}, "--strict and --trace apply to an offline replay"},
		{[]string{"replay", "--live", "--trace", log}, "--strict and --trace apply to an offline replay"},
		{[]string{"replay", "--mail", "http://127.0.0.1:1", log}, "--mail applies to --live"},
		{[]string{"replay", "--rewrite-email", "a=b", log}, "--rewrite-email applies to --live"},
		{[]string{"replay", log, "--kratos-api", "http://127.0.0.1:1"}, "--kratos-api applies to --live"},
		{[]string{"--ui", "bogus", "status"}, `unknown UI "bogus"`},
		{[]string{"--ui", "bogus", "replay", log}, `unknown UI "bogus"`},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: %s was created", c.args, out)
		}
	}
	// The same commands without them run.
	if code, stdout, stderr := runCLI(t, "replay", log); code != 0 || !strings.HasPrefix(stdout, "PASS") {
		t.Errorf("replay: exit %d %q %q", code, stdout, stderr)
	}
}
