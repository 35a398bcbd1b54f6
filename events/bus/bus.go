// Package bus is the in-process event bus of kratos-tui: watermill's
// gochannel pub/sub with a total order on every event.
//
// gochannel alone delivers messages from concurrent publishers in any order.
// The bus makes order a guarantee: Publish stamps each event with the next
// gapless sequence number and queues it; one pump goroutine hands the queue
// to gochannel and waits for the acknowledgement. The bus's one gochannel
// subscription, its dispatcher, puts each event in the mailbox of every
// subscription that wants its topic and then acknowledges; each
// subscription handles its mailbox in order on its own goroutine, so a
// slow subscriber (the state machine waiting on Kratos) never holds the
// others, and handlers may publish without deadlock.
//
// The pump hands gochannel one message per batch: every event queued since
// its last hand-off, in order, on one watermill topic (TopicEvents); the
// dispatcher sorts them by topic (TopicIntents, TopicStates, TopicTrace).
// Under load the batches grow, so the cost of a hand-off (gochannel starts
// goroutines and waits for the acknowledgement, per message and per
// gochannel subscriber) is paid once per batch, not per event and
// subscriber; when events come one at a time a batch is one event and
// nothing waits to fill it.
//
// A Journal (the flow log recorder) sees every event before any subscriber,
// and a state event reaches subscribers only once the journal has written
// it: what a UI shows is already recorded.
package bus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// The topics. Intents and state events have a topic each, as the UI plugins
// need; transitions and adapter calls share a trace topic.
const (
	TopicIntents = "intents"
	TopicStates  = "states"
	TopicTrace   = "trace"
)

// TopicEvents is the one watermill topic the bus publishes on: a message
// carries a batch of consecutive events of every topic.
const TopicEvents = "events"

// topicIndex is the index of TopicOf(k) in a subscription's topics.
func topicIndex(k events.Kind) int {
	switch k {
	case events.KindIntent:
		return 0
	case events.KindState:
		return 1
	default:
		return 2
	}
}

// TopicOf returns the topic that events of kind k travel on.
func TopicOf(k events.Kind) string {
	switch k {
	case events.KindIntent:
		return TopicIntents
	case events.KindState:
		return TopicStates
	default:
		return TopicTrace
	}
}

// CorrelationIDMetadataKey is the watermill metadata key of the correlation
// id, the same key watermill's middleware uses, for messages that carry an
// encoded envelope elsewhere. The bus's own messages carry no metadata:
// their envelope travels in the message's context, and filling a metadata
// map per message (copied again per subscriber) was a large share of the
// bus's cost.
const CorrelationIDMetadataKey = "correlation_id"

// TypeMetadataKey is the watermill metadata key of the event type (see
// CorrelationIDMetadataKey).
const TypeMetadataKey = "event_type"

type batchKey struct{}

// batchOf returns the envelopes a message carries: in its context when it
// was published by a Bus, else one JSON-encoded in its payload.
func batchOf(msg *message.Message) ([]events.Envelope, error) {
	if batch, ok := msg.Context().Value(batchKey{}).([]events.Envelope); ok {
		return batch, nil
	}
	env, err := events.Unmarshal(msg.Payload)
	if err != nil {
		return nil, err
	}
	return []events.Envelope{env}, nil
}

// ErrClosed is returned by Publish and Subscribe after Close.
var ErrClosed = errors.New("bus closed")

// Meta is the metadata a publisher gives an event. Seq, ID and Time are
// assigned by the bus.
type Meta struct {
	CorrelationID string
	CausationID   string
	FlowID        string
}

// Options configure a Bus.
type Options struct {
	// Clock stamps events; required.
	Clock adapters.Clock
	// IDs makes event and correlation ids; required.
	IDs adapters.IDSource
	// Logger receives the bus's diagnostics (never event payloads).
	Logger zerolog.Logger
}

// Bus is the ordered event bus. It is safe for concurrent use.
type Bus struct {
	pubsub *gochannel.GoChannel
	clock  adapters.Clock
	ids    adapters.IDSource
	log    zerolog.Logger

	mu          sync.Mutex
	wake        *sync.Cond // signalled when queue grows or bus closes
	idle        *sync.Cond // signalled when pending reaches 0
	seq         uint64
	queue       []events.Envelope
	pending     int // events queued or in a mailbox, not yet handled
	closed      bool
	correlation string
	// subscribers counts the live subscriptions by topic.
	subscribers map[string]int
	pumpDone    chan struct{}
	journal     atomic.Pointer[journalRef]
	subs        sync.WaitGroup
	cancelSubs  context.CancelFunc
	subsCtx     context.Context
	// receivers are the live subscriptions' mailboxes, replaced whole
	// (under mu) when one comes or goes; the dispatcher reads them
	// without a lock.
	receivers atomic.Pointer[[]*receiver]
}

