package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// measureFarm measures the replay farm and trace --follow through the CLI
// binary against an in-process nats-server with JetStream:
//
//	farm_replays_per_s_{1,2,4}_workers  recordings replayed per second, from
//	    `replay --enqueue` to `replay --results --wait` returning, with 1, 2
//	    and 4 `replay-worker` processes
//	local_replays_per_s                 the same set replayed by `kratos-tui
//	    replay FILE`, one process after another (the bare alternative)
//	farm_speedup_2_workers              2 workers' rate over the local rate
//	follow_latency_p50_ms, _p99_ms      a record written by --record's sink to
//	    its line printed by `trace --follow`
//	nats_roundtrip_p50_ms               a core NATS publish to its delivery on
//	    the same server (the bare alternative)
func measureFarm(tw, progress io.Writer, figures map[string]any, nRecs, size int) error {
	bin, err := kratosTUIBinary()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "kratos-tui-bench-farm-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := natstest.StartAt(filepath.Join(dir, "js"), -1)
	if err != nil {
		return err
	}
	defer srv.Stop()

	// nRecs distinct generated sign-in/out logs of about size records.
	recDir := filepath.Join(dir, "recs")
	if err := os.MkdirAll(recDir, 0o700); err != nil {
		return err
	}
	var files []string
	for i := range nRecs {
		p := filepath.Join(recDir, fmt.Sprintf("r%02d.jsonl", i))
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		_, err = replay.WriteCycles(f, replay.CycleTemplate, size+i*25)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		files = append(files, p)
	}
	fmt.Fprintf(progress, "local replay of %d recordings...\n", nRecs)
	start := time.Now()
	for _, f := range files {
		if _, out, err := runCLI(bin, "replay", f); err != nil || !strings.HasPrefix(out, "PASS") {
			return fmt.Errorf("local replay of %s: %v %s", f, err, out)
		}
	}
	local := float64(nRecs) / time.Since(start).Seconds()
	fmt.Fprintf(tw, "local replays (kratos-tui replay FILE, %d logs of ~%d records, one after another)\t%.2f /s\t\t\n", nRecs, size, local)
	figures["local_replays_per_s"] = round(local)

	rates := map[int]float64{}
	for _, workers := range []int{1, 2, 4} {
		fmt.Fprintf(progress, "farm with %d workers...\n", workers)
		addr := fmt.Sprintf("%s/FARM%d", srv.URL(), workers)
		var procs []*exec.Cmd
		for range workers {
			w := exec.Command(bin, "replay-worker", addr)
			if err := w.Start(); err != nil {
				return err
			}
			procs = append(procs, w)
		}
		start := time.Now()
		_, _, err := runCLI(bin, "replay", "--enqueue", addr, recDir)
		if err == nil {
			var out string
			_, out, err = runCLI(bin, "replay", "--results", addr, "--wait")
			if err == nil && !strings.Contains(out, fmt.Sprintf("%d recordings: %d PASS", nRecs, nRecs)) {
				err = fmt.Errorf("farm results: %s", out)
			}
		}
		d := time.Since(start)
		for _, w := range procs {
			_ = w.Process.Signal(os.Interrupt)
			_ = w.Wait()
		}
		if err != nil {
			return err
		}
		rates[workers] = float64(nRecs) / d.Seconds()
		fmt.Fprintf(tw, "farm replays, %d replay-worker processes (enqueue to results --wait)\t%.2f /s\tlocal %.2f /s\t%.2f\n", workers, rates[workers], local, rates[workers]/local)
		figures[fmt.Sprintf("farm_replays_per_s_%d_workers", workers)] = round(rates[workers])
	}
	figures["farm_speedup_2_workers"] = round(rates[2] / local)

	p50, p99, err := measureFollow(bin, srv)
	if err != nil {
		return fmt.Errorf("trace --follow: %w", err)
	}
	bare, err := measureNATSRoundtrip(srv)
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "record written to its line in trace --follow, p50 / p99\t%.3f / %.3f ms\tcore NATS pub to delivery p50 %.3f ms\t%.1f\n", ms(p50), ms(p99), ms(bare), float64(p50)/float64(bare))
	figures["follow_latency_p50_ms"] = round(ms(p50))
	figures["follow_latency_p99_ms"] = round(ms(p99))
	figures["nats_roundtrip_p50_ms"] = round(ms(bare))

	natsRec, fileRec, err := measureRecordSinks(srv, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(tw, "flow-log record written to NATS (--record nats://, acked) \t%.1f us\tto a file %.1f us\t%.1f\n", us(natsRec), us(fileRec), float64(natsRec)/float64(fileRec))
	figures["record_nats_us"] = round(us(natsRec))
	figures["record_file_us"] = round(us(fileRec))
	figures["record_nats_vs_file_ratio"] = round(float64(natsRec) / float64(fileRec))
	return nil
}

