package plain

import (
	"fmt"
	"io"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// writer writes lines and remembers the first error.
type writer struct {
	w   io.Writer
	err error
}

// line writes one line.
func (w *writer) line(format string, args ...any) {
	if w.err != nil {
		return
	}
	_, w.err = fmt.Fprintf(w.w, format+"\n", args...)
}

// raw writes text as it is.
func (w *writer) raw(text string) {
	if w.err != nil {
		return
	}
	_, w.err = io.WriteString(w.w, text)
}

// prompt writes a prompt; on a terminal the answer follows on the same
// line, in a pipe the prompt is a line of its own.
func (w *writer) prompt(text string, terminal bool) {
	if w.err != nil {
		return
	}
	if terminal {
		_, w.err = io.WriteString(w.w, text+" ")
		return
	}
	_, w.err = io.WriteString(w.w, text+"\n")
}

// print writes a state event as lines.
func (p *Plugin) print(ev events.Event) error {
	w := p.out
	switch ev := ev.(type) {
	case events.SessionCheckStarted:
		w.line("%s", nonEmpty(ev.Message, "Checking your session…"))
	case events.SessionCheckFailed:
		w.line("Error: %s", nonEmpty(ev.Message, "Could not check your session."))
		w.line(`Type "retry" to try again, or "quit".`)
	case events.SignedOut:
		if ev.Reason == events.ReasonFlowFailed {
			w.line("Error: %s", nonEmpty(ev.Message, "Could not get the form from Kratos."))
			w.line(`Type "retry" to try again, "signup" for the sign-up form, or "quit".`)
		} else if ev.Message != "" {
			w.line("%s", ev.Message)
		}
	case events.RequestStarted:
		w.line("%s", fields.Operation(ev.Operation))
	case events.LoginFormShown:
		f := fields.Build(ev.Form, true)
		p.printForm(f, formCommandsLine(true)+providerHint(f))
	case events.RegistrationFormShown:
		f := fields.Build(ev.Form, false)
		p.printForm(f, formCommandsLine(false)+providerHint(f))
	case events.SocialSignInStarted:
		p.printSocial(ev)
	case events.SignedIn:
		if ev.Notice != "" {
			w.line("Note: %s", ev.Notice)
		}
		w.line("Session information")
		for _, r := range fields.SessionRows(ev, p.opts.RevealSecrets) {
			w.line("  %s: %s", r.Label, r.Value)
		}
		if !p.opts.RevealSecrets {
			w.line(`  (the token is masked: type "token" to show it)`)
		}
	case events.SecondFactorFormShown:
		p.printForm(fields.BuildAll(ev.Form, "Second factor"), "Type the code from your authenticator app.")
	case events.ReauthenticationFormShown:
		p.printForm(fields.BuildAll(ev.Form, "Confirm it is you"), `Type your password, or an empty line to cancel.`)
	case events.SettingsFormShown:
		p.printSettings(ev.Form)
	case events.RecoveryFormShown:
		p.printForm(fields.BuildAll(ev.Form, "Recover your account"), "")
	case events.VerificationFormShown:
		p.printForm(fields.BuildAll(ev.Form, "Verify your email"), "")
	case events.SessionsListShown:
		p.printSessions(ev)
	case events.IntentRejected:
		w.line("Note: %s is not possible now: %s", ev.Intent, ev.Reason)
	default:
		w.line("%s", ev.EventType())
	}
	return w.err
}

// printForm writes a form's title, messages, field errors and hint.
func (p *Plugin) printForm(f fields.Form, hint string) {
	w := p.out
	w.line("")
	w.line("%s", f.Title)
	if f.Notice != "" {
		w.line("Note: %s", f.Notice)
	}
	for _, e := range f.Errors {
		w.line("Error: %s", e)
	}
	for _, i := range f.Infos {
		w.line("Note: %s", i)
	}
	for _, fd := range f.Fields {
		switch {
		case fd.Kind == fields.KindText:
			w.line("%s: %s", fd.Label, fd.Value)
		case len(fd.Messages) > 0:
			w.line("Error in %s: %s", fd.Label, fields.MessageText(fd.Messages))
		}
	}
	if hint != "" {
		w.line("%s", hint)
	}
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
