package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec/natstest"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// simText is what a simulation screen shows, row by row.
func simText(sc tcell.Screen) string {
	w, h := sc.Size()
	var sb strings.Builder
	for y := range h {
		for x := range w {
			r, _, _, _ := sc.GetContent(x, y)
			if r == 0 {
				r = ' '
			}
			sb.WriteRune(r)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// TestFollowInTheViewer records a run to a real nats-server a few records
// at a time while trace --follow's viewer shows it on a simulation screen:
// new records appear and the selection follows the newest; moved up, the
// selection stays while more records come; F follows the tail again; the
// run's end mark shows as ended.
func TestFollowInTheViewer(t *testing.T) {
	srv := natstest.Start(t, "")
	tg, err := natsrec.Parse(srv.URL() + "/LIVE")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sink, err := natsrec.OpenSink(ctx, tg, natsrec.SinkOptions{SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flows", "sign_in.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(bytes.TrimSpace(data), []byte("\n"))
	n := len(lines) - 1 // records
	if flowlog.IsEnd(bytes.TrimSpace(lines[len(lines)-1])) {
		n-- // the log's end mark (flow log 2.1) is not a record
	}
	write := func(from, to int) {
		t.Helper()
		for _, l := range lines[from:to] {
			if !bytes.HasSuffix(l, []byte("\n")) {
				l = append(l, '\n')
			}
			if _, err := sink.Write(l); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(0, 6) // the header and 5 records

	v, start, stop, err := followViewer(ctx, sink.Where())
	if err != nil {
		t.Fatal(err)
	}
	sim := tcell.NewSimulationScreen("UTF-8")
	draws := make(chan string, 256)
	app := v.Application().SetScreen(sim)
	app.SetAfterDrawFunc(func(sc tcell.Screen) {
		select {
		case draws <- simText(sc):
		default:
		}
	})
	done := make(chan error, 1)
	go func() { done <- v.Run() }()
	start()
	defer stop()
	defer func() {
		app.Stop()
		<-done
	}()
	sim.SetSize(160, 40)
	last := ""
	await := func(what string, ok func(string) bool) string {
		t.Helper()
		if last != "" && ok(last) {
			return last
		}
		deadline := time.After(20 * time.Second)
		for {
			select {
			case txt := <-draws:
				last = txt
				if ok(txt) {
					return txt
				}
			case <-deadline:
				t.Fatalf("the viewer never showed %s; last screen:\n%s", what, last)
			}
		}
	}
	key := func(k tcell.Key, r rune) { sim.InjectKey(k, r, tcell.ModNone) }
	selected := func() (seq uint64) {
		ch := make(chan uint64, 1)
		app.QueueUpdate(func() { ch <- v.SelectedSeq() })
		return <-ch
	}
	await("the first 5 records, the newest selected", func(s string) bool {
		return strings.Contains(s, "live "+sink.Where()+", 5 records (F: tail on)") && strings.Contains(s, "seq 5  ")
	})
	write(6, 12)
	await("10 records, the newest selected", func(s string) bool {
		return strings.Contains(s, ", 11 records (F: tail on)") && strings.Contains(s, "seq 11  ")
	})
	key(tcell.KeyUp, 0)
	await("the tail let go", func(s string) bool { return strings.Contains(s, "F: tail off") && strings.Contains(s, "seq 10  ") })
	write(12, 16)
	await("more records, the selection kept", func(s string) bool { return strings.Contains(s, ", 15 records (F: tail off)") })
	if seq := selected(); seq != 10 {
		t.Fatalf("records arriving moved the selection to %d, want 10", seq)
	}
	key(tcell.KeyRune, 'F')
	await("the tail followed again", func(s string) bool { return strings.Contains(s, "F: tail on") && strings.Contains(s, "seq 15  ") })
	write(16, len(lines))
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	await("the run ended", func(s string) bool {
		return strings.Contains(s, "ended "+sink.Where()+", "+itoa(n)+" records") && strings.Contains(s, "seq "+itoa(n)+"  ")
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
