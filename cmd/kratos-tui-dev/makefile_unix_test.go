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

// `make hydra` says what it builds, that it happens once, each step (the
// copy that drops the replace the module zip cannot satisfy) and the
// elapsed time, with the same stand-in go command.
func TestMakeHydraSaysWhatItDoes(t *testing.T) {
	root, err := kratostest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cache := filepath.Join(dir, "modcache")
	src := filepath.Join(cache, "github.com", "ory", "hydra", "v2@v2.3.0")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module github.com/ory/hydra/v2\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	fakeGo := filepath.Join(dir, "go")
	log := filepath.Join(dir, "go.log")
	script := `#!/bin/sh
echo "$PWD: $*" >> "` + log + `"
case "$1" in
mod) exit 0 ;;
env) echo "` + cache + `" ;;
build) while [ $# -gt 0 ]; do if [ "$1" = -o ]; then echo binary > "$2"; fi; shift; done ;;
esac
`
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "bin", "hydra")
	run := func() []byte {
		cmd := exec.Command("make", "--no-print-directory", "hydra", "GO="+fakeGo, "HYDRA="+target, "BIN="+filepath.Dir(target))
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make hydra: %v\n%s", err, out)
		}
		return out
	}
	out := run()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`hydra: building Ory Hydra v2\.3\.0 into ` + regexp.QuoteMeta(target) + ` \(once`),
		regexp.MustCompile(`hydra: \[1/3\] downloading github\.com/ory/hydra/v2@v2\.3\.0`),
		regexp.MustCompile(`hydra: \[2/3\] copying the module and dropping its replace of hydra-client-go`),
		regexp.MustCompile(`hydra: \[3/3\] compiling with SQLite`),
		regexp.MustCompile(`hydra: built ` + regexp.QuoteMeta(target) + ` in \d+s`),
	} {
		if !want.Match(out) {
			t.Errorf("make hydra output lacks %s:\n%s", want, out)
		}
	}
	calls, _ := os.ReadFile(log)
	if !regexp.MustCompile(`mod edit -dropreplace github.com/ory/hydra-client-go/v2`).Match(calls) ||
		!regexp.MustCompile(`build -tags sqlite .*-o `).Match(calls) || strings.Contains(string(calls), src+": build") {
		t.Errorf("the build should run on a copy with the replace dropped; go was called:\n%s", calls)
	}
	if b, err := os.ReadFile(target); err != nil || strings.TrimSpace(string(b)) != "binary" {
		t.Errorf("the binary was not moved into place: %v", err)
	}
	if out := run(); strings.Contains(string(out), "building") {
		t.Errorf("second make hydra built again:\n%s", out)
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
