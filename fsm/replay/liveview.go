package replay

import (
	"fmt"
	"sort"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// StableView is what a live re-run must reproduce of a state event: the
// screen (the event's type) and what is stable across runs and servers of
// the same configuration. For a form: the flow's state, Kratos's message
// ids (the flow's, each field's by field name), whether there is a general
// error, the notice, and every node's group, name and type. For a
// sign-in: the email, AAL, verification and the session's lifespan (to the
// minute). For a session list: each session's current flag, AAL, methods
// and lifespan. Never ids, times, tokens, flow ids or Kratos's texts
// (which ids stand for). rewrite maps recorded emails to live ones.
func StableView(ev events.Event, rewrite map[string]string) map[string]any {
	email := func(s string) string {
		if n, ok := rewrite[s]; ok {
			return n
		}
		return s
	}
	v := map[string]any{"type": ev.EventType()}
	if f, ok := formOf(ev); ok {
		formView(v, f, email)
		return v
	}
	switch e := ev.(type) {
	case events.SignedOut:
		v["reason"] = e.Reason
		v["error_class"] = errorClass(e.Error)
	case events.RequestStarted:
		v["operation"] = e.Operation
	case events.SessionCheckFailed:
		v["error_class"] = errorClass(e.Error)
	case events.SignedIn:
		v["email"], v["verified"], v["aal"] = email(e.Email), e.Verified, e.AAL
		v["notice"] = e.Notice
		v["session_lifespan"] = lifespan(e.AuthenticatedAt, e.ExpiresAt)
	case events.IntentRejected:
		v["intent"], v["state"], v["reason"] = e.Intent, e.State, e.Reason
	case events.SessionsListShown:
		var sessions []map[string]any
		for _, s := range e.Sessions {
			var methods []string
			for _, m := range s.Methods {
				methods = append(methods, m.Method)
			}
			sessions = append(sessions, map[string]any{
				"current": s.Current, "aal": s.AAL, "methods": fmt.Sprint(methods),
				"lifespan": lifespan(s.AuthenticatedAt, s.ExpiresAt),
			})
		}
		v["sessions"] = sessions
		v["notice"] = e.Notice
	}
	return v
}

func errorClass(e *adapters.Error) string {
	if e == nil {
		return ""
	}
	return string(e.Class)
}

// lifespan is how long a session lasts from its authentication, to the
// minute; "" when unknown.
func lifespan(from, to *time.Time) string {
	if from == nil || to == nil {
		return ""
	}
	return to.Sub(*from).Round(time.Minute).String()
}

func messageIDs(ms []adapters.Message) string {
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return fmt.Sprint(ids)
}

func formView(v map[string]any, f events.Form, email func(string) string) {
	v["email"] = email(f.Email)
	v["state"] = f.State
	v["message_ids"] = messageIDs(f.Messages)
	v["ui_message_ids"] = messageIDs(f.UI.Messages)
	fields := map[string]string{}
	for name, msgs := range f.FieldErrors {
		fields[name] = messageIDs(msgs)
	}
	v["field_message_ids"] = fields
	v["has_general_error"] = f.GeneralError != ""
	v["notice"] = f.Notice
	nodes := make([]string, 0, len(f.UI.Nodes))
	for _, n := range f.UI.Nodes {
		name := n.Attributes.Name
		if name == "" {
			name = n.Attributes.ID
		}
		typ := n.Attributes.Type
		if typ == "" {
			typ = n.Type
		}
		nodes = append(nodes, n.Group+"/"+name+"/"+typ)
	}
	v["nodes"] = nodes
}
