package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/internal/canary"
)

// runTeamCLI runs the command in process with stdin lines; it returns the exit
// code, stdout and stderr.
func runTeamCLI(t *testing.T, dir string, args []string, lines ...string) (int, string, string) {
	t.Helper()
	in, _ := os.CreateTemp(dir, "in")
	_, _ = in.WriteString(strings.Join(lines, "\n") + "\n")
	_, _ = in.Seek(0, 0)
	defer in.Close()
	out, _ := os.CreateTemp(dir, "out")
	errF, _ := os.CreateTemp(dir, "err")
	code := run(context.Background(), args, in, out, errF)
	out.Close()
	errF.Close()
	o, _ := os.ReadFile(out.Name())
	e, _ := os.ReadFile(errF.Name())
	return code, string(o), string(e)
}

// A sign-up and sign-in against the real Kratos, recorded with --record
// nats://: the run is on the stream under its run id, replays offline
// (PASS) as fetched, no spool is left, and the canary scan of everything
// the JetStream store holds finds neither the password nor the session
// token.
func TestRecordToNATSAgainstKratos(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	ns := natstest.Start(t, "")
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir, tokenDir := t.TempDir(), filepath.Join(t.TempDir(), "tokens")
	password := randomSecret(t, "Cnry-")
	email := fmt.Sprintf("nats-%d@example.com", time.Now().UnixNano())
	base := []string{"--env-file", os.DevNull, "--kratos-api", srv.PublicURL, "--ui", "json",
		"--token-store", "file", "--token-dir", tokenDir, "--record", ns.URL() + "/TEAM"}

	t.Setenv("KRATOS_TUI_RUN_ID", "signup-1")
	code, out, errOut := runTeamCLI(t, dir, base,
		`{"type":"RegistrationFlowRequested"}`,
		`{"type":"SignUpSubmitted","data":{"email":"`+email+`","password":"`+password+`"}}`,
		`{"type":"SignOutRequested"}`,
		`{"type":"LoginFlowRequested"}`,
		`{"type":"SignInSubmitted","data":{"identifier":"`+email+`","password":"`+password+`"}}`)
	if code != 0 || !strings.Contains(out, `"type":"SignedIn"`) {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "recording to nats://"+strings.TrimPrefix(ns.URL(), "nats://")+"/TEAM/signup-1") {
		t.Errorf("stderr does not name the run: %s", errOut)
	}
	tok, err := tokenstore.NewFile(tokenDir, srv.PublicURL).Load()
	if err != nil || !strings.HasPrefix(tok, "ory_st_") {
		t.Fatalf("no session token stored: %v", err)
	}

	tg, _ := natsrec.Parse(ns.URL() + "/TEAM")
	nc, js, err := natsrec.Connect(context.Background(), tg, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ended, err := natsrec.Copy(context.Background(), js, tg, "signup-1", &buf, natsrec.CopyOptions{})
	nc.Close()
	if err != nil || !ended {
		t.Fatalf("fetch the run: ended %v, %v", ended, err)
	}
	res, err := replay.RunReader(context.Background(), bytes.NewReader(buf.Bytes()), "signup-1", replay.Options{})
	if err != nil || !res.Passed() || res.Records < 10 {
		t.Fatalf("the streamed recording does not replay: %v %+v", err, res)
	}
	if ents, _ := os.ReadDir(filepath.Join(cache, "kratos-tui", "spool")); len(ents) != 0 {
		t.Errorf("a spool is left after a clean run: %v", ents)
	}

	ns.Stop() // its store is on disk
	sc := canary.New()
	sc.Secret(canary.Password, password)
	sc.Secret(canary.SessionToken, tok)
	var all []byte
	_ = filepath.Walk(ns.StoreDir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, b...)
		}
		return nil
	})
	if !bytes.Contains(all, []byte("SignUpSubmitted")) {
		t.Fatalf("the JetStream store (%d bytes) holds no record", len(all))
	}
	sc.Artifact(canary.Recording, all)
	t.Logf("\n%s", canary.Table(sc.Check(t)))
}

