package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters/clock"
	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/bus"
	"github.com/kratos-tui/kratos-tui/ui"
)

// loginResult holds the medians of the interleaved sign-ins.
type loginResult struct {
	rounds int
	// client is a sign-in through the client, recorded one with --record
	// (a flow log written to a file), bare the client-go calls alone.
	client, recorded, bare                      time.Duration
	clientSamples, recordedSamples, bareSamples []time.Duration
}

// startDriver runs a client with a steerable UI until ctx ends, with the
// registry of secrets given (a new one when nil); observers are attached
// to its bus (the recorder, say). Its session token is kept as users' is,
// by the default token store (auto: the OS keyring when one answers, else
// a 0600 file, written durably), in tokenDir, a directory of its own.
func startDriver(ctx context.Context, srv *kratostest.Server, tokenDir string, secrets *events.Secrets, observers ...func(context.Context, *bus.Bus) error) (*driver, <-chan error, error) {
	cfg := app.Config{KratosAPI: srv.PublicURL, TokenStore: tokenstore.BackendAuto, TokenDir: tokenDir,
		Clock: clock.System{}, IDs: clock.RandomIDs{}, Observers: observers, Secrets: secrets}
	client, err := app.NewClient(cfg)
	if err != nil {
		return nil, nil, err
	}
	d := newDriver()
	done := make(chan error, 1)
	go func() { done <- app.RunWith(ctx, cfg, client, d) }()
	if _, err := d.await(events.SignedOut{}.EventType()); err != nil {
		return nil, nil, err
	}
	return d, done, nil
}

