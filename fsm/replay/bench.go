package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	looplab "github.com/looplab/fsm"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// MeasureThroughput writes a log of at least nEvents events (the corpus's
// sign-in/sign-out round against the real Kratos, repeated: WriteCycles),
// then replays it offline through the real adapters and returns the
// replayed events per second.
func MeasureThroughput(nEvents int) (float64, error) {
	var buf bytes.Buffer
	if _, err := WriteCycles(&buf, CycleTemplate, nEvents); err != nil {
		return 0, fmt.Errorf("measure throughput: %w", err)
	}
	rec, err := Load(&buf)
	if err != nil {
		return 0, fmt.Errorf("measure throughput: %w", err)
	}
	start := time.Now()
	res, err := Run(context.Background(), rec, Options{})
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("measure throughput: %w", err)
	}
	if !res.Passed() {
		return 0, fmt.Errorf("measure throughput: the replay diverged: %s", res.Divergence.Reason)
	}
	return float64(len(rec.Records)) / d.Seconds(), nil
}

// MeasureRecordOverhead runs the same session (in-memory adapters, about
// 20,000 events) without and with the recorder writing a flow log to a
// temporary file, and returns the ratio of the durations (with/without).
func MeasureRecordOverhead() (float64, error) {
	const n = 20000
	ctx := context.Background()
	start := time.Now()
	if _, err := generate(ctx, nil, n); err != nil {
		return 0, fmt.Errorf("record overhead: %w", err)
	}
	bare := time.Since(start)
	f, err := os.CreateTemp("", "kratos-tui-overhead-*.jsonl")
	if err != nil {
		return 0, fmt.Errorf("record overhead: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	start = time.Now()
	if _, err := generate(ctx, f, n); err != nil {
		return 0, fmt.Errorf("record overhead: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("record overhead: %w", err)
	}
	return time.Since(start).Seconds() / bare.Seconds(), nil
}

// MeasureStreaming streams a generated log of n records through
// flowlog.Reader and returns the time taken and the peak RSS in MiB. The
// peak is process-wide, so it runs in a process of its own: the kratos-tui
// binary of $KRATOS_TUI_BIN or of the module's .bin/ (make build), as
// `kratos-tui replay --bench-stream N`. Without one it measures in this
// process, and the peak then includes whatever this process used before.
func MeasureStreaming(n int) (time.Duration, float64, error) {
	bin := os.Getenv("KRATOS_TUI_BIN")
	if bin == "" {
		if root, ok := ModuleRoot(); ok {
			bin = filepath.Join(root, ".bin", "kratos-tui")
		}
	}
	if bin == "" {
		return BenchStream(n)
	}
	if _, err := os.Stat(bin); err != nil {
		return BenchStream(n)
	}
	return streamIn(exec.Command(bin, "replay", "--bench-stream", strconv.Itoa(n)))
}

// streamIn runs a --bench-stream helper and reads its result line.
func streamIn(cmd *exec.Cmd) (time.Duration, float64, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("measure streaming: %s: %w: %s", cmd.Path, err, stderr.String())
	}
	var res struct {
		Seconds   float64 `json:"seconds"`
		PeakRSSMB float64 `json:"peak_rss_mb"`
	}
	var line []byte
	for _, l := range bytes.Split(out, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("{")) {
			line = l
		}
	}
	if err := json.Unmarshal(line, &res); err != nil {
		return 0, 0, fmt.Errorf("measure streaming: bad helper output %q: %w", out, err)
	}
	return time.Duration(res.Seconds * float64(time.Second)), res.PeakRSSMB, nil
}

// MeasureBareFSMRecords is the bare alternative to replaying recs, in the
// same unit as replay's events per second: on a bare looplab/fsm machine
// built from fsm.Transitions (no callbacks, bus, adapters, parsing or
// comparison) it fires the transitions that recs record (their
// TransitionMade records, in order), over and over until n records' worth
// have been fired, and returns records per second (a pass over recs
// counts len(recs) records, whatever share of them are transitions). Every
// transition must be one the machine makes: an error is returned
// otherwise.
func MeasureBareFSMRecords(recs []flowlog.Record, n int) (float64, error) {
	var steps []events.TransitionMade
	for _, r := range recs {
		if t, ok := r.Event.(events.TransitionMade); ok {
			steps = append(steps, t)
		}
	}
	if len(steps) == 0 || len(recs) == 0 {
		return 0, errors.New("bare fsm: the records make no transition")
	}
	m := looplab.NewFSM(steps[0].From, fsm.Transitions, looplab.Callbacks{})
	ctx := context.Background()
	fire := func(t events.TransitionMade) error {
		if m.Current() != t.From {
			// A state the machine set itself (a launch, say).
			m.SetState(t.From)
		}
		err := m.Event(ctx, t.Event)
		var same looplab.NoTransitionError
		if err != nil && !(errors.As(err, &same) && t.From == t.To) {
			return fmt.Errorf("bare fsm: %s on %s: %w", t.Event, t.From, err)
		}
		if m.Current() != t.To {
			return fmt.Errorf("bare fsm: %s on %s went to %s, the recording to %s", t.Event, t.From, m.Current(), t.To)
		}
		return nil
	}
	for _, t := range steps { // checked once, untimed
		if err := fire(t); err != nil {
			return 0, err
		}
	}
	done := 0
	start := time.Now()
	for done < n {
		for _, t := range steps {
			_ = fire(t)
		}
		done += len(recs)
	}
	return float64(done) / time.Since(start).Seconds(), nil
}

// CycleRecords returns the records of template (see CycleTemplate) that
// WriteCycles repeats: from its second intent to its end.
func CycleRecords(template string) ([]flowlog.Record, error) {
	_, recs, err := flowlog.ReadAll(Resolve(template))
	if err != nil {
		return nil, fmt.Errorf("cycle records: %w", err)
	}
	intents := 0
	for i, r := range recs {
		if r.Kind == events.KindIntent {
			intents++
			if intents == 2 {
				return recs[i:], nil
			}
		}
	}
	return nil, fmt.Errorf("cycle records: %s has no second intent", template)
}
