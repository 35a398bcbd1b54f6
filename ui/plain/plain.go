// Package plain is the line-by-line UI plugin: it prints each state as
// lines of text and reads answers and commands line by line, with no
// full-screen drawing, so that it works in a pipe, over a slow link and with
// a screen reader. It is the default when stdout is not a terminal.
//
// At a form it asks for each field in turn (a password without echo when
// the input is a terminal). At any prompt where a command fits, it accepts
// signin, signup, forgot, logout, retry, token, settings, sessions, verify,
// refresh, home, revoke <id>, revoke-others, help and quit; the second
// factor prompt "code:" takes a TOTP code or "backup <code>".
package plain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// Name is the plugin's registry name.
const Name = "plain"

func init() {
	ui.Register(Name, "line by line text: for pipes, screen readers and dumb terminals", New)
}

// Plugin is the plain UI.
type Plugin struct {
	stdio ui.IO
	opts  ui.Options
	out   *writer
	in    *lineReader
	// settingsFlow and settingsShown are the settings flow last written
	// and its sections as written (a save writes only what changed).
	settingsFlow  string
	settingsShown map[string]string
	// typed are the non-secret values last typed into a sign-in or
	// sign-up form, by field name ("identifier" for the e-mail either way).
	typed map[string]string
	// box holds the state events not taken yet: the wait for a social
	// sign-in's browser ends when one comes.
	box *mailbox
	// socialOpened is the social sign-in flow whose address the browser
	// was asked to open (once per flow), and socialErr why it could not.
	socialOpened string
	socialErr    error
}

// New makes the plain UI.
func New(stdio ui.IO, opts ui.Options) (ui.Plugin, error) {
	if stdio.In == nil || stdio.Out == nil {
		return nil, errors.New("plain UI needs an input and an output")
	}
	return &Plugin{stdio: stdio, opts: opts, out: &writer{w: stdio.Out}, in: newLineReader(stdio)}, nil
}

// errQuit ends Run without an error: the user quit or the input ended.
var errQuit = errors.New("quit")

// Run publishes AppStarted, then prints every state and asks for what it
// needs, until the user quits, the input ends or ctx is cancelled.
func (p *Plugin) Run(ctx context.Context, host ui.Host) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	box := newMailbox()
	p.box = box
	if err := host.Subscribe(ctx, box.put); err != nil {
		return fmt.Errorf("plain UI: %w", err)
	}
	if err := host.Publish(events.AppStarted{}); err != nil {
		return fmt.Errorf("plain UI: %w", err)
	}
	var settled events.Event
	for {
		next, err := p.next(ctx, host, box)
		if err != nil {
			return p.end(ctx, host, err)
		}
		if next != nil {
			settled = next
		}
		if settled == nil {
			continue
		}
		intent, err := p.act(ctx, settled)
		if err != nil {
			return p.end(ctx, host, err)
		}
		if intent != nil {
			if err := host.Publish(intent); err != nil {
				return fmt.Errorf("plain UI: %w", err)
			}
		}
	}
}

// end turns the reason the loop stopped into Run's result.
func (p *Plugin) end(ctx context.Context, host ui.Host, err error) error {
	switch {
	case errors.Is(err, errQuit), errors.Is(err, io.EOF):
		_ = host.Wait(ctx)
		return nil
	case errors.Is(err, context.Canceled):
		return nil
	}
	return fmt.Errorf("plain UI: %w", err)
}

// next waits for state events, lets what they caused settle, prints them
// all, and returns the last one that asks the user for something (nil when
// only an IntentRejected or a progress event came). While a call is in
// flight a line "cancel" (or Esc and Enter) abandons it; any other line
// typed then is kept for the prompt that follows.
func (p *Plugin) next(ctx context.Context, host ui.Host, box *mailbox) (events.Event, error) {
	env, err := box.take(ctx)
	if err != nil {
		return nil, err
	}
	var settled events.Event
	take := func(env events.Envelope) error {
		if err := p.print(env.Event); err != nil {
			return err
		}
		switch env.Event.(type) {
		case events.RequestStarted, events.SessionCheckStarted, events.IntentRejected:
		default:
			settled = env.Event
		}
		return nil
	}
	if err := take(env); err != nil {
		return nil, err
	}
	if _, busy := env.Event.(events.RequestStarted); busy {
		stop := p.watchCancel(ctx, host)
		err = host.Wait(ctx)
		stop()
	} else {
		err = host.Wait(ctx)
	}
	if err != nil {
		return nil, err
	}
	for _, env := range box.drain() {
		if err := take(env); err != nil {
			return nil, err
		}
	}
	return settled, nil
}

