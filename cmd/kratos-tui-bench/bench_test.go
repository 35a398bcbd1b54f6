package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/memory"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// TestMeasurementsRun runs the in-memory measurements at a small size so
// that make test keeps them working; the figures are make bench's job.
func TestMeasurementsRun(t *testing.T) {
	p, err := measurePipeline(20, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if p.events != uint64(20*25) {
		t.Fatalf("pipeline carried %d events for 20 cycles, want %d", p.events, 20*25)
	}
	pr, err := measurePipeline(20, true, true)
	if err != nil {
		t.Fatal(err)
	}
	if pr.events != p.events {
		t.Fatalf("pipeline carried %d events with the recorder, %d without", pr.events, p.events)
	}
	if _, err := measureBareFSM(20); err != nil {
		t.Fatal(err)
	}
	if d, err := measureGoChannel(100); err != nil || d <= 0 {
		t.Fatalf("gochannel: %v %v", d, err)
	}
}

// TestTerminalText: control sequences are taken out of what a program
// writes to a terminal, the characters it draws are kept.
func TestTerminalText(t *testing.T) {
	var tt terminalText
	tt.write([]byte("\x1b[?1049h\x1b[H\x1b[2J\x1b(B\x1b[m   \x1b]0;title\x07"))
	if tt.visible() {
		t.Fatalf("set-up sequences counted as a frame: %q", tt.text)
	}
	tt.write([]byte("\x1b[3;5H\x1b[38;5;12mSign in with\x1b[0m ORY\x1b[5;5HPass"))
	tt.write([]byte("word\x1b[K"))
	if !tt.visible() || !tt.contains("Sign in with ORY") || !tt.contains("Password") {
		t.Fatalf("drawn text lost: %q", tt.text)
	}
}

func TestSpread(t *testing.T) {
	s := spreadOf([]float64{3, 1, 2, 5, 4})
	if s.min != 1 || s.med != 3 || s.max != 5 || s.n != 5 {
		t.Fatalf("%+v", s)
	}
}

// cpuTime is the CPU time (user and system) this process has used: under
// load from other processes it moves far less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchmarkPipeline(b *testing.B, record bool) {
	c0 := cpuTime()
	for b.Loop() {
		if _, err := measurePipeline(100, record, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkPipeline and BenchmarkPipelineRecording run 100 sign-in cycles
// (2,500 events) without and with a file recorder; cpu-ms/op shows what the
// recorder costs even on a busy machine.
func BenchmarkPipeline(b *testing.B)          { benchmarkPipeline(b, false) }
func BenchmarkPipelineRecording(b *testing.B) { benchmarkPipeline(b, true) }

// TestStartupInAPseudoTerminal builds the client and measures one start of
// it in a pseudo-terminal against a real Kratos, as make bench does: the
// first frame comes, then the sign-in form.
func TestStartupInAPseudoTerminal(t *testing.T) {
	bin := os.Getenv("KRATOS_TUI_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "kratos-tui")
		out, err := exec.Command("go", "build", "-o", bin, "github.com/kratos-tui/kratos-tui/cmd/kratos-tui").CombinedOutput()
		if err != nil {
			t.Fatalf("build the client: %v\n%s", err, out)
		}
	}
	srv := kratostest.New(t, kratostest.Options{})
	s, err := measurePTYStartup(context.Background(), bin, srv.PublicURL, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if s.firstFrame <= 0 || s.firstForm < s.firstFrame {
		t.Fatalf("first frame %v, first form %v", s.firstFrame, s.firstForm)
	}
	t.Logf("first frame %v, sign-in form %v", s.firstFrame, s.firstForm)
}

// capturingJournal keeps every event a bus carries.
type capturingJournal struct {
	mu   sync.Mutex
	envs []events.Envelope
}

func (j *capturingJournal) Append(env events.Envelope) {
	j.mu.Lock()
	j.envs = append(j.envs, env)
	j.mu.Unlock()
}

func (*capturingJournal) Written(context.Context, uint64) {}

// BenchmarkRecordCycle is the recorder's own work for one sign-in/sign-out
// cycle of the pipeline (25 events, with the machine's registry of secrets):
// redacting and encoding its records into a flow log, the write left out
// (io.Discard). It is where a CPU profile of the in-memory worst case
// points (go test -bench RecordCycle -cpuprofile).
func BenchmarkRecordCycle(b *testing.B) {
	bb, err := bus.New(bus.Options{Clock: clock.System{}, IDs: clock.RandomIDs{}})
	if err != nil {
		b.Fatal(err)
	}
	defer bb.Close()
	j := &capturingJournal{}
	if err := bb.SetJournal(j); err != nil {
		b.Fatal(err)
	}
	secrets := events.NewSecrets()
	k := memory.NewKratos()
	k.AddUser(benchEmail, benchPassword)
	m, err := fsm.New(fsm.Config{Bus: bb, Kratos: k, Sessions: k, Tokens: tokenstore.NewMemory(), Secrets: secrets})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := m.Start(ctx); err != nil {
		b.Fatal(err)
	}
	for _, intent := range append([]events.Event{events.AppStarted{}}, cycleIntents()...) {
		if _, err := bb.Publish(intent, bus.Meta{}); err != nil {
			b.Fatal(err)
		}
		if err := bb.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
	j.mu.Lock()
	cycle := j.envs[len(j.envs)-25:]
	j.mu.Unlock()
	w, err := flowlog.NewWriter(io.Discard, flowlog.NewHeader("bench", time.Now()),
		flowlog.WithRedactor(flowlog.NewRedactor(flowlog.RedactorOptions{Secrets: secrets})))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.WriteBatch(cycle); err != nil {
			b.Fatal(err)
		}
	}
}
