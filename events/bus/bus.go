// Package bus is the in-process event bus of kratos-tui: watermill's
// gochannel pub/sub with a total order on every event.
//
// gochannel alone delivers messages from concurrent publishers in any order.
// The bus makes order a guarantee: Publish stamps each event with the next
// gapless sequence number and queues it; one pump goroutine hands the queue
// to gochannel one message at a time and waits until every subscriber has
// acknowledged it. A subscriber acknowledges as soon as the event is in its
// mailbox and handles its mailbox in order on its own goroutine, so a slow
// subscriber (the state machine waiting on Kratos) never holds the others,
// and handlers may publish without deadlock.
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

type envelopeKey struct{}

// envelopeOf returns the envelope a message carries: in its context when it
// was published by a Bus, else JSON-encoded in its payload.
func envelopeOf(msg *message.Message) (events.Envelope, error) {
	if env, ok := msg.Context().Value(envelopeKey{}).(events.Envelope); ok {
		return env, nil
	}
	return events.Unmarshal(msg.Payload)
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
	queue       []*message.Message
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
	go b.pump()
	return b, nil
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
	// In process the typed envelope travels in the message's context
	// (gochannel preserves it); nothing is encoded on the hot path. The
	// codec serialises events where they leave the process.
	msg := message.NewMessage(env.ID, nil)
	msg.SetContext(context.WithValue(context.Background(), envelopeKey{}, env))
	b.queue = append(b.queue, msg)
	b.pending++
	b.wake.Signal()
	return env, nil
}

// pump hands queued messages to gochannel one at a time, in order.
func (b *Bus) pump() {
	defer close(b.pumpDone)
	for {
		b.mu.Lock()
		for len(b.queue) == 0 && !b.closed {
			b.wake.Wait()
		}
		if len(b.queue) == 0 && b.closed {
			b.mu.Unlock()
			return
		}
		msg := b.queue[0]
		b.queue[0] = nil
		b.queue = b.queue[1:]
		b.mu.Unlock()

		env, _ := msg.Context().Value(envelopeKey{}).(events.Envelope)
		if j := b.journal.Load(); j != nil {
			j.Append(env)
		}
		topic := TopicOf(env.Kind)
		if err := b.pubsub.Publish(topic, msg); err != nil {
			b.log.Error().Err(err).Str("topic", topic).Msg("bus: publish failed")
		}
		// Every subscriber has the message in its mailbox now.
		b.done()
	}
}

// done marks one pending unit handled.
func (b *Bus) done() {
	b.mu.Lock()
	b.pending--
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
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(b.subsCtx, cancel)
	box := newMailbox()
	b.count(topics, +1)
	for _, topic := range topics {
		ch, err := b.pubsub.Subscribe(ctx, topic)
		if err != nil {
			cancel()
			stop()
			b.count(topics, -1)
			return fmt.Errorf("subscribe to %s: %w", topic, err)
		}
		b.subs.Add(1)
		go func() {
			defer b.subs.Done()
			for msg := range ch {
				env, err := envelopeOf(msg)
				if err != nil {
					b.log.Error().Err(err).Str("topic", topic).Msg("bus: undecodable message dropped")
					msg.Ack()
					continue
				}
				b.mu.Lock()
				b.pending++
				b.mu.Unlock()
				if !box.put(env) {
					b.done() // the subscriber has stopped
				}
				msg.Ack()
			}
		}()
	}
	b.subs.Add(1)
	go func() {
		defer b.subs.Done()
		defer stop()
		defer b.count(topics, -1)
		for {
			env, ok := box.take(ctx)
			if !ok {
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
