package jsonui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// MailCodeType is the dev-only input line {"type":"MailCodeFillRequested"}:
// against the dev stack (ui.Options.MailDir set) it submits the current
// recovery or verification form with the latest code the mail sink got for
// it, waiting up to MailCodeWait for the mail, and answers with a line
// {"kind":"mail","intent":"RecoverySubmitted","recipient":"...","subject":"..."}
// (the code itself is not echoed). Elsewhere it is answered with an error
// line.
const MailCodeType = "MailCodeFillRequested"

// MailCodeWait bounds the wait for the e-mail.
const MailCodeWait = 30 * time.Second

// mailLine is the answer to MailCodeFillRequested.
type mailLine struct {
	Kind      string `json:"kind"`
	Intent    string `json:"intent"`
	Recipient string `json:"recipient"`
	Subject   string `json:"subject,omitempty"`
}

// mailState follows the code forms shown and when a code was last asked
// for, for MailCodeFillRequested.
type mailState struct {
	mu    sync.Mutex
	form  string // "recovery", "verification" or ""
	email string
	flow  string    // the code form's flow id
	state string    // its state (choose_method: no code sent yet)
	since time.Time // when an e-mail with a code was last asked for
}

func isMailLine(text string) bool {
	var in struct {
		Type string `json:"type"`
	}
	return json.Unmarshal([]byte(text), &in) == nil && in.Type == MailCodeType
}

// observe notes the code form on screen.
func (m *mailState) observe(ev events.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch ev := ev.(type) {
	case events.RecoveryFormShown:
		m.form, m.email, m.flow, m.state = "recovery", ev.Email, ev.FlowID, ev.State
	case events.VerificationFormShown:
		m.form, m.email, m.flow, m.state = "verification", ev.Email, ev.FlowID, ev.State
	default:
		if ev.EventKind() == events.KindState && ev.EventType() != "RequestStarted" && ev.EventType() != "IntentRejected" {
			m.form = ""
		}
	}
}

// published notes an intent that makes Kratos send a code.
func (m *mailState) published(ev events.Event) {
	var email string
	switch ev := ev.(type) {
	case events.RecoverySubmitted:
		email = ev.Email
	case events.VerificationSubmitted:
		email = ev.Email
	}
	if email != "" {
		m.mu.Lock()
		m.since = time.Now().Add(-time.Second)
		m.mu.Unlock()
	}
}

// fillMailCode answers MailCodeFillRequested on input line n.
func (p *Plugin) fillMailCode(ctx context.Context, host ui.Host, n int) error {
	if p.opts.MailDir == "" {
		p.writeError(n, errors.New(MailCodeType+" works only against the dev stack's Kratos (make up or make run), which has a mail sink"))
		return nil
	}
	if err := host.Wait(ctx); err != nil {
		return err
	}
	p.mail.mu.Lock()
	form, email, since, flow, state := p.mail.form, p.mail.email, p.mail.since, p.mail.flow, p.mail.state
	p.mail.mu.Unlock()
	if form == "" {
		p.writeError(n, errors.New(MailCodeType+": no recovery or verification form waits for a code"))
		return nil
	}
	if state == "choose_method" {
		// Nothing was sent yet: waiting would wait out MailCodeWait.
		p.writeError(n, fmt.Errorf("%s: the %s form has not sent a code yet: submit the e-mail address first", MailCodeType, form))
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, MailCodeWait)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		m, err := mailsink.CodeFor(p.opts.MailDir, email, form, flow, since)
		if err == nil {
			var intent events.Event = events.RecoverySubmitted{Code: m.Code()}
			if form == "verification" {
				intent = events.VerificationSubmitted{Code: m.Code()}
			}
			line, _ := json.Marshal(mailLine{Kind: "mail", Intent: intent.EventType(), Recipient: m.Recipient, Subject: m.Subject})
			if err := p.writeLine(line); err != nil {
				return err
			}
			return host.Publish(intent)
		}
		if !errors.Is(err, mailsink.ErrNoNewCode) {
			p.writeError(n, err)
			return nil
		}
		select {
		case <-ctx.Done():
			p.writeError(n, fmt.Errorf("%s: no %s code in %s after %s", MailCodeType, form, p.opts.MailDir, MailCodeWait))
			return nil
		case <-tick.C:
		}
	}
}
