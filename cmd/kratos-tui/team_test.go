package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/fsm/replay/farm"
)

var cliBuild struct {
	sync.Once
	bin string
	err error
}

// buildCLI builds the kratos-tui binary for subprocess tests, once per
// test binary (TestMain removes it).
func buildCLI(t *testing.T) string {
	t.Helper()
	cliBuild.Do(func() {
		dir, err := os.MkdirTemp("", "kratos-tui-cli-*")
		if err != nil {
			cliBuild.err = err
			return
		}
		cliBuild.bin = filepath.Join(dir, "kratos-tui")
		if out, err := exec.Command("go", "build", "-o", cliBuild.bin, ".").CombinedOutput(); err != nil {
			cliBuild.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if cliBuild.err != nil {
		t.Fatal(cliBuild.err)
	}
	return cliBuild.bin
}

// syncBuf is a bytes.Buffer safe to read while a process writes it.
type syncBuf struct {
	ch  chan struct{}
	buf bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.ch <- struct{}{}
	defer func() { <-b.ch }()
	return b.buf.Write(p)
}

func (b *syncBuf) String() string {
	b.ch <- struct{}{}
	defer func() { <-b.ch }()
	return b.buf.String()
}

func newSyncBuf() *syncBuf { return &syncBuf{ch: make(chan struct{}, 1)} }

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A worker killed with SIGKILL while it holds a job: the job is delivered
// again to another worker, and the farm's results for the corpus equal a
// local replay's, each recording once.
func TestFarmSurvivesAWorkerKilledMidJob(t *testing.T) {
	bin := buildCLI(t)
	srv := natstest.Start(t, "")
	addr := srv.URL() + "/FARM"
	corpus, _ := filepath.Abs("../../testdata/flows")

	// The local replay of each recording: PASS or not.
	files, _ := filepath.Glob(filepath.Join(corpus, "*.jsonl"))
	if len(files) < 5 {
		t.Fatalf("corpus has %d logs", len(files))
	}
	local := map[string]string{}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		r := farm.Offline(context.Background(), f, data)
		local[farm.Hash(data)] = string(r.Status)
	}

	if out, err := exec.Command(bin, "replay", "--enqueue", addr, corpus).CombinedOutput(); err != nil {
		t.Fatalf("enqueue: %v\n%s", err, out)
	}

	// Worker A takes a job and dies before its result; worker A2 takes
	// another, publishes its result and dies before acknowledging it.
	start := func(name, env string) (*exec.Cmd, *syncBuf) {
		w := exec.Command(bin, "replay-worker", addr, "--ack-wait", "2s", "--name", name)
		w.Env = append(os.Environ(), env)
		out := newSyncBuf()
		w.Stdout, w.Stderr = out, out
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		return w, out
	}
	a, aOut := start("A", "KRATOS_TUI_FARM_TEST_HOLD=1h")
	waitFor(t, "worker A to take a job", 20*time.Second, func() bool { return strings.Contains(aOut.String(), "took ") })
	took := regexp.MustCompile(`took ([0-9a-f]{12})`).FindStringSubmatch(aOut.String())[1]
	a2, a2Out := start("A2", "KRATOS_TUI_FARM_TEST_HOLD_AFTER_RESULT=1h")
	doneRE := regexp.MustCompile(`(?m)^(PASS|DIVERGED|ERROR)\s+([0-9a-f]{12})`)
	waitFor(t, "worker A2 to publish a result", 20*time.Second, func() bool { return doneRE.MatchString(a2Out.String()) })
	published := doneRE.FindStringSubmatch(a2Out.String())[2]
	for _, w := range []*exec.Cmd{a, a2} {
		if err := w.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = w.Wait()
	}
	if published == took {
		t.Fatalf("A and A2 hold the same job %s", took)
	}

	b := exec.Command(bin, "replay-worker", addr, "--ack-wait", "2s", "--name", "B", "--max-concurrency", "2")
	bOut := newSyncBuf()
	b.Stdout, b.Stderr = bOut, bOut
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Process.Signal(syscall.SIGTERM); _ = b.Wait() }()

	res := exec.Command(bin, "replay", "--results", addr, "--wait", "--wait-timeout", "60s")
	out, err := res.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	t.Logf("results (exit %d):\n%s", code, out)
	// B redoes A2's job too (not acknowledged): wait for it before reading
	// the results, so that the count below sees both of its results.
	waitFor(t, "worker B to redo A2's job", 30*time.Second, func() bool { return strings.Contains(bOut.String(), published) })

	// Every recording's result, once, equal to the local replay's.
	tg, _ := natsrec.Parse(addr)
	nc, js, err := natsrec.Connect(context.Background(), tg, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	rs, err := farm.Results(context.Background(), js, tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(local) {
		t.Fatalf("%d results for %d recordings", len(rs), len(local))
	}
	wantExit := 0
	var redelivered, republished []string
	for _, r := range rs {
		if local[r.Hash] != string(r.Status) {
			t.Errorf("%s: farm %s, local %s (%s)", r.Name, r.Status, local[r.Hash], r.Reason)
		}
		if r.Status != farm.Pass {
			wantExit = 1
		}
		if strings.HasPrefix(r.Hash, took) {
			if r.Worker != "B" || r.Delivery < 2 {
				t.Errorf("the killed worker's job: worker %s, delivery %d; want B, 2 or more", r.Worker, r.Delivery)
			}
			redelivered = append(redelivered, r.Name)
		}
		if strings.HasPrefix(r.Hash, published) {
			if r.Delivery < 2 {
				t.Errorf("A2's job: worker %s, delivery %d; want 2 or more", r.Worker, r.Delivery)
			}
			republished = append(republished, r.Name)
		}
	}
	if len(republished) != 1 {
		t.Errorf("the job whose result was published twice has %d results", len(republished))
	}
	if len(redelivered) != 1 {
		t.Errorf("the killed worker's job %s has %d results", took, len(redelivered))
	}
	if code != wantExit {
		t.Errorf("replay --results --wait exited %d, want %d", code, wantExit)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	names := lines[:len(lines)-1]
	sort.Strings(names)
	if len(names) != len(local) {
		t.Errorf("--results printed %d results, want %d", len(names), len(local))
	}
}

// recordings put, ls and get round-trip a flow log byte for byte through
// the CLI, and trace --follow prints its timeline and stops at its end.
func TestRecordingsPutLsGetAndFollow(t *testing.T) {
	bin := buildCLI(t)
	srv := natstest.Start(t, "")
	addr := srv.URL() + "/REC"
	src, _ := filepath.Abs("../../testdata/flows/sign_in.jsonl")
	want, _ := os.ReadFile(src)
	cmd := exec.Command(bin, "recordings", "put", addr, src)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("put: %v %s", err, out)
	}
	run := strings.TrimSpace(string(out))
	ls, err := exec.Command(bin, "recordings", "ls", addr).Output()
	if err != nil || !strings.Contains(string(ls), strings.TrimPrefix(run, "nats://")) {
		t.Fatalf("ls: %v %q, want %s", err, ls, run)
	}
	runURL := srv.URL() + "/REC/" + run[strings.LastIndex(run, "/")+1:]
	got, err := exec.Command(bin, "recordings", "get", runURL).Output()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("get: %v; %d bytes, want the file's %d", err, len(got), len(want))
	}
	follow, err := exec.Command(bin, "trace", "--follow", runURL).Output()
	text, terr := exec.Command(bin, "trace", "--format", "text", src).Output()
	if err != nil || terr != nil || !bytes.Equal(follow, text) {
		t.Fatalf("trace --follow (%v):\n%s\nwant trace --format text (%v):\n%s", err, follow, terr, text)
	}
}

// TestMain removes the CLI binary buildCLI built.
func TestMain(m *testing.M) {
	code := m.Run()
	if cliBuild.bin != "" {
		_ = os.RemoveAll(filepath.Dir(cliBuild.bin))
	}
	os.Exit(code)
}
