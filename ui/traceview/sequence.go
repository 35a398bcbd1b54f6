package traceview

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// WriteMermaidSequence writes the run as a Mermaid sequenceDiagram: the
// user's intents to the client, every HTTP exchange between the client and
// Kratos or the backend (method, path, status and Kratos's message ids),
// the token store's calls, the machine's transitions as notes, and the
// screens the client showed. Flow ids are left out of paths, so two runs
// of one flow draw the same diagram.
func WriteMermaidSequence(w io.Writer, recs []flowlog.Record) error {
	bw := bufio.NewWriter(w)
	for _, line := range SequenceLines(recs) {
		fmt.Fprintln(bw, line)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write mermaid: %w", err)
	}
	return nil
}

// SequenceLines are the lines of WriteMermaidSequence.
func SequenceLines(recs []flowlog.Record) []string {
	out := []string{
		"sequenceDiagram",
		"    %% The run of a kratos-tui flow log: intents, HTTP exchanges, token store, screens.",
		"    actor User",
		"    participant Client as kratos-tui",
		"    participant Kratos",
		"    participant Backend",
		"    participant Tokens as token store",
	}
	add := func(format string, args ...any) { out = append(out, "    "+fmt.Sprintf(format, args...)) }
	for _, r := range recs {
		switch ev := r.Event.(type) {
		case events.TransitionMade:
			add("Note over Client: %d: %s → %s", r.Seq, mermaidText(ev.From), mermaidText(ev.To))
		case events.AdapterCalled:
			// Drawn with its result, which holds the HTTP exchanges.
		case events.AdapterReturned:
			peer := map[string]string{"Kratos": "Kratos", "backend": "Backend", "token store": "Tokens"}[Peer(ev.Operation)]
			if peer == "" && len(ev.HTTP) == 0 {
				continue
			}
			if len(ev.HTTP) == 0 {
				op := ev.Operation[strings.IndexByte(ev.Operation, '.')+1:]
				add("Client->>%s: %d: %s", peer, r.Seq, mermaidText(op))
				res := "ok"
				if ev.Error != nil {
					res = "error " + string(ev.Error.Class)
				}
				add("%s-->>Client: %s", peer, res)
				continue
			}
			for _, h := range ev.HTTP {
				to := peer
				if to == "" {
					// An operation of no one adapter (session.current: the
					// backend's whoami, or Kratos's without a backend): the
					// exchange's path says who answered.
					to = httpPeer(h.URL)
				}
				add("Client->>%s: %d: %s %s", to, r.Seq, mermaidText(h.Method), mermaidText(withoutQuery(h.URL)))
				add("%s-->>Client: %s", to, mermaidText(HTTPAnswer(h)))
			}
		default:
			switch r.Kind {
			case events.KindIntent:
				add("User->>Client: %d: %s", r.Seq, mermaidText(r.Type))
			case events.KindState:
				add("Client-->>User: %d: %s", r.Seq, mermaidText(r.Type))
			}
		}
	}
	return out
}

// Peer names who answers an adapter operation: "Kratos", "backend",
// "token store", or "" for another adapter.
func Peer(op string) string {
	switch {
	case strings.HasPrefix(op, "kratos."):
		return "Kratos"
	case strings.HasPrefix(op, "backend."):
		return "backend"
	case strings.HasPrefix(op, "tokens."):
		return "token store"
	}
	return ""
}

// HTTPAnswer is an exchange's answer in a few words: the status and the
// Kratos message ids of its body, or the transport's failure.
func HTTPAnswer(h events.HTTPExchange) string {
	if h.Error != "" {
		if h.ErrorCause != "" {
			return "no answer: " + h.ErrorCause
		}
		return "no answer"
	}
	s := fmt.Sprint(h.Status)
	if ids := events.KratosMessageIDs(h.Response); len(ids) > 0 {
		s += " " + strings.Join(ids, ", ")
	}
	return s
}

// httpPeer is who answered an exchange, by its path: Kratos's public API
// (self-service flows, sessions, schemas, health), else the backend.
func httpPeer(rawURL string) string {
	path := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		path = u.Path
	}
	for _, p := range []string{"/self-service/", "/sessions", "/schemas", "/health/", "/.well-known/"} {
		if strings.HasPrefix(path, p) {
			return "Kratos"
		}
	}
	return "Backend"
}

func withoutQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// mermaidText keeps a value from the log inside one Mermaid label or
// comment: control and bidi characters (line breaks included) escaped as
// everywhere else (termtext.Escape), no semicolons or hashes (Mermaid's
// statement and entity marks), so no log value can start a statement.
func mermaidText(s string) string {
	return mermaidMarks.Replace(termtext.Escape(s))
}

var mermaidMarks = strings.NewReplacer(";", ",", "#", "")
