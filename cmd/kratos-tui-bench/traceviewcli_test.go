package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// TestTraceViewerInAPseudoTerminal builds the client and measures its
// trace viewer once on a log of 20,000 records, as make bench does on
// 1,000,000: the first records, the whole log indexed, the jump to the
// last record, the peak RSS.
func TestTraceViewerInAPseudoTerminal(t *testing.T) {
	bin := os.Getenv("KRATOS_TUI_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "kratos-tui")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/kratos-tui/kratos-tui/cmd/kratos-tui").CombinedOutput()
		if err != nil {
			t.Fatalf("build the client: %v\n%s", err, out)
		}
	}
	path := filepath.Join(t.TempDir(), "log.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := replay.WriteCycles(f, replay.CycleTemplate, 20_000)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	r, err := measureViewer(context.Background(), bin, path, n)
	if err != nil {
		t.Fatal(err)
	}
	if r.open <= 0 || r.index < r.open || r.jump <= 0 || r.peakMB <= 0 {
		t.Fatalf("%+v", r)
	}
	t.Logf("%d records: first records %v, indexed %v, jump %v, peak %.1f MiB", n, r.open, r.index, r.jump, r.peakMB)
}

// TestTermGrid: a redraw of changed cells only lands where the cursor
// moves put it.
func TestTermGrid(t *testing.T) {
	g := newTermGrid(3, 20)
	g.write([]byte("\x1b[2J\x1b[1;1Hindexing 10 records\x1b[2;3H\x1b[38;5;12mseq 1\x1b[0m"))
	g.write([]byte("\x1b[1;1H20 records, log v\x1b[K\x1b[2;7H99"))
	if !g.contains("20 records, log v") || !g.contains("  seq 99") || g.contains("indexing") {
		t.Fatalf("grid:\n%s", g)
	}
}
