package replay_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui"
)

// gatedKratos holds the first registration flow until the test lets it go,
// so that intents can be sent while the machine is busy.
type gatedKratos struct {
	*kratos.Client
	entered, release chan struct{}
	// once gates the first call only. The gate blocks until the UI is
	// waiting for it: a non-blocking send lost the race on a busy machine
	// (the machine got here before the UI waited) and the test hung.
	once sync.Once
}

func (g *gatedKratos) CreateRegistrationFlow(ctx context.Context) (*adapters.Flow, error) {
	g.once.Do(func() {
		g.entered <- struct{}{}
		<-g.release
	})
	return g.Client.CreateRegistrationFlow(ctx)
}

// burstUI sends the first intents, then, while the machine waits on
// Kratos, the rest at once, as a script piped into the json UI does.
type burstUI struct {
	k     *gatedKratos
	first []events.Event
	burst []events.Event
}

func (u *burstUI) Run(ctx context.Context, host ui.Host) error {
	if err := host.Subscribe(ctx, func(events.Envelope) {}); err != nil {
		return err
	}
	for _, ev := range u.first {
		if err := host.Publish(ev); err != nil {
			return err
		}
	}
	<-u.k.entered // the machine is inside Kratos now
	for _, ev := range u.burst {
		if err := host.Publish(ev); err != nil {
			return err
		}
	}
	close(u.k.release)
	return host.Wait(ctx)
}

// TestReplayOfIntentsSentWhileBusy records a run whose intents arrive
// while the machine is still busy (as when a script is piped into the json
// UI) and replays it: the intents must go back in between the machine's
// events exactly where the recording has them.
func TestReplayOfIntentsSentWhileBusy(t *testing.T) {
	srv := kratosFor(t, false)
	kc, err := kratos.New(srv.PublicURL, kratos.Options{Transport: &httplog.Transport{}})
	if err != nil {
		t.Fatal(err)
	}
	k := &gatedKratos{Client: kc, entered: make(chan struct{}), release: make(chan struct{})}
	email := uniqueEmail("busy")
	plugin := &burstUI{k: k,
		first: []events.Event{events.AppStarted{}, events.RegistrationFlowRequested{}},
		burst: []events.Event{
			events.SignUpSubmitted{Email: email, Password: "busy-password-1-Xq"},
			events.SignOutRequested{},
			events.LoginFlowRequested{},
			events.SignInSubmitted{Identifier: email, Password: "wrong"},
			events.SignInSubmitted{Identifier: email, Password: "busy-password-1-Xq"},
		},
	}
	var log bytes.Buffer
	header := flowlog.NewHeader("test", time.Unix(0, 0).UTC())
	header.KratosAPI = srv.PublicURL
	w, err := flowlog.NewWriter(&log, header)
	if err != nil {
		t.Fatal(err)
	}
	rec := flowlog.NewRecorder(w)
	cfg := app.Config{
		KratosAPI: srv.PublicURL,
		Clock:     clock.NewStepping(time.Unix(0, 0).UTC(), time.Millisecond), IDs: clock.SequentialIDs("b"),
		Observers: []func(context.Context, *bus.Bus) error{rec.Attach},
	}
	client := &app.Client{Kratos: k, Sessions: k, Tokens: tokenstore.NewMemory()}
	if err := app.RunWith(context.Background(), cfg, client, plugin); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	recording, err := replay.Load(bytes.NewReader(log.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	intents := recording.Intents()
	if len(intents) != 7 || intents[2].Seq != intents[6].Seq-4 || intents[6].Seq == uint64(len(recording.Records)) {
		t.Fatalf("the burst is not recorded in one run of seqs inside the machine's work: %d intents", len(intents))
	}
	res, err := replay.Run(context.Background(), recording, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Passed() {
		t.Fatalf("replay diverged at %+v", res.Divergence)
	}
	if res.Compared != res.Records {
		t.Fatalf("compared %d of %d records", res.Compared, res.Records)
	}
}
