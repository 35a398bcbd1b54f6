package plain

import (
	"context"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// secondFactor asks for a code: a TOTP code as typed, or "backup <code>"
// when the flow offers backup codes (a flow with backup codes only takes
// the code as typed as one).
func (p *Plugin) secondFactor(ctx context.Context, form events.Form) (events.Event, error) {
	totp, lookup := fields.HasNode(form, "totp_code"), fields.HasNode(form, "lookup_secret")
	names := []string{"<code>", "logout"}
	if totp && lookup {
		names = []string{"<code>", "backup <code>", "logout"}
	}
	return p.ask(ctx, "code:", "", names, func(cmd, arg string) (events.Event, bool) {
		switch cmd {
		case "backup":
			if !lookup {
				p.out.line("This account has no backup codes: type the code from your authenticator app.")
				return nil, true
			}
			if arg == "" {
				p.out.line(`Type "backup" and one of your backup codes, e.g. "backup abcd1234".`)
				return nil, true
			}
			return events.SecondFactorSubmitted{Method: "lookup_secret", Code: arg}, true
		case "logout", "signout":
			return events.SignOutRequested{}, true
		}
		if arg != "" {
			return nil, false
		}
		if lookup && !totp {
			return events.SecondFactorSubmitted{Method: "lookup_secret", Code: cmd}, true
		}
		return events.SecondFactorSubmitted{Method: "totp", Code: cmd}, true
	})
}

// reauthenticate asks for the password again; an empty answer goes home.
func (p *Plugin) reauthenticate(ctx context.Context) (events.Event, error) {
	p.out.prompt("Password (empty to cancel):", p.in.terminal)
	if p.out.err != nil {
		return nil, p.out.err
	}
	line, err := p.in.read(ctx, true)
	if err != nil {
		return nil, err
	}
	if p.in.terminal {
		p.out.line("")
	}
	if line == "" {
		return events.HomeRequested{}, nil
	}
	return events.ReauthenticationSubmitted{Password: line}, nil
}

// codeFlow asks for the email, then (once sent) the code of a recovery or
// verification flow. submit builds the intent from an email or a code; the
// first answer may instead be one of cmds, or "resend".
func (p *Plugin) codeFlow(ctx context.Context, form events.Form, title string, cmds map[string]events.Event,
	submit func(email, code string) events.Event) (events.Event, error) {
	f := fields.BuildAll(form, title)
	var resend string
	for _, b := range f.Buttons {
		if b.Name == "email" {
			resend = b.Value
		}
	}
	inputs := f.Inputs()
	if len(inputs) == 0 {
		return p.ask(ctx, "Command", "", fields.SortedKeys(cmds), fixed(cmds))
	}
	fd := inputs[0]
	label := fd.Label
	if fd.Value != "" {
		label += " [" + fd.Value + "]"
	}
	names := fields.SortedKeys(cmds)
	if resend != "" {
		names = append(names, "resend")
	}
	if p.mailOffered(form, fd.Name) {
		names = append(names, mailCommand+" (the e-mailed code, dev stack)")
	}
	names = append(names, "help", "quit")
	p.out.line(`Commands instead of an answer: %s.`, strings.Join(names, ", "))
	p.out.prompt(label+":", p.in.terminal)
	if p.out.err != nil {
		return nil, p.out.err
	}
	line, err := p.in.read(ctx, false)
	if err != nil {
		return nil, err
	}
	v := strings.TrimSpace(line)
	switch c := strings.ToLower(strings.TrimPrefix(v, "/")); {
	case c == "quit" || c == "exit":
		return nil, errQuit
	case c == "help" || c == "?":
		p.printHelp(names)
		return p.codeFlow(ctx, form, title, cmds, submit)
	case c == "resend" && resend != "":
		return submit(resend, ""), nil
	case c == mailCommand && p.mailOffered(form, fd.Name):
		code, err := p.mailCode(form, title)
		if err != nil {
			p.out.line("%v", err)
			return p.codeFlow(ctx, form, title, cmds, submit)
		}
		p.out.line("Code filled in from the dev mail sink.")
		return submit("", code), nil
	case cmds[c] != nil:
		return cmds[c], nil
	}
	if v == "" {
		v = fd.Value
	}
	if fd.Name == "code" {
		return submit("", v), nil
	}
	return submit(v, ""), nil
}
