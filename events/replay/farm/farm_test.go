package farm_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/events/replay"
	"github.com/kratos-tui/kratos-tui/events/replay/farm"
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
