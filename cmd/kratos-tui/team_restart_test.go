package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/fsm/replay/farm"
)

// TestFarmSurvivesANATSServerRestart stops the whole nats-server while a
// replay-worker (a real subprocess) is working through the corpus, and
// starts it again on the same port with the same store: the worker
// reconnects and takes the remaining jobs, and every recording has one
// result, equal to a local replay's.
func TestFarmSurvivesANATSServerRestart(t *testing.T) {
	bin := buildCLI(t)
	store := t.TempDir()
	srv, err := natstest.StartAt(store, -1)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.Stop()
		}
	}()
	port := srv.Addr().(*net.TCPAddr).Port
	addr := srv.URL() + "/RESTART"
	corpus, _ := filepath.Abs("../../testdata/flows")
	files, _ := filepath.Glob(filepath.Join(corpus, "*.jsonl"))
	local := map[string]string{}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		local[farm.Hash(data)] = string(farm.Offline(context.Background(), f, data).Status)
	}
	if out, err := exec.Command(bin, "replay", "--enqueue", addr, corpus).CombinedOutput(); err != nil {
		t.Fatalf("enqueue: %v\n%s", err, out)
	}

	// Each job is held a little, so that the restart falls mid-farm.
	w := exec.Command(bin, "replay-worker", addr, "--ack-wait", "3s", "--name", "W")
	w.Env = append(os.Environ(), "KRATOS_TUI_FARM_TEST_HOLD=250ms")
	wOut := newSyncBuf()
	w.Stdout, w.Stderr = wOut, wOut
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- w.Wait() }()
	defer func() {
		_ = w.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	doneRE := regexp.MustCompile(`(?m)^(PASS|DIVERGED|ERROR|FAIL)\s+([0-9a-f]{12})`)
	waitFor(t, "two results before the restart", 30*time.Second, func() bool { return len(doneRE.FindAllString(wOut.String(), -1)) >= 2 })
	if n := len(doneRE.FindAllString(wOut.String(), -1)); n >= len(files) {
		t.Fatalf("the worker finished all %d jobs before the restart", n)
	}

	srv.Stop()
	stopped = true
	before := len(wOut.String())
	waitFor(t, "the worker to see the server gone", 30*time.Second, func() bool { return strings.Contains(wOut.String(), "replay-worker: lost NATS") })
	// The outage lasts longer than a client's default reconnect budget (5
	// tries 200 ms apart): a worker that gave up would be gone by now.
	time.Sleep(3 * time.Second)
	srv2, err := natstest.StartAt(store, port)
	if err != nil {
		t.Fatalf("restart nats-server on port %d: %v", port, err)
	}
	defer srv2.Stop()
	select {
	case err := <-exited:
		t.Fatalf("the worker exited when the server went away: %v\n%s", err, wOut.String())
	default:
	}

	waitFor(t, "the worker to reconnect", 30*time.Second, func() bool { return strings.Contains(wOut.String(), "replay-worker: reconnected to NATS") })
	res := exec.Command(bin, "replay", "--results", addr, "--wait", "--wait-timeout", "45s")
	out, err := res.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	t.Logf("worker:\n%s\nresults:\n%s", wOut.String(), out)
	if !strings.Contains(wOut.String()[before:], "took ") {
		t.Fatalf("the worker took no job after the restart:\n%s", wOut.String()[before:])
	}

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
	seen := map[string]int{}
	for _, r := range rs {
		seen[r.Hash]++
		if local[r.Hash] != string(r.Status) {
			t.Errorf("%s: farm %s, local %s (%s)", r.Name, r.Status, local[r.Hash], r.Reason)
		}
	}
	if len(rs) != len(local) || len(seen) != len(local) {
		t.Fatalf("%d results for %d distinct recordings (%d hashes seen)", len(rs), len(local), len(seen))
	}
	// The jobs stream is empty: every job was acknowledged.
	s, err := js.Stream(context.Background(), farm.JobsStream(tg))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the jobs stream to empty", 30*time.Second, func() bool {
		info, err := s.Info(context.Background())
		return err == nil && info.State.Msgs == 0
	})
}
