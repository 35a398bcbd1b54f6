package tui

import (
	"errors"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// mailCodeKey fills a code form from the dev stack's mail sink.
const mailCodeKey = tcell.KeyF4

// mailCodeLinks is the dev-only link of a form that waits for an e-mailed
// code (recovery, verification): F4 fills the code field with the latest
// code of that kind in the mail sink. Only when the client runs against
// the dev stack (Options.MailDir set); never elsewhere.
func (v *view) mailCodeLinks(f events.Form, model fields.Form, templatePrefix string) []link {
	if v.opts.MailDir == "" {
		return nil
	}
	hasCode := false
	for _, fd := range model.Inputs() {
		hasCode = hasCode || fd.Name == "code"
	}
	if !hasCode {
		return nil
	}
	// Only a mail that came after the flow asked for a code: the sink
	// keeps older ones (a code already used, another flow's).
	since, _ := codeFormShown.LoadOrStore(f.FlowID, time.Now())
	return []link{{
		label: "Fill in the e-mailed code (dev mail sink)", key: mailCodeKey, help: "e-mailed code",
		do: func() { v.fillMailCode(f.Email, templatePrefix, f.FlowID, since.(time.Time)) },
	}}
}

// codeFormShown is when each flow (by id) first showed its code field.
var codeFormShown sync.Map

// fillMailCode puts the latest code of templatePrefix for email (any
// recipient when email is empty), received since since, into the current
// form's code field.
func (v *view) fillMailCode(email, templatePrefix, flowID string, since time.Time) {
	if v.form == nil || v.form.inputs["code"] == nil {
		return
	}
	m, err := mailsink.CodeFor(v.opts.MailDir, email, templatePrefix, flowID, since)
	if errors.Is(err, mailsink.ErrNoNewCode) {
		err = errors.New("no new e-mailed code in the mail sink yet: press F4 again in a moment")
	}
	if err != nil {
		v.notice = err.Error()
		v.refresh()
		return
	}
	v.putMailCode(m)
}

// putMailCode fills the code field with m's code.
func (v *view) putMailCode(m mailsink.Message) {
	in := v.form.inputs["code"]
	in.SetText(m.Code())
	v.app.SetFocus(in)
	v.notice = "Code filled in from the mail to " + m.Recipient + ": Enter submits."
	v.refresh()
}