// receiver is one subscription as the dispatcher sees it: the topics it
// wants and its mailbox.
type receiver struct {
	wanted [3]bool // by topicIndex
	box    *mailbox
	// ctx is the subscription's: once it ends, events are no longer put
	// in its mailbox (those already there are handled or dropped).
	ctx  context.Context
	mine []events.Envelope // the dispatcher's scratch space
}

// New starts a bus. Close it when done.
func New(opts Options) (*Bus, error) {
	if opts.Clock == nil || opts.IDs == nil {
		return nil, errors.New("new bus: a clock and an id source are required")
	}
	ps := gochannel.NewGoChannel(gochannel.Config{
		BlockPublishUntilSubscriberAck: true,
		PreserveContext:                true,
	}, watermill.NopLogger{})
	ctx, cancel := context.WithCancel(context.Background())
	b := &Bus{
		pubsub: ps, clock: opts.Clock, ids: opts.IDs, log: opts.Logger,
		pumpDone: make(chan struct{}), subsCtx: ctx, cancelSubs: cancel,
		subscribers: map[string]int{},
	}
	b.wake = sync.NewCond(&b.mu)
	b.idle = sync.NewCond(&b.mu)
	b.receivers.Store(&[]*receiver{})
	ch, err := ps.Subscribe(ctx, TopicEvents)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("new bus: subscribe to %s: %w", TopicEvents, err)
	}
	b.subs.Add(1)
	go b.dispatch(ch)
	go b.pump()
	return b, nil
}

// dispatch takes each batch from gochannel and puts the events of each
// subscription's topics in its mailbox, in order, before acknowledging
// it: once the pump's hand-off returns, every subscriber has the batch.
func (b *Bus) dispatch(ch <-chan *message.Message) {
	defer b.subs.Done()
	for msg := range ch {
		batch, err := batchOf(msg)
		if err != nil {
			b.log.Error().Err(err).Msg("bus: undecodable message dropped")
			msg.Ack()
			continue
		}
		for _, r := range *b.receivers.Load() {
			if r.ctx.Err() != nil {
				continue // cancelled: its handler gets nothing published after
			}
			r.mine = r.mine[:0]
			for _, env := range batch {
				if r.wanted[topicIndex(env.Kind)] {
					r.mine = append(r.mine, env)
				}
			}
			if len(r.mine) == 0 {
				continue
			}
			b.mu.Lock()
			b.pending += len(r.mine)
			b.mu.Unlock()
			if !r.box.put(r.mine) {
				b.doneN(len(r.mine)) // the subscriber has stopped
			}
			clear(r.mine)
		}
		msg.Ack()
	}
}

// addReceiver adds r to the receivers, or removes it (add false).
func (b *Bus) addReceiver(r *receiver, add bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old := *b.receivers.Load()
	next := make([]*receiver, 0, len(old)+1)
	for _, o := range old {
		if o != r {
			next = append(next, o)
		}
	}
	if add {
		next = append(next, r)
	}
	b.receivers.Store(&next)
}

// Publish stamps ev with the next sequence number, an id and the time, and
// queues it for delivery; it never waits for subscribers. An intent that
// starts a flow (events.FlowStarter) gets a new correlation id; other
// intents continue the current one. Other kinds keep meta's ids.
func (b *Bus) Publish(ev events.Event, meta Meta) (events.Envelope, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return events.Envelope{}, ErrClosed
	}
	if ev == nil {
		return events.Envelope{}, errors.New("publish: nil event")
	}
	if ev.EventKind() == events.KindIntent {
		if fs, ok := ev.(events.FlowStarter); ok && fs.StartsFlow() || b.correlation == "" {
			b.correlation = b.ids.NewID()
		}
		meta.CorrelationID = b.correlation
	}
	b.seq++
	env := events.Envelope{
		Seq: b.seq, ID: b.ids.NewID(), Kind: ev.EventKind(), Type: ev.EventType(),
		Time: b.clock.Now(), CorrelationID: meta.CorrelationID,
		CausationID: meta.CausationID, FlowID: meta.FlowID, Event: ev,
	}
	// In process the typed envelopes travel in the message's context
	// (gochannel preserves it); nothing is encoded on the hot path. The
	// codec serialises events where they leave the process.
	b.queue = append(b.queue, env)
	b.pending++
	b.wake.Signal()
	return env, nil
}

// pump hands the queued events to gochannel, a batch at a time, in order.
func (b *Bus) pump() {
	defer close(b.pumpDone)
	var spare []events.Envelope
	for {
		b.mu.Lock()
		for len(b.queue) == 0 && !b.closed {
			b.wake.Wait()
		}
		if len(b.queue) == 0 && b.closed {
			b.mu.Unlock()
			return
		}
		batch := b.queue
		b.queue = spare[:0]
		b.mu.Unlock()

		if j := b.journal.Load(); j != nil {
			for _, env := range batch {
				j.Append(env)
			}
		}
		msg := message.NewMessage(batch[0].ID, nil)
		msg.SetContext(context.WithValue(context.Background(), batchKey{}, batch))
		if err := b.pubsub.Publish(TopicEvents, msg); err != nil {
			b.log.Error().Err(err).Str("topic", TopicEvents).Msg("bus: publish failed")
		}
		// Every subscriber has the batch in its mailbox now: the batch's
		// slice is free for the next one (the mailboxes hold copies).
		n := len(batch)
		clear(batch)
		spare = batch
		b.doneN(n)
	}
}

