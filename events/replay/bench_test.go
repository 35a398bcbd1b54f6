package replay

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
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
		MeasureBareFSM(10000)
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
	if bare := MeasureBareFSM(5000); bare <= 0 {
		t.Fatalf("MeasureBareFSM: %v", bare)
	}
	t.Logf("replay %.0f events/s", eps)
}

// replayChildEnv makes the test binary replay a WriteCycles log of N
// records through RunFile and print its peak RSS.
const replayChildEnv = "KRATOS_TUI_TEST_REPLAY_STREAM"

func TestReplayChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(replayChildEnv))
	if err != nil {
		t.Skip("helper process for TestReplayStreamsInConstantMemory")
	}
	f, err := os.CreateTemp(t.TempDir(), "cycles-*.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteCycles(f, CycleTemplate, n); err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	res, err := RunFile(context.Background(), f.Name(), Options{})
	if err != nil || !res.Passed() {
		t.Fatalf("replay: %v %+v", err, res)
	}
	os.Stdout.WriteString("\n{\"seconds\":" + strconv.FormatFloat(time.Since(start).Seconds(), 'f', -1, 64) +
		",\"peak_rss_mb\":" + strconv.FormatFloat(PeakRSSMB(), 'f', -1, 64) + "}\n")
}

// TestReplayStreamsInConstantMemory replays logs ten times apart in size
// on the recorded wire, each in a process of its own: the peak memory must
// not grow with the log (the replay holds a window, not the log).
func TestReplayStreamsInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	child := func(n int) float64 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestReplayChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), replayChildEnv+"="+strconv.Itoa(n))
		_, rss, err := streamIn(cmd)
		if err != nil {
			t.Fatal(err)
		}
		return rss
	}
	small, large := child(2000), child(20000)
	t.Logf("peak RSS of replay: %.1f MiB for 2k records, %.1f MiB for 20k", small, large)
	if large > small+8 {
		t.Fatalf("peak RSS grew from %.1f to %.1f MiB with 10x the records", small, large)
	}
}