// measureRecordSinks times the redacting flow-log writer over the NATS
// sink (each record published and acknowledged, spooled) and over a file
// sink, per record, on the same 2,000 records (best of 3 each).
func measureRecordSinks(srv *natstest.Server, dir string) (natsPer, filePer time.Duration, err error) {
	const n = 2000
	envs := make([]events.Envelope, n)
	for i := range envs {
		envs[i] = events.Envelope{Seq: uint64(i + 1), ID: fmt.Sprint(i), Time: time.Now(),
			Event: events.AdapterCalled{Operation: "kratos.submit_login", Request: json.RawMessage(`{"flow_id":"d5d8a18b-7153-4f27-999d-ad0bb3db65ec","identifier":"user@example.com"}`)}}
	}
	tg, err := natsrec.Parse(srv.URL() + "/SINKS")
	if err != nil {
		return 0, 0, err
	}
	write := func(sink flowlog.Sink) (time.Duration, error) {
		w, err := flowlog.NewSinkWriter(sink, flowlog.NewHeader("bench", time.Now()))
		if err != nil {
			return 0, err
		}
		start := time.Now()
		for _, e := range envs {
			if err := w.Write(e); err != nil {
				return 0, err
			}
		}
		err = w.Close()
		return time.Since(start) / n, err
	}
	for i := range 3 {
		sink, err := natsrec.OpenSink(context.Background(), tg, natsrec.SinkOptions{Run: fmt.Sprint("sinks-", i), SpoolDir: dir})
		if err != nil {
			return 0, 0, err
		}
		d, err := write(sink)
		if err != nil {
			return 0, 0, err
		}
		if i == 0 || d < natsPer {
			natsPer = d
		}
		fs, err := flowlog.CreateFileSink(filepath.Join(dir, fmt.Sprintf("sinks-%d.jsonl", i)))
		if err != nil {
			return 0, 0, err
		}
		if d, err = write(fs); err != nil {
			return 0, 0, err
		}
		if i == 0 || d < filePer {
			filePer = d
		}
	}
	return natsPer, filePer, nil
}

func measureFollow(bin string, srv *natstest.Server) (p50, p99 time.Duration, err error) {
	tg, err := natsrec.Parse(srv.URL() + "/FOLLOW")
	if err != nil {
		return 0, 0, err
	}
	spool, err := os.MkdirTemp("", "kratos-tui-bench-spool-*")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(spool)
	sink, err := natsrec.OpenSink(context.Background(), tg, natsrec.SinkOptions{Run: "bench", SpoolDir: spool})
	if err != nil {
		return 0, 0, err
	}
	w, err := flowlog.NewSinkWriter(sink, flowlog.NewHeader("bench", time.Now()))
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(bin, "trace", "--follow", sink.Where())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	const n = 300
	var lat []time.Duration
	for i := 1; i <= n; i++ {
		env := events.Envelope{Seq: uint64(i), ID: fmt.Sprint(i), Time: time.Now(),
			Event: events.AdapterCalled{Operation: "session.current", Request: json.RawMessage(`{}`)}}
		t0 := time.Now()
		if err := w.Write(env); err != nil {
			return 0, 0, err
		}
		want := fmt.Sprintf("%5d ", i)
		for {
			l, ok := <-lines
			if !ok {
				return 0, 0, fmt.Errorf("trace --follow ended before record %d", i)
			}
			if strings.HasPrefix(l, want) {
				break
			}
		}
		if i > 20 { // after warm-up
			lat = append(lat, time.Since(t0))
		}
	}
	_ = w.Close()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2], lat[len(lat)*99/100], nil
}

func measureNATSRoundtrip(srv *natstest.Server) (time.Duration, error) {
	tg, err := natsrec.Parse(srv.URL() + "/RT")
	if err != nil {
		return 0, err
	}
	nc, _, err := natsrec.Connect(context.Background(), tg, 0)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	sub, err := nc.SubscribeSync("bench.rt")
	if err != nil {
		return 0, err
	}
	var lat []time.Duration
	for range 300 {
		t0 := time.Now()
		if err := nc.Publish("bench.rt", []byte(`{}`)); err != nil {
			return 0, err
		}
		if _, err := sub.NextMsg(5 * time.Second); err != nil {
			return 0, err
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2], nil
}
