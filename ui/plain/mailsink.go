package plain

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
	"github.com/kratos-tui/kratos-tui/events"
)

// mailCommand, at a code prompt against the dev stack (Options.MailDir
// set), submits the latest e-mailed code from the mail sink. It does not
// exist elsewhere.
const mailCommand = "mail"

// codeAsked is when each flow (by id) first asked for its code.
var codeAsked sync.Map

// mailOffered reports whether the code prompt of form offers "mail".
func (p *Plugin) mailOffered(form events.Form, field string) bool {
	if p.opts.MailDir == "" || field != "code" {
		return false
	}
	codeAsked.LoadOrStore(form.FlowID, time.Now())
	return true
}

// mailCode returns the newest code of the flow's kind for form's address
// that arrived after the flow asked for it.
func (p *Plugin) mailCode(form events.Form, title string) (string, error) {
	kind := "verification"
	if strings.HasPrefix(title, "Recover") {
		kind = "recovery"
	}
	since, _ := codeAsked.LoadOrStore(form.FlowID, time.Now())
	m, err := mailsink.CodeFor(p.opts.MailDir, form.Email, kind, form.FlowID, since.(time.Time))
	if errors.Is(err, mailsink.ErrNoNewCode) {
		err = errors.New(`no new e-mailed code in the mail sink yet: type "mail" again in a moment`)
	}
	if err != nil {
		return "", err
	}
	return m.Code(), nil
}