// interrupts makes Ctrl-C run f (abandon the call) until release.
func (p *Plugin) interrupts(f func()) (release func()) {
	return ui.HandleInterrupts(f)
}

// isCancel reports whether a line typed during a call asks to abandon it.
func isCancel(line string) bool {
	l := strings.ToLower(strings.TrimSpace(line))
	return l == "cancel" || l == "/cancel" || l == "\x1b" || l == "esc"
}

// watchCancel reads lines while a call is in flight until stop is
// called: "cancel" or Esc publishes RequestCancelled; other lines are
// kept for the next prompt. stop returns once the watcher is done.
func (p *Plugin) watchCancel(ctx context.Context, host ui.Host) (stop func()) {
	// Ctrl-C is taken before the line that offers it is printed.
	release := p.interrupts(func() { _ = host.Publish(events.RequestCancelled{}) })
	p.out.line("(Waiting for Kratos: type cancel, or press Esc and Enter, to abandon the call.)")
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			// Fresh input only: a line kept for the next prompt must not
			// come back here, to be kept again for ever (a busy loop that
			// never saw the call end).
			line, err := p.in.readNew(ctx, false)
			if err != nil {
				return
			}
			if isCancel(line) {
				_ = host.Publish(events.RequestCancelled{})
				continue
			}
			p.in.keep(line)
		}
	}()
	return func() {
		release()
		cancel()
		<-done
	}
}

// act asks the user what a settled state needs and returns the intent to
// publish, if any.
func (p *Plugin) act(ctx context.Context, st events.Event) (events.Event, error) {
	switch st := st.(type) {
	case events.SignedOut:
		if st.Reason != events.ReasonFlowFailed {
			return events.LoginFlowRequested{}, nil
		}
		return p.command(ctx, "retry", map[string]events.Event{
			"retry": events.LoginFlowRequested{}, "signin": events.LoginFlowRequested{},
			"signup": events.RegistrationFlowRequested{},
		})
	case events.SessionCheckFailed:
		return p.command(ctx, "retry", map[string]events.Event{"retry": events.AppStarted{}})
	case events.LoginFormShown:
		return p.fill(ctx, st.Form, true)
	case events.RegistrationFormShown:
		return p.fill(ctx, st.Form, false)
	case events.SignedIn:
		return p.home(ctx, st)
	case events.SecondFactorFormShown:
		return p.secondFactor(ctx, st.Form)
	case events.ReauthenticationFormShown:
		return p.reauthenticate(ctx)
	case events.SettingsFormShown:
		return p.settings(ctx, st.Form)
	case events.RecoveryFormShown:
		return p.codeFlow(ctx, st.Form, "Recover your account", map[string]events.Event{"signin": events.LoginFlowRequested{}},
			func(email, code string) events.Event { return events.RecoverySubmitted{Email: email, Code: code} })
	case events.VerificationFormShown:
		return p.codeFlow(ctx, st.Form, "Verify your email", map[string]events.Event{"home": events.HomeRequested{}, "logout": events.SignOutRequested{}},
			func(email, code string) events.Event { return events.VerificationSubmitted{Email: email, Code: code} })
	case events.SessionsListShown:
		return p.sessions(ctx, st)
	case events.SocialSignInStarted:
		return p.socialWait(ctx, st)
	}
	// A state this UI does not know: offer to quit rather than fail.
	return p.ask(ctx, "Command", "", nil, fixed(nil))
}
