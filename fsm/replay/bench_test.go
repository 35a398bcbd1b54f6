package replay

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// streamChildEnv makes the test binary a --bench-stream helper.
const streamChildEnv = "KRATOS_TUI_TEST_BENCH_STREAM"

func TestStreamChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(streamChildEnv))
	if err != nil {
		t.Skip("helper process for TestStreamingConstantMemory")
	}
	d, rss, err := BenchStream(n)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("\n{\"seconds\":" + strconv.FormatFloat(d.Seconds(), 'f', -1, 64) +
		",\"peak_rss_mb\":" + strconv.FormatFloat(rss, 'f', -1, 64) + "}\n")
}

func streamChild(t *testing.T, n int) float64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStreamChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), streamChildEnv+"="+strconv.Itoa(n))
	_, rss, err := streamIn(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return rss
}

// TestStreamingConstantMemory reads logs ten times apart in size, each in
// a process of its own: the peak memory must not grow with the log.
func TestStreamingConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	small, large := streamChild(t, 5000), streamChild(t, 50000)
	t.Logf("peak RSS: %.1f MiB for 5k records, %.1f MiB for 50k", small, large)
	if large > small+16 {
		t.Fatalf("peak RSS grew from %.1f to %.1f MiB with 10x the records", small, large)
	}
}

func BenchmarkReplay(b *testing.B) {
	var buf bytes.Buffer
	if _, err := WriteCycles(&buf, CycleTemplate, 10000); err != nil {
		b.Fatal(err)
	}
	rec, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(context.Background(), rec, Options{})
		if err != nil || !res.Passed() {
			b.Fatalf("replay: %v %v", err, res)
		}
	}
	b.ReportMetric(float64(len(rec.Records)*b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkReplayBareFSM(b *testing.B) {
	for b.Loop() {
		if _, err := MeasureBareFSMRecords(cycleRecs(b), 10000); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReplayRead(b *testing.B) {
	var buf bytes.Buffer
	if err := writeSynthetic(&buf, 10000); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := Load(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMeasures(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	eps, err := MeasureThroughput(5000)
	if err != nil || eps <= 0 {
		t.Fatalf("MeasureThroughput: %v %v", eps, err)
	}
	if bare, err := MeasureBareFSMRecords(cycleRecs(t), 5000); err != nil || bare <= 0 {
		t.Fatalf("MeasureBareFSMRecords: %v %v", bare, err)
	}
	t.Logf("replay %.0f events/s", eps)
}

// TestReplayStreamsInConstantMemory runs the kratos-tui binary (built
// here without the race detector, whose shadow memory would be measured
// too) as `kratos-tui replay FILE` on logs ten times apart in size, each in
// a process of its own: the replay holds a window, not the log, so its
// peak memory must not grow with the log.
func TestReplayStreamsInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	root, ok := ModuleRoot()
	if !ok {
		t.Fatal("no module root")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kratos-tui")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kratos-tui")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	child := func(n int) float64 {
		path := filepath.Join(dir, fmt.Sprintf("cycles-%d.jsonl", n))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := WriteCycles(f, CycleTemplate, n); err != nil {
			t.Fatal(err)
		}
		f.Close()
		cmd := exec.Command(bin, "replay", path)
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.HasPrefix(out, []byte("PASS")) {
			t.Fatalf("kratos-tui replay of %d records: %v\n%.2000s", n, err, out)
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Fatal("no rusage")
		}
		return float64(ru.Maxrss) / 1024
	}
	small, large := child(5000), child(50000)
	t.Logf("peak RSS of kratos-tui replay: %.1f MiB for 5k records, %.1f MiB for 50k", small, large)
	if large > small+16 {
		t.Fatalf("peak RSS grew from %.1f to %.1f MiB with 10x the records", small, large)
	}
}

func cycleRecs(tb testing.TB) []flowlog.Record {
	tb.Helper()
	recs, err := CycleRecords(CycleTemplate)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

// TestBareFSMRecordsCountsRecords: the bare alternative counts records of
// the log, as replay does, and refuses records whose transitions the
// machine does not make.
func TestBareFSMRecordsCountsRecords(t *testing.T) {
	recs := cycleRecs(t)
	if len(recs) != 25 {
		t.Fatalf("the cycle has %d records, want 25", len(recs))
	}
	transitions := 0
	for _, r := range recs {
		if r.Kind == events.KindTransition {
			transitions++
		}
	}
	if transitions == 0 || transitions == len(recs) {
		t.Fatalf("%d transitions in %d records", transitions, len(recs))
	}
	if _, err := MeasureBareFSMRecords(recs, 1000); err != nil {
		t.Fatal(err)
	}
	bad := append([]flowlog.Record(nil), recs...)
	for i, r := range bad {
		if tm, ok := r.Event.(events.TransitionMade); ok {
			tm.Event = "NoSuchEvent"
			r.Event = tm
			bad[i] = r
			break
		}
	}
	if _, err := MeasureBareFSMRecords(bad, 1000); err == nil {
		t.Fatal("a transition the machine does not make was fired without an error")
	}
}
