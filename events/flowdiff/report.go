package flowdiff

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// WriteText writes the result for a reader: SAME, or DIFFERENT with the
// first difference and its reason, then every difference grouped by step.
// Every value from the logs (and their paths) is escaped
// (termtext.Escape): control, C1 and bidi characters show as \u escapes.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	esc := termtext.Escape
	if r.Same {
		fmt.Fprintf(bw, "SAME %s %s: %d steps, no difference (ids, times, tokens, flow ids and placeholders' numbers ignored)\n", esc(r.A), esc(r.B), len(r.Steps))
		r.writeNotes(bw)
		return flush(bw)
	}
	steps := 0
	for _, st := range r.Steps {
		if len(st.Differences) > 0 {
			steps++
		}
	}
	fmt.Fprintf(bw, "DIFFERENT %s %s: %s in %d of %d steps\n", esc(r.A), esc(r.B), plural(r.Count, "difference"), steps, len(r.Steps))
	f := r.First
	fmt.Fprintf(bw, "first: step %d (%s), %s%s: %s\n", f.Step, esc(f.Intent), esc(f.Record), seqs(f.SeqA, f.SeqB), esc(f.Reason))
	r.writeNotes(bw)
	for _, st := range r.Steps {
		if len(st.Differences) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\nstep %d %s%s\n", st.N, esc(st.Intent), seqs(st.SeqA, st.SeqB))
		last := ""
		for _, d := range st.Differences {
			head := esc(d.Record) + seqs(d.SeqA, d.SeqB)
			if head != last {
				fmt.Fprintf(bw, "  %s\n", head)
				last = head
			}
			fmt.Fprintf(bw, "    - %s\n", esc(d.Reason))
		}
	}
	return flush(bw)
}

// writeNotes summarizes the notes, one line per kind, side and intent:
// "skipped: 1 FieldChanged step only in A (UI input: …) at A seq 22".
func (r *Result) writeNotes(bw *bufio.Writer) {
	type group struct {
		kind, side, intent, reason string
		seqs                       []string
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, n := range r.Notes {
		key := n.Kind + "\x00" + n.Side + "\x00" + n.Intent
		if n.Kind == NoteTrailing {
			key = n.Kind + "\x00" + n.Side
		}
		g := byKey[key]
		if g == nil {
			g = &group{kind: n.Kind, side: n.Side, intent: n.Intent, reason: n.Reason}
			byKey[key] = g
			groups = append(groups, g)
		}
		s := strings.TrimPrefix(seqs(n.SeqA, n.SeqB), " (")
		s = strings.TrimSuffix(s, ")")
		if n.Kind == NoteTrailing {
			s = n.Intent + " at " + s
		}
		g.seqs = append(g.seqs, s)
	}
	esc := termtext.Escape
	for _, g := range groups {
		n := len(g.seqs)
		switch g.kind {
		case NoteUIInput:
			fmt.Fprintf(bw, "skipped: %s only in %s (UI input: no adapter call, the screen only cleared its messages) at %s\n",
				plural(n, esc(g.intent)+" step"), esc(g.side), esc(strings.Join(g.seqs, ", ")))
		case NoteFlowNamed:
			fmt.Fprintf(bw, "note: %s name their flow in %s only; the machine used the same (aligned) flow on both sides (%s)\n",
				plural(n, esc(g.intent)+" intent"), esc(g.side), esc(strings.Join(g.seqs, "; ")))
		case NoteTrailing:
			fmt.Fprintf(bw, "note: %s; %s only in %s: %s\n", esc(g.reason), plural(n, "step"), esc(g.side), esc(strings.Join(g.seqs, ", ")))
		default:
			fmt.Fprintf(bw, "note: %s\n", esc(g.reason))
		}
	}
}

func seqs(a, b uint64) string {
	switch {
	case a > 0 && b > 0:
		return fmt.Sprintf(" (A seq %d, B seq %d)", a, b)
	case a > 0:
		return fmt.Sprintf(" (A seq %d)", a)
	case b > 0:
		return fmt.Sprintf(" (B seq %d)", b)
	}
	return ""
}

func flush(bw *bufio.Writer) error {
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

// WriteJSON writes the result as one indented JSON object (see Result).
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