// done marks one pending unit handled.
func (b *Bus) done() { b.doneN(1) }

// doneN marks n pending units handled.
func (b *Bus) doneN(n int) {
	b.mu.Lock()
	b.pending -= n
	if b.pending == 0 {
		b.idle.Broadcast()
	}
	b.mu.Unlock()
}

// Handler handles one event. Handlers of one subscription run one at a
// time, in sequence order.
type Handler func(ctx context.Context, env events.Envelope)

// Subscribe registers handler for every event on the given topics, in one
// total order. It returns once the subscription is in place: events
// published after it returns reach the handler. The handler runs until ctx
// is cancelled or the bus is closed.
func (b *Bus) Subscribe(ctx context.Context, handler Handler, topics ...string) error {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if len(topics) == 0 {
		return errors.New("subscribe: no topics")
	}
	r := &receiver{box: newMailbox()}
	for _, topic := range topics {
		switch topic {
		case TopicIntents:
			r.wanted[0] = true
		case TopicStates:
			r.wanted[1] = true
		case TopicTrace:
			r.wanted[2] = true
		default:
			return fmt.Errorf("subscribe to %s: no such topic (the topics are %s, %s and %s)", topic, TopicIntents, TopicStates, TopicTrace)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(b.subsCtx, cancel)
	r.ctx = ctx
	box := r.box
	b.count(topics, +1)
	b.addReceiver(r, true)
	b.subs.Add(1)
	go func() {
		defer b.subs.Done()
		defer stop()
		defer b.count(topics, -1)
		for {
			env, ok := box.take(ctx)
			if !ok {
				b.addReceiver(r, false)
				b.drop(box.discard())
				return
			}
			if env.Kind == events.KindState {
				if j := b.journal.Load(); j != nil {
					j.Written(ctx, env.Seq)
				}
			}
			handler(ctx, env)
			b.done()
		}
	}()
	return nil
}

// Journal keeps every event of a bus (the flow log recorder). The bus
// hands it each event, in sequence order, before any subscriber gets it,
// and holds a state event back from every subscriber until the journal
// says it has written it and everything before it: what a UI shows is
// already in the journal, so a crash cannot lose it.
type Journal interface {
	// Append takes env. It runs on the bus's delivery path, so it must
	// only queue the event (encoding and writing belong elsewhere).
	Append(env events.Envelope)
	// Written returns once every event up to seq is written, the journal
	// has failed (it reports that itself), or ctx ends.
	Written(ctx context.Context, seq uint64)
}

type journalRef struct{ j Journal }

func (r *journalRef) Append(env events.Envelope)              { r.j.Append(env) }
func (r *journalRef) Written(ctx context.Context, seq uint64) { r.j.Written(ctx, seq) }

// SetJournal makes j the journal of b. It must be called before anything
// is published, and only once.
func (b *Bus) SetJournal(j Journal) error {
	if j == nil {
		return errors.New("set journal: nil journal")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if b.seq > 0 {
		return fmt.Errorf("set journal: %d events were already published; a journal must see every event", b.seq)
	}
	if !b.journal.CompareAndSwap(nil, &journalRef{j: j}) {
		return errors.New("set journal: the bus already has a journal")
	}
	return nil
}

// count adds delta to the subscriptions of each topic.
func (b *Bus) count(topics []string, delta int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range topics {
		b.subscribers[t] += delta
	}
}

// Subscribed reports whether anyone listens to topic, so that a publisher
// can skip building what no one would read (the details of a trace).
func (b *Bus) Subscribed(topic string) bool {
	if b.journal.Load() != nil {
		return true // the journal takes every topic
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.subscribers[topic] > 0
}

// drop forgets n pending units that a stopped subscriber will not handle.
func (b *Bus) drop(n int) {
	for range n {
		b.done()
	}
}

// Wait blocks until every published event has been delivered and handled
// by every subscriber, including events those handlers published, or ctx
// ends.
func (b *Bus) Wait(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.idle.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.pending > 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("wait for bus: %w", err)
		}
		b.idle.Wait()
	}
	return nil
}

// LastSeq returns the sequence number of the last published event.
func (b *Bus) LastSeq() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// Close delivers what is queued, stops the subscribers and releases the
// bus. Publish fails after Close.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.wake.Broadcast()
	b.mu.Unlock()
	<-b.pumpDone
	b.cancelSubs()
	err := b.pubsub.Close()
	b.subs.Wait()
	if err != nil {
		return fmt.Errorf("close bus: %w", err)
	}
	return nil
}
