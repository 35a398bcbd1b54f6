package replay

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// Result is the outcome of an offline replay.
type Result struct {
	// Records is how many records the recording has.
	Records int
	// Compared is how many records were compared before the end or the
	// first divergence.
	Compared int
	// Divergence is the first record where the replay departs from the
	// recording; nil means the replay matched (PASS).
	Divergence *Divergence
}

// Passed reports whether the replay matched the recording.
func (r *Result) Passed() bool { return r.Divergence == nil }

// Options tune an offline replay.
type Options struct {
	// Logger receives the state machine's diagnostics.
	Logger zerolog.Logger
	// Strict also reports fields that the replay publishes and the
	// recording lacks (by default such additions of a newer client pass).
	Strict bool
}

// Run replays rec through a fresh state machine: the recorded intents are
// published in order, adapter calls are answered from the recorded results,
// the clock and the id source return the recorded values. Every event the
// run publishes is redacted and compared with the record of the same seq.
// No network is used. The error reports a failure to run, not a divergence.
func Run(ctx context.Context, rec *Recording, opts Options) (*Result, error) {
	b, err := bus.New(bus.Options{
		Clock: &recordedClock{times: rec.times()}, IDs: &recordedIDs{ids: rec.ids()}, Logger: opts.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer b.Close()

	cmp := &comparer{rec: rec.Records, red: newReplayRedactor(), strict: opts.Strict}
	if err := b.Subscribe(ctx, cmp.handle, bus.TopicIntents, bus.TopicStates, bus.TopicTrace); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	resp := &responder{results: rec.results()}
	il := &interleaver{bus: b, intents: rec.Intents()}
	m, err := fsm.New(fsm.Config{Bus: b, Publisher: il, Responder: resp, Logger: opts.Logger})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if err := m.Start(ctx); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	// Each time the machine is idle the next recorded intent goes in; the
	// intents a UI sent while the machine was busy go in from the
	// interleaver, at their recorded places.
	for {
		if err := b.Wait(ctx); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
		if cmp.diverged() {
			break
		}
		more, err := il.publishNext()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	if err := b.Wait(ctx); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	res := cmp.finish()
	if res.Divergence != nil && resp.firstErr() != nil {
		res.Divergence.Reason += "; the recorded adapter answers: " + resp.firstErr().Error()
	}
	return res, nil
}

// RunFile loads and replays the log at path. A log that cannot be read is
// an error wrapping ErrUnreadable.
func RunFile(ctx context.Context, path string, opts Options) (*Result, error) {
	rec, err := LoadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return Run(ctx, rec, opts)
}

// ErrUnreadable marks a log that could not be read.
var ErrUnreadable = errors.New("unreadable flow log")

// comparer compares each event of the replay with the record of the same
// position, stopping at the first difference.
type comparer struct {
	rec    []flowlog.Record
	red    *replayRedactor
	strict bool

	mu    sync.Mutex
	n     int
	first *Divergence
}

func (c *comparer) handle(_ context.Context, env events.Envelope) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.first != nil {
		return
	}
	i := c.n
	c.n++
	actual := c.red.envelope(env)
	if i >= len(c.rec) {
		c.first = newDivergence(i, nil, &actual, "the replay published an event the recording does not have")
		return
	}
	if d := compareEnvelopes(i, c.rec[i].Envelope, actual, c.strict); d != nil {
		c.first = d
	}
}

func (c *comparer) diverged() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first != nil
}

func (c *comparer) finish() *Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := &Result{Records: len(c.rec), Compared: c.n, Divergence: c.first}
	if c.first == nil && c.n < len(c.rec) {
		exp := c.rec[c.n].Envelope
		res.Divergence = newDivergence(c.n, &exp, nil, "the replay ended before this record: the state machine published nothing more")
	}
	if res.Divergence != nil {
		res.Compared = res.Divergence.Index
	}
	return res
}

// replayRedactor keeps the recording's placeholders as they are and turns
// any other secret into a placeholder the recording cannot have, so that a
// secret appearing in the replay but not in the recording is a divergence.
type replayRedactor struct {
	mu   sync.Mutex
	seen map[string]string
}

var unrecordedRE = regexp.MustCompile(`^«unrecorded-secret:[0-9]+»$`)

func newReplayRedactor() *replayRedactor { return &replayRedactor{seen: map[string]string{}} }

func (r *replayRedactor) redact(s string) string {
	if flowlog.IsPlaceholder(s) || unrecordedRE.MatchString(s) {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if ph, ok := r.seen[s]; ok {
		return ph
	}
	ph := fmt.Sprintf("«unrecorded-secret:%d»", len(r.seen)+1)
	r.seen[s] = ph
	return ph
}

func (r *replayRedactor) envelope(env events.Envelope) events.Envelope {
	env.Event = events.Redact(env.Event, r.redact)
	return env
}

// interleaver publishes the machine's events during a replay and puts each
// recorded intent on the bus at the sequence number it has in the
// recording: a UI may send intents while the machine is still busy (the
// json UI reads a whole script at once), and those must come between the
// machine's events exactly as recorded.
type interleaver struct {
	bus *bus.Bus

	mu      sync.Mutex
	intents []flowlog.Record
}

// Publish implements fsm.Publisher: recorded intents due before ev go
// first.
func (il *interleaver) Publish(ev events.Event, meta bus.Meta) (events.Envelope, error) {
	il.mu.Lock()
	for len(il.intents) > 0 && il.intents[0].Seq == il.bus.LastSeq()+1 {
		in := il.intents[0]
		il.intents = il.intents[1:]
		if _, err := il.bus.Publish(in.Event, bus.Meta{}); err != nil {
			il.mu.Unlock()
			return events.Envelope{}, fmt.Errorf("replay intent at seq %d: %w", in.Seq, err)
		}
	}
	il.mu.Unlock()
	return il.bus.Publish(ev, meta)
}

// publishNext publishes the next recorded intent, if any is left.
func (il *interleaver) publishNext() (bool, error) {
	il.mu.Lock()
	defer il.mu.Unlock()
	if len(il.intents) == 0 {
		return false, nil
	}
	in := il.intents[0]
	il.intents = il.intents[1:]
	if _, err := il.bus.Publish(in.Event, bus.Meta{}); err != nil {
		return false, fmt.Errorf("replay intent at seq %d: %w", in.Seq, err)
	}
	return true, nil
}
