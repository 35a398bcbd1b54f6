package plain

import (
	"context"
	"strconv"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// printSessions writes the sessions, numbered, the current one marked.
func (p *Plugin) printSessions(ev events.SessionsListShown) {
	w := p.out
	if ev.Notice != "" {
		w.line("Note: %s", ev.Notice)
	}
	w.line("")
	w.line("Sessions (%d)", len(ev.Sessions))
	for i, s := range ev.Sessions {
		mark := ""
		if s.Current {
			mark = " (current)"
		}
		device := "unknown device"
		if len(s.Devices) > 0 {
			d := s.Devices[0]
			device = strings.TrimSpace(nonEmpty(d.UserAgent, "unknown") + " " + d.IPAddress)
		}
		var methods []string
		for _, m := range s.Methods {
			methods = append(methods, m.Method)
		}
		w.line("  %d. %s%s", i+1, s.ID, mark)
		w.line("     %s · signed in %s · %s · %s", device, fields.FormatTime(s.AuthenticatedAt), nonEmpty(s.AAL, "aal?"), nonEmpty(strings.Join(methods, ", "), "-"))
	}
}

// sessions asks what to do with the sessions: revoke one (by number or
// id, not the current one), revoke the others, reload, go home.
func (p *Plugin) sessions(ctx context.Context, ev events.SessionsListShown) (events.Event, error) {
	names := []string{"revoke <number or id>", "revoke-others", "reload", "home", "logout"}
	return p.ask(ctx, "Command", "", names, func(cmd, arg string) (events.Event, bool) {
		switch cmd {
		case "revoke":
			id := arg
			if n, err := strconv.Atoi(arg); err == nil && n >= 1 && n <= len(ev.Sessions) {
				id = ev.Sessions[n-1].ID
			}
			for _, s := range ev.Sessions {
				if s.ID == id && s.Current {
					p.out.line(`That is the session you are using: type "logout" to end it.`)
					return nil, true
				}
			}
			if id == "" {
				p.out.line(`Type "revoke" and the number or id of a session.`)
				return nil, true
			}
			if !p.confirmed(ctx, fields.QuestionRevokeSession) {
				return nil, true
			}
			return events.SessionRevocationRequested{SessionID: id}, true
		case "revoke-others":
			if !p.confirmed(ctx, fields.QuestionRevokeOthers) {
				return nil, true
			}
			return events.OtherSessionsRevocationRequested{}, true
		case "reload", "sessions":
			return events.SessionsRequested{}, true
		case "home", "back":
			return events.HomeRequested{}, true
		case "logout", "signout":
			return events.SignOutRequested{}, true
		}
		return nil, false
	})
}
