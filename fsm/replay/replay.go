package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/backend"
	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
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
	// Ended says the log ends with its end mark; without it (a killed
	// run, a file cut at a record boundary) the result holds for the
	// records the log has, and commands warn (flowlog.ErrNoEndMark).
	Ended bool
	// Cut, when not nil, says the log's last line was cut short (a run
	// killed while writing it; it wraps flowlog.ErrTruncated): the result
	// holds for the whole records before it, and commands warn.
	Cut error
}

// Passed reports whether the replay matched the recording.
func (r *Result) Passed() bool { return r.Divergence == nil }

// Options tune an offline replay.
type Options struct {
	// Logger receives the state machine's diagnostics.
	Logger zerolog.Logger
	// Strict also reports fields that the replay publishes and the
	// recording lacks in a log of an older minor version (which such a
	// field may postdate): by default they pass there. A log of the
	// current version is always compared strictly: it was written with
	// every field the client writes, so a field it lacks that the replay
	// has is something the client now adds (a message shown as an error,
	// a session marked current), a divergence.
	Strict bool

	// wrap, set by tests (see WithAdapters), replaces the adapters the
	// replay built.
	wrap func(fsm.Config) fsm.Config
}

// WithAdapters returns opts with a function that may wrap or replace the
// adapters a replay builds (the mutation test breaks them this way).
func (opts Options) WithAdapters(wrap func(fsm.Config) fsm.Config) Options {
	opts.wrap = wrap
	return opts
}

// Run replays rec through a fresh state machine and the real adapters:
// the recorded intents are published in order; the Kratos adapter (and the
// backend client, when the recording used one) runs for real on the
// recorded HTTP exchanges, served in order by an http.RoundTripper that
// checks each request against the recorded one; the token store, the clock
// and the id source return the recorded values. Every event the run
// publishes is redacted and compared with the record of the same seq. No
// network is used. The error reports a failure to run, not a divergence.
func Run(ctx context.Context, rec *Recording, opts Options) (*Result, error) {
	if len(rec.Records) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, ErrNoRecords)
	}
	res, err := run(ctx, rec.Header, newWindow(sliceReader(rec.Records)), opts)
	if res != nil {
		res.Ended = rec.Ended
		pastTheEnd(res, rec.Records[len(rec.Records)-1].Kind)
	}
	return res, err
}

// pastTheEnd clears a divergence that is only the replay going on past
// the last record of a log that was not closed normally and whose last
// whole record is an adapter call (a run killed during the call, its
// result never written): the recording stopped there, so what follows is
// not a divergence. Any other log that merely lacks its end mark is
// compared to its last record and beyond, so that cutting a log cannot
// hide what the client does at its end. The result covers the records the
// log has; commands warn that it ends without its end mark.
func pastTheEnd(res *Result, lastKind events.Kind) {
	if d := res.Divergence; !res.Ended && lastKind == events.KindAdapterCall && d != nil && d.Expected == nil && d.Index >= res.Records {
		res.Divergence, res.Compared = nil, res.Records
	}
}

// RunFile replays the log at path, streaming: it holds a bounded window of
// records, not the log. A log that cannot be read (another version, a
// corrupt or cut-short line, even past the point of a divergence) is an
// error wrapping ErrUnreadable.
func RunFile(ctx context.Context, path string, opts Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: flow log: %w", ErrUnreadable, err)
	}
	defer f.Close()
	return RunReader(ctx, f, path, opts)
}

// RunReader replays the log read from r (named name in errors), streaming
// as RunFile does.
func RunReader(ctx context.Context, in io.Reader, name string, opts Options) (*Result, error) {
	r, err := flowlog.NewReader(in)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreadable, name, err)
	}
	// A log without records is refused before anything runs.
	first, ferr := r.Next()
	if errors.Is(ferr, io.EOF) {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreadable, name, ErrNoRecords)
	}
	next := func() (flowlog.Record, error) {
		if first.Seq != 0 || ferr != nil {
			rec, err := first, ferr
			first, ferr = flowlog.Record{}, nil
			return rec, err
		}
		return r.Next()
	}
	read, stop := readAhead(ctx, next, readAheadRecords)
	w := newWindow(read)
	res, err := run(ctx, r.Header(), w, opts)
	if err != nil {
		stop()
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		stop()
		return nil, fmt.Errorf("replay %s: %w", name, err)
	}
	w.drain()
	if err := w.failure(); err != nil {
		if !errors.Is(err, flowlog.ErrTruncated) || w.count() == 0 {
			return nil, fmt.Errorf("%w: replay %s: %w", ErrUnreadable, name, err)
		}
		// A last line cut short (a run killed while writing it): the
		// records before it are whole, and replay as a log without its
		// end mark does.
		res.Cut = fmt.Errorf("%s: %w", name, err)
	}
	res.Records = w.count()
	res.Ended = r.Ended()
	pastTheEnd(res, w.lastKind())
	return res, nil
}

