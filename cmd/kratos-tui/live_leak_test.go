package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/faultproxy"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/internal/canary"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// procTree returns the pid and every descendant of pid now running.
func procTree(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parens.
		rest := stat[bytes.LastIndexByte(stat, ')')+1:]
		var state string
		var ppid int
		if _, err := fmt.Sscan(string(rest), &state, &ppid); err == nil {
			parent[p] = ppid
		}
	}
	out := []int{pid}
	for changed := true; changed; {
		changed = false
		for p, pp := range parent {
			if contains(out, pp) && !contains(out, p) {
				out = append(out, p)
				changed = true
			}
		}
	}
	return out
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestLeakLiveReplaySecretsNeverInArgvOrEnv records a sign-in, then
// re-runs it with `replay --live` in a process of its own, the password
// given by a 0600 --secrets-file or the environment. While it runs, the
// argv and the environment of the process and of every process it starts
// are read from /proc and searched for the password's value; the command
// refuses --secret and a secrets file others can read; every hint it
// prints about a missing secret names the environment, the file and the
// prompt, and none suggests the command line.
func TestLeakLiveReplaySecretsNeverInArgvOrEnv(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs /proc")
	}
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	password := randomSecret(t, "Live-")
	email := fmt.Sprintf("live-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
		t.Fatal(err)
	}
	sc := canary.New()
	sc.Secret(canary.Password, password)
	var scans []reliability.Scan
	reliability.Report(t, reliability.SuiteSecrets, func(r *reliability.Record) {
		r.Tried, r.Scans = 2, scans
		for _, s := range scans {
			r.SecretsFound += s.Found
		}
		if !t.Failed() {
			r.Survived = 2
		}
		r.Detail = "replay --live: argv and environment of the process and its children"
	})
	c := &cliRun{t: t, dir: t.TempDir(), tokenDir: filepath.Join(t.TempDir(), "tokens"), url: srv.PublicURL}
	code, out, errOut := c.phase(sc, "signin",
		`{"type":"LoginFlowRequested"}`,
		`{"type":"SignInSubmitted","data":{"identifier":"`+email+`","password":"`+password+`"}}`)
	if code != 0 || !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("sign-in: exit %d\n%s\n%s", code, out, errOut)
	}
	rec := filepath.Join(c.dir, "signin.flowlog")

	// Hints: the help and the error for a missing secret.
	var help string
	for _, cmd := range newRootCommand(os.Stdin, os.Stdout, os.Stderr).Commands() {
		if cmd.Name() == "replay" {
			help = cmd.Long + cmd.Flags().FlagUsages()
		}
	}
	code, _, missing := runCLI(t, "replay", "--live", rec, "--kratos-api", srv.PublicURL, "--token-store", "memory")
	if code != 2 {
		t.Errorf("missing secret: exit %d, want 2: %s", code, missing)
	}
	for name, text := range map[string]string{"help": help, "missing-secret error": missing} {
		for _, want := range []string{"KRATOS_TUI_SECRET_1", "--secrets-file", "hidden"} {
			if !strings.Contains(text, want) {
				t.Errorf("the %s does not mention %s:\n%s", name, want, text)
			}
		}
		if strings.Contains(text, "--secret ") || strings.Contains(text, "--secret=") || strings.Contains(text, "--secret '") {
			t.Errorf("the %s suggests a secret on the command line:\n%s", name, text)
		}
	}
	code, _, refused := runCLI(t, "replay", "--live", rec, "--kratos-api", srv.PublicURL, "--secret", "1=x")
	if code != 2 || !strings.Contains(refused, "command line") || !strings.Contains(refused, "KRATOS_TUI_SECRET_N") {
		t.Errorf("--secret: exit %d: %s", code, refused)
	}
	secretsFile := filepath.Join(t.TempDir(), "secrets")
	if err := os.WriteFile(secretsFile, []byte("# the recording's password\n1="+password+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, loose := runCLI(t, "replay", "--live", rec, "--kratos-api", srv.PublicURL, "--token-store", "memory", "--secrets-file", secretsFile)
	if code != 2 || !strings.Contains(loose, "chmod 600") || strings.Contains(loose, password) {
		t.Errorf("a secrets file others can read: exit %d: %s", code, loose)
	}
	if err := os.Chmod(secretsFile, 0o600); err != nil {
		t.Fatal(err)
	}

	// The re-runs, in a process of their own, slowed by the proxy so that
	// /proc can be read while they run.
	proxy, err := faultproxy.New(srv.PublicURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	for _, how := range []string{"secrets-file", "environment"} {
		proxy.Clear()
		proxy.Add(faultproxy.Rule{Method: http.MethodPost, PathPrefix: "/self-service/login", Kind: faultproxy.Delay, Delay: 700 * time.Millisecond})
		args := []string{"--env-file", os.DevNull, "replay", "--live", rec, "--kratos-api", proxy.URL(), "--token-store", "memory"}
		env := append(os.Environ(), "KRATOS_TUI_SECRET_1=")
		if how == "secrets-file" {
			args = append(args, "--secrets-file", secretsFile)
		} else {
			env = append(os.Environ(), "KRATOS_TUI_SECRET_1="+password)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperMain$", "-test.count=1")
		cmd.Env = append(env, envCrashArgs+"="+strings.Join(args, "\n"))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		samples := 0
	poll:
		for {
			select {
			case <-done:
				break poll
			default:
			}
			for _, p := range procTree(cmd.Process.Pid) {
				argv, err1 := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
				environ, err2 := os.ReadFile(fmt.Sprintf("/proc/%d/environ", p))
				if err1 != nil || err2 != nil || len(argv) == 0 {
					continue // gone, or a zombie
				}
				samples++
				sc.Artifact(canary.Argv, argv)
				if p != cmd.Process.Pid || how == "secrets-file" {
					// The environment the user gave holds the secret
					// by design; no child may inherit it.
					sc.Artifact(canary.Environ, environ)
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		if !strings.Contains(stdout.String(), "PASS") {
			t.Errorf("%s: live re-run did not pass:\n%s\n%s", how, stdout.String(), stderr.String())
		}
		if samples == 0 {
			t.Errorf("%s: the process was never seen running", how)
		}
		sc.Artifact(canary.Stdout, stdout.Bytes())
		sc.Artifact(canary.Stderr, stderr.Bytes())
	}
	scans = sc.Check(t)
	t.Logf("\n%s", canary.Table(scans))
}
