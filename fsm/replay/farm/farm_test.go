package farm_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/fsm/replay/farm"
)

// A recording larger than the server's max_payload travels as a run of
// the recordings stream; the worker fetches it and the replay passes. A
// broken recording is an ERROR result, not a job retried for ever.
func TestLargeRecordingTravelsAsARun(t *testing.T) {
	srv := natstest.StartWith(t, "", func(o *server.Options) { o.MaxPayload = 32 << 10 })
	tg, _ := natsrec.Parse(srv.URL() + "/BIG")
	var big bytes.Buffer
	if _, err := replay.WriteCycles(&big, replay.CycleTemplate, 400); err != nil {
		t.Fatal(err)
	}
	if big.Len() <= 32<<10 {
		t.Fatalf("the log is only %d bytes", big.Len())
	}
	broken := []byte("{\"not\":\"a flow log\"}\n")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	hashes, err := farm.Enqueue(ctx, tg, []farm.Recording{{Name: "big", Data: big.Bytes()}, {Name: "broken", Data: broken}})
	if err != nil {
		t.Fatal(err)
	}
	nc, js, err := natsrec.Connect(ctx, tg, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	runs, err := natsrec.Runs(ctx, js, tg)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs on the recordings stream: %v %v", runs, err)
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- farm.Work(wctx, tg, farm.WorkerOptions{Name: "w", AckWait: 5 * time.Second}) }()
	rs, err := farm.Wait(ctx, tg, 50*time.Millisecond)
	stop()
	if werr := <-done; werr != nil && wctx.Err() == nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]farm.Result{}
	for _, r := range rs {
		got[r.Hash] = r
	}
	if r := got[hashes[0]]; r.Status != farm.Pass || r.Records < 400 {
		t.Errorf("big: %+v", r)
	}
	if r := got[hashes[1]]; r.Status != farm.Failed || r.Reason == "" {
		t.Errorf("broken: %+v", r)
	}
}

// A recording whose SignedIn record was altered is DIVERGED with the
// record and the reason, like a local replay; recordings on a stream are
// collected byte for byte and enqueued like files.
func TestDivergenceAndStreamSource(t *testing.T) {
	srv := natstest.Start(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	good, err := os.ReadFile("../../../testdata/flows/sign_in.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(good, []byte(`"aal":"aal1"`), []byte(`"aal":"aal2"`), 1)
	local, err := replay.RunReader(ctx, bytes.NewReader(bad), "bad", replay.Options{})
	if err != nil || local.Passed() {
		t.Fatalf("the altered log replays locally: %v", err)
	}

	// Both on the recordings stream as runs, then collected from it.
	src, _ := natsrec.Parse(srv.URL() + "/SRC")
	for i, data := range [][]byte{good, bad} {
		sink, err := natsrec.OpenSink(ctx, src, natsrec.SinkOptions{Run: []string{"good", "bad"}[i], SpoolDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sink.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := farm.Collect(ctx, srv.URL()+"/SRC")
	if err != nil || len(recs) != 2 {
		t.Fatalf("collect: %d, %v", len(recs), err)
	}
	for _, r := range recs {
		want := good
		if strings.HasSuffix(r.Name, "/bad") {
			want = bad
		}
		if !bytes.Equal(r.Data, want) {
			t.Fatalf("%s: collected bytes differ", r.Name)
		}
	}

	tg, _ := natsrec.Parse(srv.URL() + "/FARM")
	if _, err := farm.Enqueue(ctx, tg, recs); err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- farm.Work(wctx, tg, farm.WorkerOptions{Concurrency: 2}) }()
	rs, err := farm.Wait(ctx, tg, 50*time.Millisecond)
	stop()
	<-done
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		switch {
		case strings.HasSuffix(r.Name, "/good"):
			if r.Status != farm.Pass {
				t.Errorf("good: %+v", r)
			}
		case strings.HasSuffix(r.Name, "/bad"):
			d := local.Divergence
			if r.Status != farm.Diverged || r.Seq != d.Seq || r.Field != d.Field || r.Reason != d.Reason || !bytes.Equal(r.Expected, d.Expected) {
				t.Errorf("bad: farm %s seq %d field %q %q; local seq %d field %q %q", r.Status, r.Seq, r.Field, r.Reason, d.Seq, d.Field, d.Reason)
			}
		default:
			t.Errorf("unexpected result %+v", r)
		}
	}
}
