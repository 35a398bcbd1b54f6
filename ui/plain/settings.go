package plain

import (
	"context"
	"fmt"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// buttonCommands are short names of settings buttons that submit
// themselves (their node name and "true").
var buttonCommands = map[string]string{
	"totp_unlink":              "unlink-totp",
	"lookup_secret_regenerate": "regenerate-codes",
	"lookup_secret_reveal":     "reveal-codes",
	"lookup_secret_confirm":    "confirm-codes",
	"lookup_secret_disable":    "disable-codes",
}

// commandOf is the command of a settings button that submits itself.
func commandOf(b fields.Button) string {
	if c, ok := buttonCommands[b.Name]; ok {
		return c
	}
	return strings.ReplaceAll(b.Name, "_", "-")
}

// printSettings writes the settings form section by section: the values,
// the TOTP secret with its QR code, the backup codes, and the commands.
// After a save (the same flow again) only the sections that changed are
// written, not the whole page. The secrets are the user's own, shown at
// their request; they are written to the output only, never to a log.
func (p *Plugin) printSettings(form events.Form) {
	w := p.out
	f := fields.BuildAll(form, "Settings")
	again := form.FlowID != "" && form.FlowID == p.settingsFlow
	w.line("")
	w.line("Settings")
	if f.Notice != "" && !saysSame(f.Infos, f.Notice) {
		w.line("Note: %s", f.Notice)
	}
	if form.AfterRecovery {
		w.line("Note: %s Type password.", fields.MessageSetPasswordNow)
	}
	for _, e := range f.Errors {
		w.line("Error: %s", e)
	}
	for _, i := range f.Infos {
		w.line("Note: %s", i)
	}
	shown := map[string]string{}
	for _, sec := range fields.Sections(f) {
		text := sectionText(form, sec)
		shown[sec.Group] = text
		switch {
		case again && p.settingsShown[sec.Group] == text:
			continue
		case again && fields.TOTPSecret(form) != "" && sec.Group == "totp":
			// Kratos issues a new secret with every answer: say so in a
			// line rather than writing the QR code again.
			w.line("== %s == (a new secret was issued; type show to see it)", sec.Title)
			continue
		}
		w.raw(text)
	}
	p.settingsFlow, p.settingsShown = form.FlowID, shown
}

// sectionText is one settings section as written.
func sectionText(form events.Form, sec fields.Section) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("== %s ==", sec.Title)
	for _, fd := range sec.Fields {
		switch {
		case fd.ID == fields.NodeTOTPSecret:
			line("  Authenticator app secret: %s", fields.TOTPSecret(form))
			if uri := fields.TOTPURI(form); uri != "" {
				line("  Key URI: %s", uri)
				if lines, err := fields.QR(uri, fields.QRQuietZone); err == nil {
					for _, l := range lines {
						line("  %s", l)
					}
				}
			}
		case fd.ID == fields.NodeBackupCodes:
			line("  %s", fd.Label)
			line("  Backup codes: %s", strings.Join(fields.BackupCodes(form), " "))
		case fd.Kind == fields.KindText:
			line("  %s: %s", fd.Label, fd.Value)
		case fd.Kind == fields.KindSecret:
			line("  %s", fd.Label)
		default:
			line("  %s: %s", fd.Label, fd.Value)
		}
		if len(fd.Messages) > 0 {
			line("  Error in %s: %s", fd.Label, fields.MessageText(fd.Messages))
		}
	}
	return b.String()
}

