// Package farm farms replays out to workers over NATS JetStream (through
// watermill-nats): Enqueue puts recordings on the work-queue stream
// STREAM_JOBS, Work takes them (at least once: a job not acknowledged
// within the ack wait — its worker killed — is delivered again) and
// publishes each result on STREAM_RESULTS.HASH, keyed by the recording's
// SHA-256, so a job replayed twice is counted once; Results gathers them.
// See docs/nats.md.
package farm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmjs "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/jetstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// Status is a result's outcome.
type Status string

// The statuses.
const (
	// Queued: enqueued, no result yet.
	Queued Status = "QUEUED"
	// Pass: the replay matched the recording.
	Pass Status = "PASS"
	// Diverged: an offline replay departed from the recording.
	Diverged Status = "DIVERGED"
	// Drift: a live replay found Kratos answering otherwise.
	Drift Status = "DRIFT"
	// Failed: the recording could not be replayed (unreadable, error).
	Failed Status = "ERROR"
)

// Result is a recording's outcome, the body of STREAM_RESULTS.HASH.
type Result struct {
	Hash   string `json:"hash"`
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Records and Compared are as in replay.Result.
	Records  int `json:"records,omitempty"`
	Compared int `json:"compared,omitempty"`
	// Seq, Field, Reason, Expected and Actual locate the divergence or
	// drift (Reason also says why a replay failed).
	Seq      uint64          `json:"seq,omitempty"`
	Field    string          `json:"field,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	Expected json.RawMessage `json:"expected,omitempty"`
	Actual   json.RawMessage `json:"actual,omitempty"`
	// Worker names the worker; Delivery is the job's delivery count (2 or
	// more: redelivered).
	Worker   string `json:"worker,omitempty"`
	Delivery uint64 `json:"delivery,omitempty"`
	// Warning says the log was not closed normally (no end mark, or a
	// last line cut): the result holds for the records it has.
	Warning string `json:"warning,omitempty"`
}

// JobsStream returns the work queue's stream (and subject) name.
func JobsStream(t natsrec.Target) string { return t.Stream + "_JOBS" }

// ResultsStream returns the results stream's name.
func ResultsStream(t natsrec.Target) string { return t.Stream + "_RESULTS" }

func resultSubject(t natsrec.Target, hash string) string { return ResultsStream(t) + "." + hash }

// Hash returns a recording's key: the hex SHA-256 of its bytes.
func Hash(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// Ensure creates the jobs stream (work-queue retention: a job is gone once
// acknowledged) and the results stream (one message per recording hash)
// when missing.
func Ensure(ctx context.Context, js jetstream.JetStream, t natsrec.Target) error {
	for _, cfg := range []jetstream.StreamConfig{
		{Name: JobsStream(t), Subjects: []string{JobsStream(t)}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage, Duplicates: 2 * time.Minute},
		{Name: ResultsStream(t), Subjects: []string{ResultsStream(t) + ".>"}, MaxMsgsPerSubject: 1, Storage: jetstream.FileStorage},
	} {
		if _, err := js.Stream(ctx, cfg.Name); err == nil {
			continue
		} else if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("NATS at %s: stream %s: %w (is JetStream enabled? nats-server -js)", t.Host(), cfg.Name, err)
		}
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			return fmt.Errorf("NATS at %s: create stream %s: %w", t.Host(), cfg.Name, err)
		}
	}
	return nil
}

// A Recording to enqueue.
type Recording struct {
	Name string
	Data []byte
}

// Collect reads the recordings of a directory (*.jsonl), a file, or — for
// a nats:// address — every run of the stream (or the one run named).
func Collect(ctx context.Context, src string) ([]Recording, error) {
	if natsrec.IsURL(src) {
		t, err := natsrec.Parse(src)
		if err != nil {
			return nil, err
		}
		nc, js, err := natsrec.Connect(ctx, t, 0)
		if err != nil {
			return nil, err
		}
		defer nc.Close()
		runs := []string{t.Run}
		if t.Run == "" {
			infos, err := natsrec.Runs(ctx, js, t)
			if err != nil {
				return nil, err
			}
			runs = runs[:0]
			for _, r := range infos {
				runs = append(runs, r.Run)
			}
		}
		var out []Recording
		for _, run := range runs {
			var buf bytes.Buffer
			if _, err := natsrec.Copy(ctx, js, t, run, &buf, natsrec.CopyOptions{}); err != nil {
				return nil, err
			}
			out = append(out, Recording{Name: natsrec.Target{Server: t.Server, Stream: t.Stream, Run: run}.String(), Data: buf.Bytes()})
		}
		return out, nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("recordings: %w", err)
	}
	paths := []string{src}
	if fi.IsDir() {
		paths, err = filepath.Glob(filepath.Join(src, "*.jsonl"))
		if err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			return nil, fmt.Errorf("recordings: %s holds no *.jsonl flow log", src)
		}
		sort.Strings(paths)
	}
	var out []Recording
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("recordings: %w", err)
		}
		out = append(out, Recording{Name: p, Data: b})
	}
	return out, nil
}

const (
	metaHash = "Kratos-Tui-Hash"
	metaName = "Kratos-Tui-Name"
	// metaRun names the run of the recordings stream that holds a job's
	// recording when it is too large to travel in the job itself.
	metaRun = "Kratos-Tui-Run"
)

// refRun is the run id under which Enqueue stores a large recording.
func refRun(hash string) string { return "sha256-" + hash[:40] }

// Enqueue marks each recording QUEUED on the results stream and puts it on
// the work queue. It returns the recordings' hashes, in order.
func Enqueue(ctx context.Context, t natsrec.Target, recs []Recording) ([]string, error) {
	nc, js, err := natsrec.Connect(ctx, t, 0)
	if err != nil {
		return nil, fmt.Errorf("--enqueue %s: %w", t, err)
	}
	defer nc.Close()
	if err := Ensure(ctx, js, t); err != nil {
		return nil, err
	}
	pub, err := wmjs.NewPublisher(wmjs.PublisherConfig{Conn: nc, Logger: watermill.NopLogger{}})
	if err != nil {
		return nil, err
	}
	var hashes []string
	for _, r := range recs {
		h := Hash(r.Data)
		payload, run := r.Data, ""
		if int64(len(r.Data)) > nc.MaxPayload()-4096 {
			// Too large for one message: the job names a run of the
			// recordings stream holding it, record by record.
			run = refRun(h)
			if err := storeRun(ctx, js, t, run, r.Data); err != nil {
				return hashes, fmt.Errorf("--enqueue: %s (%d bytes, over max_payload %d, so stored as the run %s): %w", r.Name, len(r.Data), nc.MaxPayload(), run, err)
			}
			payload = nil
		}
		if err := publishResult(pub, t, Result{Hash: h, Name: r.Name, Status: Queued}); err != nil {
			return hashes, fmt.Errorf("--enqueue %s: %w", t, err)
		}
		m := message.NewMessage(h, payload)
		if run != "" {
			m.Metadata.Set(metaRun, run)
		}
		m.Metadata.Set(metaHash, h)
		m.Metadata.Set(metaName, r.Name)
		if err := pub.Publish(JobsStream(t), m); err != nil {
			return hashes, fmt.Errorf("--enqueue %s: %w", t, err)
		}
		hashes = append(hashes, h)
	}
	return hashes, nil
}

// storeRun puts data on the recordings stream as run, unless a finished
// run of that id is there already.
func storeRun(ctx context.Context, js jetstream.JetStream, t natsrec.Target, run string, data []byte) error {
	if _, err := natsrec.EnsureStream(ctx, js, t); err != nil {
		return err
	}
	if n, err := natsrec.RunEnd(ctx, js, t, run); err == nil && n >= 0 {
		return nil
	}
	spool, err := os.MkdirTemp("", "kratos-tui-enqueue-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(spool)
	sink, err := natsrec.OpenSink(ctx, t, natsrec.SinkOptions{Run: run, SpoolDir: spool})
	if err != nil {
		return err
	}
	if _, err := sink.Write(data); err != nil {
		_ = sink.Close()
		return err
	}
	return sink.Close()
}

func publishResult(pub message.Publisher, t natsrec.Target, r Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return pub.Publish(resultSubject(t, r.Hash), message.NewMessage(watermill.NewUUID(), b))
}

// Replayer replays one recording into a result (Hash and Name are filled
// in by the worker).
type Replayer func(ctx context.Context, name string, data []byte) Result

// Offline replays with fsm/replay's streaming replay.
func Offline(ctx context.Context, name string, data []byte) Result {
	res, err := replay.RunReader(ctx, bytes.NewReader(data), name, replay.Options{Logger: zerolog.Nop()})
	if err != nil {
		return Result{Status: Failed, Reason: err.Error()}
	}
	out := Result{Status: Pass, Records: res.Records, Compared: res.Compared}
	switch {
	case res.Cut != nil:
		out.Warning = res.Cut.Error()
	case !res.Ended:
		out.Warning = flowlog.ErrNoEndMark.Error()
	}
	if d := res.Divergence; d != nil {
		out.Status, out.Seq, out.Field, out.Reason, out.Expected, out.Actual = Diverged, d.Seq, d.Field, d.Reason, d.Expected, d.Actual
	}
	return out
}

// WorkerOptions tune Work.
type WorkerOptions struct {
	// Name names the worker in results (default: host name and pid).
	Name string
	// Concurrency is how many jobs run at once (default 1).
	Concurrency int
	// AckWait is how long a job may run before JetStream delivers it again
	// (default 5 minutes).
	AckWait time.Duration
	// Replay replays a job (default Offline).
	Replay Replayer
	// OnJob, when set, is told of each job taken ("took"), each result
	// ("done") and each job given back because its result could not be
	// published ("retry", the reason in r.Reason).
	OnJob func(event string, r Result)
	// OnConnection, when set, is told when the worker loses its NATS
	// connection ("lost", with the error) and gets it back
	// ("reconnected"); it reconnects for ever.
	OnConnection func(event string, err error)
	// Hold and HoldAfterResult, for the kill test (fault injection), make
	// the worker wait before publishing a job's result, or after it and
	// before acknowledging the job.
	Hold, HoldAfterResult time.Duration
}

// Work takes jobs until ctx ends.
func Work(ctx context.Context, t natsrec.Target, opts WorkerOptions) error {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 1
	}
	if opts.AckWait <= 0 {
		opts.AckWait = 5 * time.Minute
	}
	if opts.Replay == nil {
		opts.Replay = Offline
	}
	if opts.Name == "" {
		h, _ := os.Hostname()
		opts.Name = fmt.Sprintf("%s/%d", h, os.Getpid())
	}
	// A worker outlives a restart of the server: it reconnects for ever.
	forever := []nats.Option{nats.MaxReconnects(-1), nats.ReconnectWait(500 * time.Millisecond), nats.ReconnectBufSize(8 << 20)}
	if on := opts.OnConnection; on != nil {
		forever = append(forever,
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				if ctx.Err() == nil {
					on("lost", err)
				}
			}),
			nats.ReconnectHandler(func(*nats.Conn) { on("reconnected", nil) }))
	}
	nc, js, err := natsrec.Connect(ctx, t, 0, forever...)
	if err != nil {
		return fmt.Errorf("replay-worker %s: %w", t, err)
	}
	if err := Ensure(ctx, js, t); err != nil {
		nc.Close()
		return err
	}
	pub, err := wmjs.NewPublisher(wmjs.PublisherConfig{Conn: nc, Logger: watermill.NopLogger{}})
	if err != nil {
		nc.Close()
		return err
	}
	defer pub.Close()
	// A second connection for the subscriber: closing it drains it.
	snc, _, err := natsrec.Connect(ctx, t, 0, forever...)
	if err != nil {
		return fmt.Errorf("replay-worker %s: %w", t, err)
	}
	consumer := jetstream.ConsumerConfig{
		Durable: "replay-workers", AckPolicy: jetstream.AckExplicitPolicy, AckWait: opts.AckWait,
		MaxAckPending: -1, Description: "kratos-tui replay workers",
	}
	sub, err := wmjs.NewSubscriber(wmjs.SubscriberConfig{
		Conn: snc, Logger: watermill.NopLogger{}, AckWaitTimeout: opts.AckWait,
		ResourceInitializer: func(ctx context.Context, js jetstream.JetStream, topic string) (jetstream.Consumer, func(context.Context, watermill.LoggerAdapter), error) {
			c, err := js.CreateOrUpdateConsumer(ctx, topic, consumer)
			return c, nil, err
		},
		ConsumeOptions: []jetstream.PullConsumeOpt{jetstream.PullMaxMessages(1)},
		Unmarshaler:    unmarshaler{},
		// A job given back is delivered again after a pause, not at once.
		NakDelay: wmjs.NewStaticDelay(2 * time.Second),
	})
	if err != nil {
		snc.Close()
		return err
	}
	defer sub.Close()
	var wg sync.WaitGroup
	for i := 0; i < opts.Concurrency; i++ {
		ch, err := sub.Subscribe(ctx, JobsStream(t))
		if err != nil {
			return fmt.Errorf("replay-worker %s: %w", t, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range ch {
				if err := work(ctx, t, js, pub, m, opts); err != nil {
					// The job goes back to the queue; it is not lost.
					m.Nack()
					if opts.OnJob != nil && ctx.Err() == nil {
						opts.OnJob("retry", Result{Hash: m.Metadata.Get(metaHash), Name: m.Metadata.Get(metaName), Reason: err.Error()})
					}
					continue
				}
				m.Ack()
			}
		}()
	}
	wg.Wait()
	return nil
}

func work(ctx context.Context, t natsrec.Target, js jetstream.JetStream, pub message.Publisher, m *message.Message, opts WorkerOptions) error {
	hash, name := m.Metadata.Get(metaHash), m.Metadata.Get(metaName)
	data := m.Payload
	if run := m.Metadata.Get(metaRun); run != "" {
		var buf bytes.Buffer
		if _, err := natsrec.Copy(ctx, js, t, run, &buf, natsrec.CopyOptions{}); err != nil {
			if !errors.Is(err, natsrec.ErrNoRun) {
				return fmt.Errorf("replay-worker: fetch %s (run %s): %w", name, run, err)
			}
			// Gone from the stream (retention): a result, not a retry.
			r := Result{Hash: hash, Name: name, Status: Failed, Worker: opts.Name, Delivery: deliveryCount(m),
				Reason: fmt.Sprintf("the recording's run %s is no longer on %s (retention?): enqueue it again", run, t)}
			return publishResult(pub, t, r)
		}
		data = buf.Bytes()
	}
	if got := Hash(data); got != hash {
		hash = got // the key is what was replayed
	}
	delivery := deliveryCount(m)
	r0 := Result{Hash: hash, Name: name, Worker: opts.Name, Delivery: delivery}
	if opts.OnJob != nil {
		opts.OnJob("took", r0)
	}
	r := opts.Replay(ctx, name, data)
	r.Hash, r.Name, r.Worker, r.Delivery = hash, name, opts.Name, delivery
	if opts.Hold > 0 {
		select {
		case <-time.After(opts.Hold):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := publishResult(pub, t, r); err != nil {
		return fmt.Errorf("replay-worker: publish the result of %s: %w", name, err)
	}
	if opts.OnJob != nil {
		opts.OnJob("done", r)
	}
	if opts.HoldAfterResult > 0 {
		select {
		case <-time.After(opts.HoldAfterResult):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// deliveryCount is the job's JetStream delivery count (1: first time).
func deliveryCount(m *message.Message) uint64 {
	n, _ := strconv.ParseUint(m.Metadata.Get(metaDelivered), 10, 64)
	return n
}

const metaDelivered = "Kratos-Tui-Delivered"

// unmarshaler adds JetStream's delivery count to watermill's message.
type unmarshaler struct{ wmjs.DefaultUnmarshaler }

func (u unmarshaler) Unmarshal(msg jetstream.Msg) (*message.Message, error) {
	m, err := u.DefaultUnmarshaler.Unmarshal(msg)
	if err != nil {
		return m, err
	}
	if md, err := msg.Metadata(); err == nil {
		m.Metadata.Set(metaDelivered, strconv.FormatUint(md.NumDelivered, 10))
	}
	return m, nil
}

// Results returns every recording's latest result on t's results stream,
// by name.
func Results(ctx context.Context, js jetstream.JetStream, t natsrec.Target) ([]Result, error) {
	s, err := js.Stream(ctx, ResultsStream(t))
	if err != nil {
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil, fmt.Errorf("NATS at %s has no results stream %s: enqueue first (kratos-tui replay --enqueue %s DIR)", t.Host(), ResultsStream(t), t)
		}
		return nil, fmt.Errorf("NATS at %s: %w", t.Host(), err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(ResultsStream(t)+".>"))
	if err != nil {
		return nil, fmt.Errorf("NATS at %s: %w", t.Host(), err)
	}
	var out []Result
	for subj := range info.State.Subjects {
		m, err := s.GetLastMsgForSubject(ctx, subj)
		if err != nil {
			return nil, fmt.Errorf("NATS at %s: %s: %w", t.Host(), subj, err)
		}
		var r Result
		if err := json.Unmarshal(m.Data, &r); err != nil {
			return nil, fmt.Errorf("NATS at %s: %s is not a kratos-tui result: %w", t.Host(), subj, err)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Hash < out[j].Hash
	})
	return out, nil
}

// Wait polls Results until no recording is QUEUED or ctx ends.
func Wait(ctx context.Context, t natsrec.Target, every time.Duration) ([]Result, error) {
	nc, js, err := natsrec.Connect(ctx, t, 0)
	if err != nil {
		return nil, fmt.Errorf("--results %s: %w", t, err)
	}
	defer nc.Close()
	for {
		rs, err := Results(ctx, js, t)
		if err != nil {
			return nil, err
		}
		queued := 0
		for _, r := range rs {
			if r.Status == Queued {
				queued++
			}
		}
		if queued == 0 {
			return rs, nil
		}
		select {
		case <-ctx.Done():
			return rs, fmt.Errorf("--results %s: %d of %d recordings still queued when the wait ended (are replay-workers running?)", t, queued, len(rs))
		case <-time.After(every):
		}
	}
}