func run(ctx context.Context, h flowlog.Header, w *window, opts Options) (*Result, error) {
	b, err := bus.New(bus.Options{
		Clock: &recordedClock{w: w}, IDs: &recordedIDs{w: w}, Logger: opts.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer b.Close()

	red := newReplayRedactor()
	cmp := &comparer{w: w, red: red, strict: opts.Strict || h.Current()}
	if err := b.Subscribe(ctx, cmp.handle, bus.TopicIntents, bus.TopicStates, bus.TopicTrace); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	resp := &wireResponder{w: w, red: red}
	cfg, err := wiredAdapters(h, opts.wrap)
	if err != nil {
		return nil, err
	}
	cfg.Bus, cfg.Responder, cfg.Logger = b, resp, opts.Logger
	il := &interleaver{bus: b, w: w, red: red, cmp: cmp}
	cfg.Publisher = il
	m, err := fsm.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if err := m.Start(ctx); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	// Each recorded intent goes in at its recorded place: from the
	// interleaver as soon as the machine has published the record before
	// it (a UI may send intents while the machine is busy, and the machine
	// takes its intents in order), else here once the bus is idle (the
	// machine published fewer events than recorded, or the comparer is
	// behind, see maxLag).
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
	if res.Divergence != nil {
		if err := resp.explain(res.Divergence); err != nil {
			res.Divergence.Reason += "; on the wire: " + err.Error()
		}
	}
	return res, nil
}

// wiredAdapters builds the real adapters on the replay transport: the
// Kratos adapter for the recorded Kratos URL, and the backend client when
// the recording used one for sessions.
func wiredAdapters(h flowlog.Header, wrap func(fsm.Config) fsm.Config) (fsm.Config, error) {
	transport := &httplog.Transport{Base: wireTransport{}}
	api := h.KratosAPI
	if api == "" {
		api = "http://kratos.invalid"
	}
	k, err := kratos.New(api, kratos.Options{Transport: transport, Timeout: time.Duration(h.TimeoutMS) * time.Millisecond})
	if err != nil {
		return fsm.Config{}, fmt.Errorf("replay: the recorded Kratos URL: %w", err)
	}
	cfg := fsm.Config{Kratos: k, Sessions: k, SelfService: k, Social: k, CallbackURL: h.CallbackURL}
	if h.Backend != "" {
		bk, err := backend.New(h.Backend, &http.Client{Transport: transport})
		if err != nil {
			return fsm.Config{}, fmt.Errorf("replay: the recorded backend URL: %w", err)
		}
		cfg.Sessions = bk
	}
	if wrap != nil {
		cfg = wrap(cfg)
	}
	return cfg, nil
}

// ErrUnreadable marks a log that could not be read.
var ErrUnreadable = errors.New("unreadable flow log")

// comparer compares each event of the replay with the record of the same
// position, stopping at the first difference.
type comparer struct {
	w      *window
	red    *replayRedactor
	strict bool

	mu      sync.Mutex
	n       int
	first   *Divergence
	scratch compareScratch // guarded by mu
}

func (c *comparer) handle(_ context.Context, env events.Envelope) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.first != nil {
		return
	}
	i := c.n
	c.n++
	rec, ok := take(c.w, &c.w.records)
	actual := c.red.envelope(env)
	if !ok {
		c.first = newDivergence(i, nil, &actual, "the replay published an event the recording does not have")
		return
	}
	if d := c.scratch.compare(i, rec.Envelope, actual, c.strict); d != nil {
		c.first = d
	}
}

// lag reports whether the comparer has diverged or is more than maxLag
// records behind seq: the replay then feeds the machine only when the bus
// is idle.
func (c *comparer) lag(seq uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first != nil || seq > uint64(c.n)+maxLag
}

// maxLag bounds how far the machine may run ahead of the comparer, in
// records (and so the records a replay holds).
const maxLag = 256

func (c *comparer) diverged() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first != nil
}