// measureLogin signs in rounds times through the whole client (bus, state
// machine, adapters, token store) and rounds times with the bare sequence
// of ory/client-go calls, interleaved, against the same local Kratos.
func measureLogin(ctx context.Context, srv *kratostest.Server, rounds int) (loginResult, error) {
	if _, err := srv.CreateIdentity(ctx, benchEmail, benchPassword); err != nil {
		return loginResult{}, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	tokens, err := os.MkdirTemp("", "kratos-tui-bench-tokens-*")
	if err != nil {
		return loginResult{}, err
	}
	defer os.RemoveAll(tokens)
	driver, runErr, err := startDriver(runCtx, srv, filepath.Join(tokens, "client"), nil)
	if err != nil {
		return loginResult{}, err
	}
	// The recorder redacts with the client's registry, as --record does.
	secrets := events.NewSecrets()
	recorder, cleanup, err := tempRecorder(secrets)
	if err != nil {
		return loginResult{}, err
	}
	defer cleanup()
	recDriver, recErr, err := startDriver(runCtx, srv, filepath.Join(tokens, "recorded"), secrets, recorder.Attach)
	if err != nil {
		return loginResult{}, err
	}
	// The recorded sign-in ends when its last record is written to the
	// operating system, not when the UI has the state.
	recDriver.after = func() error { return recorder.Flush(ctx) }

	oc := ory.NewConfiguration()
	oc.Servers = ory.ServerConfigurations{{URL: srv.PublicURL}}
	oc.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	bare := ory.NewAPIClient(oc)

	res := loginResult{rounds: rounds}
	for i := range rounds + 5 { // 5 warm-up rounds
		// Rotate which goes first so that none always follows another's
		// clean-up.
		var d [3]time.Duration
		var err error
		for k := range 3 {
			switch (i + k) % 3 {
			case 0:
				d[0], err = driver.signIn()
			case 1:
				d[1], err = bareSignIn(ctx, bare)
			case 2:
				d[2], err = recDriver.signIn()
			}
			if err != nil {
				return res, fmt.Errorf("sign-in round %d: %w", i, err)
			}
		}
		if i >= 5 {
			res.clientSamples = append(res.clientSamples, d[0])
			res.bareSamples = append(res.bareSamples, d[1])
			res.recordedSamples = append(res.recordedSamples, d[2])
		}
		if err := driver.signOut(); err != nil {
			return res, err
		}
		if err := recDriver.signOut(); err != nil {
			return res, err
		}
	}
	cancel()
	for _, done := range []<-chan error{runErr, recErr} {
		if err := <-done; err != nil && ctx.Err() == nil {
			return res, fmt.Errorf("client run: %w", err)
		}
	}
	if err := recorder.Close(); err != nil {
		return res, fmt.Errorf("recorder: %w", err)
	}
	if n := recorder.Count(); n < rounds {
		return res, fmt.Errorf("recorder wrote %d records for %d sign-ins", n, rounds)
	}
	res.client, res.recorded, res.bare = median(res.clientSamples), median(res.recordedSamples), median(res.bareSamples)
	return res, nil
}

// bareSignIn is the least a client must do: create a native login flow and
// submit the password.
func bareSignIn(ctx context.Context, c *ory.APIClient) (time.Duration, error) {
	start := time.Now()
	flow, resp, err := c.FrontendAPI.CreateNativeLoginFlow(ctx).Execute()
	if err != nil {
		return 0, fmt.Errorf("create flow: %w", err)
	}
	drain(resp)
	body := ory.UpdateLoginFlowWithPasswordMethodAsUpdateLoginFlowBody(&ory.UpdateLoginFlowWithPasswordMethod{
		Method: "password", Identifier: benchEmail, Password: benchPassword,
	})
	ok, resp, err := c.FrontendAPI.UpdateLoginFlow(ctx).Flow(flow.Id).UpdateLoginFlowBody(body).Execute()
	if err != nil {
		return 0, fmt.Errorf("submit: %w", err)
	}
	drain(resp)
	elapsed := time.Since(start)
	if ok.SessionToken == nil {
		return 0, fmt.Errorf("no session token")
	}
	// Revoke outside the timing so sessions do not pile up.
	if r, err := c.FrontendAPI.PerformNativeLogout(ctx).PerformNativeLogoutBody(ory.PerformNativeLogoutBody{SessionToken: *ok.SessionToken}).Execute(); err == nil {
		drain(r)
	}
	return elapsed, nil
}

func drain(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// driver is a UI plugin that the benchmark steers: it publishes intents and
// hands over state events.
type driver struct {
	// after, when set, runs before a sign-in's clock stops.
	after  func() error
	host   ui.Host
	ready  chan ui.Host
	states chan events.Envelope
}

func newDriver() *driver {
	return &driver{ready: make(chan ui.Host, 1), states: make(chan events.Envelope, 1024)}
}

// Run implements ui.Plugin.
func (d *driver) Run(ctx context.Context, host ui.Host) error {
	if err := host.Subscribe(ctx, func(env events.Envelope) { d.states <- env }); err != nil {
		return err
	}
	d.host = host
	if err := host.Publish(events.AppStarted{}); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// await returns the next state event of type want, skipping progress
// events; anything else is an error.
func (d *driver) await(want string) (events.Envelope, error) {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case env := <-d.states:
			switch env.Type {
			case want:
				return env, nil
			case "RequestStarted", "SessionCheckStarted":
				continue
			default:
				return env, fmt.Errorf("got %s while waiting for %s", env.Type, want)
			}
		case <-timeout:
			return events.Envelope{}, fmt.Errorf("no %s within 30s", want)
		}
	}
}

// signIn times a whole sign-in through the client: from the intent that
// asks for the form to the SignedIn state.
func (d *driver) signIn() (time.Duration, error) {
	start := time.Now()
	if err := d.host.Publish(events.LoginFlowRequested{}); err != nil {
		return 0, err
	}
	if _, err := d.await("LoginFormShown"); err != nil {
		return 0, err
	}
	if err := d.host.Publish(events.SignInSubmitted{Identifier: benchEmail, Password: benchPassword}); err != nil {
		return 0, err
	}
	if _, err := d.await("SignedIn"); err != nil {
		return 0, err
	}
	if d.after != nil {
		if err := d.after(); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func (d *driver) signOut() error {
	if err := d.host.Publish(events.SignOutRequested{}); err != nil {
		return err
	}
	_, err := d.await("SignedOut")
	return err
}

// benchLogin signs in through the client, through the client with a file
// recorder (until its last record is written) and with the bare client-go
// calls, interleaved, against the local Kratos. The rounds are cut into
// reps blocks; a block's ratio is the ratio of its medians.
func benchLogin(srv **kratostest.Server, rounds, reps int) func(context.Context, *report) error {
	return func(ctx context.Context, r *report) error {
		login, err := measureLogin(ctx, *srv, rounds)
		if err != nil {
			return err
		}
		var overhead, recorded []float64
		size := rounds / reps
		for b := range reps {
			lo, hi := b*size, (b+1)*size
			client := ms(median(login.clientSamples[lo:hi]))
			overhead = append(overhead, client/ms(median(login.bareSamples[lo:hi])))
			recorded = append(recorded, ms(median(login.recordedSamples[lo:hi]))/client)
		}
		o, rc := spreadOf(overhead), spreadOf(recorded)
		cl, bare, rec := spreadMS(login.clientSamples), spreadMS(login.bareSamples), spreadMS(login.recordedSamples)
		r.row(fmt.Sprintf("sign-in through the client (ratio per block of %d)", size), cl.unit("ms"), "bare client-go calls "+bare.unit("ms"), o.String(), goalMet(o.med, 1.05))
		r.row("sign-in with --record, until the record is written", rec.unit("ms"), "without", rc.String(), goalMet(rc.med, 1.05))
		r.spreadFigure("login_client_ms", cl)
		r.spreadFigure("login_bare_ms", bare)
		r.spreadFigure("login_overhead_durable_token_ratio", o)
		r.spreadFigure("login_recorded_flushed_ms", rec)
		r.spreadFigure("record_flushed_overhead_ratio", rc)
		return nil
	}
}