// settings asks which section to submit and its values.
func (p *Plugin) settings(ctx context.Context, form events.Form) (events.Event, error) {
	f := fields.BuildAll(form, "Settings")
	sections := fields.Sections(f)
	type action struct {
		sec fields.Section
		b   fields.Button
	}
	actions := map[string]action{}
	var names []string
	for _, sec := range sections {
		for _, b := range sec.Buttons {
			name, shown := sec.Group, sec.Group
			if b.Name != "method" && b.Name != "" {
				name, shown = commandOf(b), commandOf(b)
			} else if in := sec.Inputs(); len(in) == 1 && in[0].Kind != fields.KindSecret {
				// A secret is never offered on the command line, where
				// it would be shown: it is asked with echo off.
				shown = name + " [<" + in[0].Label + ">]"
			}
			if _, dup := actions[name]; dup {
				continue
			}
			actions[name] = action{sec, b}
			names = append(names, shown)
		}
	}
	names = append(names, "show", "home", "logout")
	return p.askSettings(ctx, form, names, func(cmd, arg string) (events.Event, bool, error) {
		switch cmd {
		case "show":
			p.settingsFlow = ""
			p.printSettings(form)
			return nil, true, nil
		case "home", "back":
			return events.HomeRequested{}, true, nil
		case "logout", "signout":
			return events.SignOutRequested{}, true, nil
		}
		a, ok := actions[cmd]
		if !ok {
			return nil, false, nil
		}
		if q := fields.Question(form, a.b.Name); q != "" && !p.confirmed(ctx, q) {
			return nil, true, nil
		}
		values := map[string]string{}
		for i, fd := range a.sec.Inputs() {
			if a.b.Name != "method" {
				break
			}
			if i == 0 && arg != "" && fd.Kind != fields.KindSecret {
				values[fd.Name] = arg
				continue
			}
			if i == 0 && arg != "" {
				p.out.line("Not taken from the command line, where it shows: type it here, hidden.")
			}
			v, err := p.askField(ctx, fd)
			if err != nil {
				return nil, true, err
			}
			values[fd.Name] = v
		}
		return fields.SettingsIntent(form.FlowID, a.sec, values, a.b), true, nil
	})
}

// askSettings is ask with a handler that may prompt for more.
func (p *Plugin) askSettings(ctx context.Context, _ events.Form, names []string, handle func(cmd, arg string) (events.Event, bool, error)) (events.Event, error) {
	var failed error
	ev, err := p.ask(ctx, "Command", "", names, func(cmd, arg string) (events.Event, bool) {
		ev, ok, err := handle(cmd, arg)
		if err != nil {
			failed = err
			return nil, true
		}
		return ev, ok
	})
	if failed != nil {
		return nil, failed
	}
	return ev, err
}

// askField prompts for one field; an empty answer keeps its value.
func (p *Plugin) askField(ctx context.Context, fd fields.Field) (string, error) {
	label := fd.Label
	if fd.Kind == fields.KindChoice {
		label += " (" + choices(fd) + ")"
	}
	if (fd.Kind == fields.KindInput || fd.Kind == fields.KindChoice) && fd.Value != "" {
		label += " [" + fd.Value + "]"
	}
	var line string
	for {
		p.out.prompt(label+":", p.in.terminal)
		if p.out.err != nil {
			return "", p.out.err
		}
		var err error
		line, err = p.in.read(ctx, fd.Kind == fields.KindSecret)
		if err != nil {
			return "", err
		}
		// An enum's value that is not among its choices is asked again,
		// as on the sign-up form, rather than sent for Kratos to refuse.
		if v := strings.TrimSpace(line); fd.Kind != fields.KindChoice || v == "" || validChoice(fd, v) {
			break
		}
		p.out.line("Choose one of: %s.", strings.ReplaceAll(choices(fd), "/", ", "))
	}
	if fd.Kind == fields.KindSecret {
		if p.in.terminal {
			p.out.line("")
		}
		return line, nil
	}
	if v := strings.TrimSpace(line); v != "" {
		return v, nil
	}
	return fd.Value, nil
}

// confirmed asks question and reports whether the answer is yes; any
// other answer (or the end of the input) says "Not done.".
func (p *Plugin) confirmed(ctx context.Context, question string) bool {
	p.out.prompt(question+" (y/n):", p.in.terminal)
	line, err := p.in.read(ctx, false)
	if err == nil {
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true
		}
	}
	p.out.line("Not done.")
	return false
}

// saysSame reports whether one of infos is notice but for its final
// punctuation (Kratos's "Your changes have been saved!" and the machine's
// "Your changes have been saved."): the note is written once.
func saysSame(infos []string, notice string) bool {
	for _, i := range infos {
		if strings.TrimRight(i, ".!") == strings.TrimRight(notice, ".!") {
			return true
		}
	}
	return false
}