func (c *comparer) finish() *Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := &Result{Compared: c.n, Divergence: c.first}
	if c.first == nil {
		if rec, ok := take(c.w, &c.w.records); ok {
			exp := rec.Envelope
			res.Divergence = newDivergence(c.n, &exp, nil, "the replay ended before this record: the state machine published nothing more")
		}
	}
	res.Records = c.w.count()
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

func newReplayRedactor() *replayRedactor { return &replayRedactor{seen: map[string]string{}} }

func (r *replayRedactor) redact(s string) string {
	if events.IsPlaceholder(s) { // «secret:N», or «unrecorded-secret:N» given before
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

// replayValue is what the secret of placeholder ph is typed as during a
// replay: mixed case, beyond ASCII and longer than bcrypt's 72 bytes, so
// that a client that changes a secret on its way to Kratos (its case, its
// normalisation, a cut) sends something the recording does not have and
// the replay diverges. Sending the placeholder's own text would hide that.
func replayValue(ph string) string {
	n := strings.TrimSuffix(strings.TrimPrefix(ph, "«secret:"), "»")
	return "Rëplay-Sëcret-" + n + "-" + strings.Repeat("aB", 36)
}

// fill returns a recorded intent with each secret's placeholder replaced by
// its replay value, which the redactor maps back to the placeholder.
func (r *replayRedactor) fill(ev events.Event) events.Event {
	return events.Redact(ev, func(s string) string {
		if !flowlog.IsPlaceholder(s) {
			return s
		}
		v := replayValue(s)
		r.mu.Lock()
		r.seen[v] = s
		r.mu.Unlock()
		return v
	})
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
	w   *window
	red *replayRedactor
	cmp *comparer

	mu sync.Mutex
}

// Publish implements fsm.Publisher: recorded intents due before ev go
// first.
func (il *interleaver) Publish(ev events.Event, meta bus.Meta) (events.Envelope, error) {
	il.mu.Lock()
	for {
		in, ok := peek(il.w, &il.w.intents)
		if !ok || in.Seq != il.bus.LastSeq()+1 {
			break
		}
		take(il.w, &il.w.intents)
		if _, err := il.bus.Publish(il.red.fill(in.Event), bus.Meta{}); err != nil {
			il.mu.Unlock()
			return events.Envelope{}, fmt.Errorf("replay intent at seq %d: %w", in.Seq, err)
		}
	}
	env, err := il.bus.Publish(ev, meta)
	if err == nil {
		il.publishDue()
	}
	il.mu.Unlock()
	return env, err
}

// publishDue publishes the recorded intents whose turn has come: the
// machine's event just published is the record before them, so that the
// machine finds its next intent waiting rather than idling until the bus
// is idle. The intent gets the seq it would get either way (once the bus
// is idle, or before the machine's next event): only its timing differs.
// Not a RequestCancelled: it acts at once (it cancels the call in flight),
// so it waits for the machine to be idle as before. Nor while the
// comparer is maxLag records behind or has found a divergence: what the
// replay holds stays bounded, and it stops at a divergence. il.mu must be
// held.
func (il *interleaver) publishDue() {
	for {
		in, ok := peek(il.w, &il.w.intents)
		if !ok || in.Seq != il.bus.LastSeq()+1 || in.Type == fsm.EventRequestCancelled || il.cmp.lag(in.Seq) {
			return
		}
		take(il.w, &il.w.intents)
		if _, err := il.bus.Publish(il.red.fill(in.Event), bus.Meta{}); err != nil {
			return
		}
	}
}

// publishNext publishes the next recorded intent, if any is left.
func (il *interleaver) publishNext() (bool, error) {
	il.mu.Lock()
	defer il.mu.Unlock()
	in, ok := take(il.w, &il.w.intents)
	if !ok {
		return false, nil
	}
	if _, err := il.bus.Publish(il.red.fill(in.Event), bus.Meta{}); err != nil {
		return false, fmt.Errorf("replay intent at seq %d: %w", in.Seq, err)
	}
	return true, nil
}
