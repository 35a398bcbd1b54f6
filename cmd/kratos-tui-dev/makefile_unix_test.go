//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// `make kratos` says what it builds, that it happens once, each step and
// the elapsed time. A stand-in go command (GO=) plays the download and the
// build, so the test takes a second, not the real build's minutes.
func TestMakeKratosSaysWhatItDoes(t *testing.T) {
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cache := filepath.Join(dir, "modcache")
	if err := os.MkdirAll(filepath.Join(cache, "github.com", "ory", "kratos@v1.3.1"), 0o755); err != nil {
		t.Fatal(err)
	}
	fakeGo := filepath.Join(dir, "go")
	script := `#!/bin/sh
case "$1" in
mod) exit 0 ;;
env) echo "` + cache + `" ;;
build) while [ $# -gt 0 ]; do if [ "$1" = -o ]; then echo binary > "$2"; fi; shift; done ;;
esac
`
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "bin", "kratos")
	cmd := exec.Command("make", "--no-print-directory", "kratos", "GO="+fakeGo, "KRATOS="+target, "BIN="+filepath.Dir(target))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make kratos: %v\n%s", err, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`kratos: building Ory Kratos v1\.3\.1 into ` + regexp.QuoteMeta(target) + ` \(once: about 3-4 minutes`),
		regexp.MustCompile(`kratos: \[1/2\] downloading github\.com/ory/kratos@v1\.3\.1`),
		regexp.MustCompile(`kratos: \[2/2\] compiling with SQLite`),
		regexp.MustCompile(`kratos: built ` + regexp.QuoteMeta(target) + ` in \d+s`),
	} {
		if !want.Match(out) {
			t.Errorf("make kratos output lacks %s:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(target); err != nil || strings.TrimSpace(string(b)) != "binary" {
		t.Errorf("the binary was not moved into place: %v", err)
	}
	// Once: a second make kratos does nothing.
	cmd = exec.Command("make", "--no-print-directory", "kratos", "GO="+fakeGo, "KRATOS="+target, "BIN="+filepath.Dir(target))
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "building") {
		t.Errorf("second make kratos: %v\n%s", err, out)
	}
}

// Recordings in the repository are git-ignored; the test corpus is not.
func TestRecordingsAreIgnored(t *testing.T) {
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Fatalf("not a git checkout: %v", err)
	}
	for path, ignored := range map[string]bool{
		"run.jsonl": true, "recordings/x.jsonl": true, "sub/dir/run.jsonl": true,
		"testdata/flows/new_flow.jsonl": false,
	} {
		err := exec.Command("git", "-C", root, "check-ignore", "-q", "--no-index", path).Run()
		if got := err == nil; got != ignored {
			t.Errorf("%s: ignored %t, want %t", path, got, ignored)
		}
	}
}
