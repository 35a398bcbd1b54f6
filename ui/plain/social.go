package plain

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// providerHint names the form's social sign-in providers as commands, on
// a line of its own after the form's command list (or "" without any).
func providerHint(f fields.Form) string {
	var parts []string
	for _, pr := range f.Providers {
		parts = append(parts, fmt.Sprintf("%q to %s", pr.ID, strings.ToLower(pr.Label[:1])+pr.Label[1:]))
	}
	if len(parts) == 0 {
		return ""
	}
	return "\nSocial sign-in: " + strings.Join(parts, ", ") + "."
}

// providerCommand reports whether line names one of the form's providers
// (its id, or "with <id>").
func providerCommand(f fields.Form, line string) (string, bool) {
	c := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(line), "/"))
	c = strings.TrimPrefix(c, "with ")
	for _, pr := range f.Providers {
		if c == strings.ToLower(pr.ID) {
			return pr.ID, true
		}
	}
	return "", false
}

// printSocial writes a social sign-in waiting for the browser: the
// address (opened in the browser once per flow), a QR code of it on a
// terminal, and how to finish over SSH.
func (p *Plugin) printSocial(ev events.SocialSignInStarted) {
	w := p.out
	label := nonEmpty(ev.ProviderLabel, ev.Provider)
	if ev.FlowID != p.socialOpened && ev.URL != "" {
		p.socialOpened = ev.FlowID
		p.socialErr = p.opts.Opener()(ev.URL)
		w.line("")
		w.line("Sign in with %s", label)
		if p.socialErr == nil {
			w.line("Opened in your browser. If it did not open, open this address in a browser:")
		} else {
			w.line("No browser opened (%v). Open this address in a browser:", p.socialErr)
		}
		w.line("%s", ev.URL)
		if p.stdio.Terminal {
			if qr, err := fields.QR(ev.URL, 1); err == nil {
				w.line("Or scan it with another device:")
				for _, l := range qr {
					w.line("%s", l)
				}
			}
		}
	}
	if ev.Error != "" {
		w.line("Error: %s", ev.Error)
	}
	host := ev.ReturnTo
	if u, err := url.Parse(ev.ReturnTo); err == nil {
		host = u.Host
	}
	wait := "Waiting for the browser to come back to " + host
	if ev.ExpiresAt != nil {
		wait += " (until " + fields.FormatTime(ev.ExpiresAt) + ")"
	}
	w.line("%s.", wait)
	w.line("Browser on another device, or over SSH? Sign in there, then paste the address it could not open (it starts with %s).", ev.ReturnTo)
}

// socialWait waits for the browser: the next state event ends the wait
// (the loopback callback came); a pasted address is sent; "back" returns
// to the form, "again" starts a new sign-in.
func (p *Plugin) socialWait(ctx context.Context, ev events.SocialSignInStarted) (events.Event, error) {
	for {
		p.out.prompt("Address (back, again, quit):", p.in.terminal)
		if p.out.err != nil {
			return nil, p.out.err
		}
		readCtx, cancel := context.WithCancel(ctx)
		if p.box != nil {
			go func() {
				p.box.waitQueued(readCtx)
				cancel()
			}()
		}
		line, err := p.in.read(readCtx, false)
		cancel()
		if err != nil {
			if ctx.Err() == nil && readCtx.Err() != nil {
				// A state came (the browser is back): it is shown next.
				if p.in.terminal {
					p.out.line("")
				}
				return nil, nil
			}
			return nil, err
		}
		c := strings.TrimSpace(line)
		switch strings.ToLower(strings.TrimPrefix(c, "/")) {
		case "":
			continue
		case "quit", "exit", "q":
			return nil, errQuit
		case "back":
			if ev.Registration {
				return events.RegistrationFlowRequested{}, nil
			}
			return events.LoginFlowRequested{}, nil
		case "again":
			return events.SocialSignInRequested{Provider: ev.Provider, Registration: ev.Registration}, nil
		case "help", "?":
			p.out.line("Paste the whole address your browser ended at after signing in; back: the form; again: a new sign-in.")
			continue
		}
		return events.SocialSignInCallbackReceived{URL: c, Pasted: true}, nil
	}
}
