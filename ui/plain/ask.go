package plain

import (
	"context"
	"fmt"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
)

// handler answers one command line: the command word (lower case) and the
// rest of the line. ok false means the command is unknown; a nil intent
// with ok true asks again (the command only printed something).
type handler func(cmd, arg string) (intent events.Event, ok bool)

// ask prompts with label until handle takes a line (or the user quits) and
// returns its intent. An empty line is the command def ("" asks again).
func (p *Plugin) ask(ctx context.Context, label, def string, names []string, handle handler) (events.Event, error) {
	names = append(append([]string(nil), names...), "help", "quit")
	for {
		text := fmt.Sprintf("%s (%s):", label, strings.Join(names, ", "))
		if def != "" {
			text = fmt.Sprintf("%s (%s) [%s]:", label, strings.Join(names, ", "), def)
		}
		p.out.prompt(text, p.in.terminal)
		if p.out.err != nil {
			return nil, p.out.err
		}
		line, err := p.in.read(ctx, false)
		if err != nil {
			return nil, err
		}
		line = strings.TrimPrefix(strings.TrimSpace(line), "/")
		if line == "" {
			if def == "" {
				continue
			}
			line = def
		}
		cmd, arg, _ := strings.Cut(line, " ")
		cmd, arg = strings.ToLower(cmd), strings.TrimSpace(arg)
		switch cmd {
		case "quit", "exit", "q":
			return nil, errQuit
		case "help", "?":
			p.printHelp(names)
			continue
		}
		intent, ok := handle(cmd, arg)
		switch {
		case !ok:
			p.unknown(cmd)
		case intent != nil:
			return intent, nil
		}
		if p.out.err != nil {
			return nil, p.out.err
		}
	}
}

// fixed is a handler for commands without arguments.
func fixed(cmds map[string]events.Event) handler {
	return func(cmd, _ string) (events.Event, bool) {
		ev, ok := cmds[cmd]
		return ev, ok
	}
}
