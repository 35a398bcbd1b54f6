package plain

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// command prompts until the user types one of the commands (or quit) and
// returns its intent. An empty line picks def.
func (p *Plugin) command(ctx context.Context, def string, cmds map[string]events.Event) (events.Event, error) {
	names := make([]string, 0, len(cmds)+1)
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	names = append(names, "help", "quit")
	for {
		text := fmt.Sprintf("Command (%s):", strings.Join(names, ", "))
		if def != "" {
			text = fmt.Sprintf("Command (%s) [%s]:", strings.Join(names, ", "), def)
		}
		p.out.prompt(text, p.in.terminal)
		if p.out.err != nil {
			return nil, p.out.err
		}
		line, err := p.in.read(ctx, false)
		if err != nil {
			return nil, err
		}
		c := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "/")))
		if c == "" {
			if def == "" {
				continue
			}
			c = def
		}
		switch c {
		case "quit", "exit", "q":
			return nil, errQuit
		case "help", "?":
			p.printHelp(names)
			continue
		}
		if ev, ok := cmds[c]; ok {
			return ev, nil
		}
		p.unknown(c)
	}
}

// home shows the commands of the signed-in screen.
func (p *Plugin) home(ctx context.Context, st events.SignedIn) (events.Event, error) {
	for {
		cmds := map[string]events.Event{
			"logout": events.SignOutRequested{}, "signout": events.SignOutRequested{}, "token": nil,
			"settings": events.SettingsRequested{}, "sessions": events.SessionsRequested{},
			"refresh": events.SessionRefreshRequested{},
		}
		if !st.Verified {
			cmds["verify"] = events.VerificationRequested{}
		}
		ev, err := p.command(ctx, "", cmds)
		if err != nil || ev != nil {
			return ev, err
		}
		// "token": show it once, on request.
		p.out.line("Session token: %s", st.Token)
	}
}

// formCommandNames are the commands the first prompt of the sign-in
// (login) or sign-up form takes instead of an answer, as listed.
func formCommandNames(login bool) []string {
	if login {
		return []string{"signup", "forgot", "retry", "help", "quit"}
	}
	return []string{"signin", "retry", "help", "quit"}
}

// formCommandsLine is the one line that lists them.
func formCommandsLine(login bool) string {
	return "Commands instead of an answer: " + strings.Join(formCommandNames(login), ", ") + "."
}

// fill asks for every field of the form and returns the intent that
// submits it, or the intent of a command typed at the first prompt.
func (p *Plugin) fill(ctx context.Context, form events.Form, login bool) (events.Event, error) {
	f := fields.Build(form, login)
	// A form sent back without the values (an account with this
	// identifier exists) offers what was typed as the defaults; the
	// identifier carries between sign-up and sign-in.
	for i, fd := range f.Fields {
		if fd.Value != "" || fd.Kind == fields.KindSecret || fd.Kind == fields.KindText || events.IsSecretField(fd.Name) {
			continue
		}
		v := p.typed[fd.Name]
		if v == "" && fields.IsEmailField(fd.Name) {
			v = p.typed["identifier"]
		}
		f.Fields[i].Value = v
	}
	values := map[string]string{}
	defer func() {
		if p.typed == nil {
			p.typed = map[string]string{}
		}
		for _, fd := range f.Inputs() {
			if v := values[fd.Name]; v != "" && fd.Kind != fields.KindSecret && !events.IsSecretField(fd.Name) {
				p.typed[fd.Name] = v
				if fields.IsEmailField(fd.Name) {
					p.typed["identifier"] = v
				}
			}
		}
	}()
	for i, fd := range f.Inputs() {
		label := fd.Label
		switch {
		case fd.Kind == fields.KindCheckbox:
			label += " (y/n)"
		case fd.Kind == fields.KindChoice:
			label += " (" + choices(fd) + ")"
			if fd.Value != "" {
				label += " [" + fd.Value + "]"
			}
		case fd.Kind == fields.KindInput && fd.Value != "":
			label += " [" + fd.Value + "]"
		}
		if fd.Required {
			label += " (required)"
		}
		var line string
		for {
			p.out.prompt(label+":", p.in.terminal)
			if p.out.err != nil {
				return nil, p.out.err
			}
			var err error
			line, err = p.in.read(ctx, fd.Kind == fields.KindSecret)
			if err != nil {
				return nil, err
			}
			if v := strings.TrimSpace(line); fd.Kind != fields.KindChoice || v == "" || validChoice(fd, v) ||
				(i == 0 && slices.Contains(formCommandNames(login), strings.ToLower(v))) {
				break
			}
			p.out.line("Choose one of: %s.", strings.ReplaceAll(choices(fd), "/", ", "))
		}
		if fd.Kind == fields.KindSecret && p.in.terminal {
			p.out.line("")
		}
		if i == 0 && fd.Kind != fields.KindSecret {
			if id, ok := providerCommand(f, line); ok {
				return events.SocialSignInRequested{Provider: id, Registration: !login}, nil
			}
			c := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(line), "/"))
			if c == "exit" || c == "q" {
				c = "quit"
			}
			if slices.Contains(formCommandNames(login), c) {
				switch c {
				case "signin":
					return events.LoginFlowRequested{}, nil
				case "signup":
					return events.RegistrationFlowRequested{}, nil
				case "forgot":
					return events.RecoveryRequested{}, nil
				case "retry":
					if login {
						return events.LoginFlowRequested{}, nil
					}
					return events.RegistrationFlowRequested{}, nil
				case "help":
					p.out.line("Fill in the form field by field (an empty answer keeps the value in brackets).")
					p.printHelp(formCommandNames(login))
					return p.fill(ctx, form, login)
				default:
					return nil, errQuit
				}
			}
		}
		switch fd.Kind {
		case fields.KindSecret:
			values[fd.Name] = line
		case fields.KindCheckbox:
			values[fd.Name] = fmt.Sprint(strings.HasPrefix(strings.ToLower(strings.TrimSpace(line)), "y"))
		default:
			v := strings.TrimSpace(line)
			if v == "" {
				v = fd.Value
			}
			values[fd.Name] = v
		}
	}
	return f.Intent(values), nil
}

// choices are an enum field's values, as offered: "free/pro/team".
func choices(fd fields.Field) string {
	var out []string
	for _, o := range fd.Options {
		out = append(out, fmt.Sprint(o))
	}
	return strings.Join(out, "/")
}

// validChoice reports whether v is one of an enum field's values.
func validChoice(fd fields.Field, v string) bool {
	for _, o := range fd.Options {
		if fmt.Sprint(o) == v {
			return true
		}
	}
	return false
}
