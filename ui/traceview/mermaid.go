package traceview

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	looplab "github.com/looplab/fsm"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// WriteMermaid writes the state machine (fsm.States, fsm.Transitions) as a
// Mermaid stateDiagram-v2. The states the log went through get the class
// "visited", the transitions it took are listed in order in comments and
// marked with their step numbers in the edge labels.
func WriteMermaid(w io.Writer, recs []flowlog.Record) error {
	return writeMermaid(w, fsm.States, fsm.Transitions, recs)
}

type edge struct{ from, event, to string }

func writeMermaid(w io.Writer, states []string, table looplab.Events, recs []flowlog.Record) error {
	var path []edge
	visited := map[string]bool{fsm.StateUninitialized: true}
	for _, r := range recs {
		if t, ok := r.Event.(events.TransitionMade); ok {
			path = append(path, edge{t.From, t.Event, t.To})
			visited[t.From], visited[t.To] = true, true
		}
	}
	steps := map[edge][]string{}
	for i, e := range path {
		steps[e] = append(steps[e], fmt.Sprint(i+1))
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "stateDiagram-v2")
	fmt.Fprintln(bw, "    %% The kratos-tui state machine; the path of this flow log is highlighted.")
	for i, e := range path {
		fmt.Fprintf(bw, "    %%%% step %d: %s --%s--> %s\n", i+1, mermaidText(e.from), mermaidText(e.event), mermaidText(e.to))
	}
	fmt.Fprintf(bw, "    [*] --> %s\n", fsm.StateUninitialized)
	seen := map[edge]bool{}
	for _, ev := range table {
		for _, src := range ev.Src {
			e := edge{src, ev.Name, ev.Dst}
			if seen[e] {
				continue
			}
			seen[e] = true
			label := ev.Name
			if s := steps[e]; len(s) > 0 {
				label = fmt.Sprintf("%s (step %s)", ev.Name, strings.Join(s, ", "))
			}
			fmt.Fprintf(bw, "    %s --> %s : %s\n", src, ev.Dst, label)
		}
	}
	// A transition the log took that the table does not have (a log of
	// another version) is drawn too, so the path is complete. Its states
	// come from the log: a name that is not a plain Mermaid id is drawn
	// as a state of its own, its name (escaped) as its quoted label.
	ids := stateIDs{known: map[string]bool{}, ids: map[string]string{}}
	for _, s := range states {
		ids.known[s] = true
	}
	for _, e := range path {
		if !seen[e] {
			seen[e] = true
			from, to := ids.id(bw, e.from), ids.id(bw, e.to)
			fmt.Fprintf(bw, "    %s --> %s : %s (step %s, not in this table)\n", from, to, mermaidText(e.event), strings.Join(steps[e], ", "))
		}
	}
	fmt.Fprintln(bw, "    classDef visited fill:#d4f7d4,stroke:#2e8b57,stroke-width:3px,font-weight:bold")
	var names []string
	for _, s := range states {
		if visited[s] {
			names = append(names, s)
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(bw, "    class %s visited\n", strings.Join(names, ","))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write mermaid: %w", err)
	}
	return nil
}

// stateIDs names the states of a log in a Mermaid diagram.
type stateIDs struct {
	known map[string]bool   // the machine's states, drawn by name
	ids   map[string]string // other states: their ids
}

// id returns the Mermaid id of the state name, declaring it first (as
// `state "label" as id`) when the name is not a plain identifier of the
// machine's, so that no name from the log can end the statement or start
// another.
func (s *stateIDs) id(w io.Writer, name string) string {
	if s.known[name] && plainID(name) {
		return name
	}
	if id, ok := s.ids[name]; ok {
		return id
	}
	id := fmt.Sprintf("log_state_%d", len(s.ids)+1)
	s.ids[name] = id
	fmt.Fprintf(w, "    state \"%s\" as %s\n", mermaidLabel(name), id)
	return id
}

// plainID reports whether s is a Mermaid id as is: letters, digits and
// underscores, not starting with a digit.
func plainID(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// mermaidLabel is mermaidText for a quoted label: no double quote either.
func mermaidLabel(s string) string {
	return strings.ReplaceAll(mermaidText(s), `"`, "'")
}

// Load reads the log at path for viewing; a log cut short is shown up to
// its last whole record, with the error returned alongside.
func Load(path string) (flowlog.Header, []flowlog.Record, error) {
	return flowlog.ReadAll(path)
}