// --record to a NATS server that is not there: a clear error before the
// run starts (exit 2), nothing spooled.
func TestRecordToUnreachableNATS(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir := t.TempDir()
	code, _, errOut := runTeamCLI(t, dir, []string{"--env-file", os.DevNull, "--kratos-api", "http://127.0.0.1:1",
		"--ui", "json", "--token-store", "memory", "--record", "nats://127.0.0.1:1/TEAM"})
	if code != 2 || !strings.Contains(errOut, "cannot reach 127.0.0.1:1") || !strings.Contains(errOut, "--record FILE") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if ents, _ := os.ReadDir(filepath.Join(cache, "kratos-tui", "spool")); len(ents) != 0 {
		t.Errorf("spooled: %v", ents)
	}
}

// Live workers against the real Kratos: two recorded sign-ins farmed out
// to a --live worker (secrets from a 0600 file, two at once) PASS; a live
// worker without the secret publishes an ERROR that says where to give it,
// and --results exits 1.
func TestLiveWorkerAgainstKratos(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	bin := buildCLI(t)
	srv := kratostest.New(t, kratostest.Options{})
	ns := natstest.Start(t, "")
	password := randomSecret(t, "Farm-")
	recDir := t.TempDir()
	for i := 0; i < 2; i++ {
		email := fmt.Sprintf("farm-%d-%d@example.com", i, time.Now().UnixNano())
		if _, err := srv.CreateIdentity(context.Background(), email, password); err != nil {
			t.Fatal(err)
		}
		// Each intent once the screen it answers is shown, as a user
		// would: the live replay sends them the same way.
		dir := t.TempDir()
		cmd := exec.Command(bin, "--env-file", os.DevNull, "--kratos-api", srv.PublicURL, "--ui", "json",
			"--token-store", "file", "--token-dir", filepath.Join(dir, "tokens"), "--record", filepath.Join(recDir, fmt.Sprintf("signin-%d.jsonl", i)))
		cmd.Env = append(os.Environ(), "KRATOS_API=")
		in, _ := cmd.StdinPipe()
		out := newSyncBuf()
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the signed-out screen", 20*time.Second, func() bool { return strings.Contains(out.String(), `"SignedOut"`) })
		_, _ = in.Write([]byte(`{"type":"LoginFlowRequested"}` + "\n"))
		waitFor(t, "the login form", 20*time.Second, func() bool { return strings.Contains(out.String(), `"LoginFormShown"`) })
		_, _ = in.Write([]byte(`{"type":"SignInSubmitted","data":{"identifier":"` + email + `","password":"` + password + `"}}` + "\n"))
		waitFor(t, "signed in", 20*time.Second, func() bool { return strings.Contains(out.String(), `"SignedIn"`) })
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("sign-in: %v\n%s", err, out.String())
		}
	}
	secrets := filepath.Join(t.TempDir(), "secrets")
	if err := os.WriteFile(secrets, []byte("1="+password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		stream   string
		args     []string
		exit     int
		want     string
		statuses string
	}{
		{"LIVE", []string{"--secrets-file", secrets, "--max-concurrency", "2"}, 0, "2 recordings: 2 PASS", "PASS"},
		{"NOSECRET", nil, 1, "KRATOS_TUI_SECRET_1", "ERROR"},
	} {
		addr := ns.URL() + "/" + c.stream
		if out, err := exec.Command(bin, "replay", "--enqueue", addr, recDir).CombinedOutput(); err != nil {
			t.Fatalf("enqueue: %v\n%s", err, out)
		}
		args := append([]string{"--env-file", os.DevNull, "replay-worker", addr, "--live", "--kratos-api", srv.PublicURL, "--token-store", "memory"}, c.args...)
		w := exec.Command(bin, args...)
		w.Env = append(os.Environ(), "KRATOS_API=")
		wOut := newSyncBuf()
		w.Stdout, w.Stderr = wOut, wOut
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "replay", "--results", addr, "--wait", "--wait-timeout", "60s").CombinedOutput()
		_ = w.Process.Signal(syscall.SIGTERM)
		_ = w.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.exit || !strings.Contains(string(out), c.want) || strings.Count(string(out), c.statuses+" ") != 2 {
			t.Errorf("%s: exit %d, want %d with %q:\n%s\nworker:\n%s", c.stream, code, c.exit, c.want, out, wOut.String())
		}
		if strings.Contains(string(out)+wOut.String(), password) {
			t.Errorf("%s: the password is in the output", c.stream)
		}
	}
}
