package tui

import (
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// showRecovery renders the recovery flow: the email field first; once the
// code was sent (state sent_email) the flow's nodes hold the code field,
// Continue and "Resend code". Esc goes back to sign in.
func (v *view) showRecovery(f events.Form) {
	model := fields.BuildAll(f, "Recover your account")
	spec := formSpec{
		kind:  "recovery",
		title: "Recover your account",
		submit: func(values map[string]string, b fields.Button) events.Event {
			return events.RecoverySubmitted(codeOrEmail(values, b))
		},
		links:  []link{v.publishLink("Back to sign in", 0, "", events.LoginFlowRequested{})},
		escape: events.LoginFlowRequested{}, escapeHelp: "sign in",
	}
	spec.links = append(v.mailCodeLinks(f, model, "recovery"), spec.links...)
	v.showSpec(f, model, spec)
}

// emailOrCode is what the recovery and verification forms submit.
type emailOrCode struct {
	Email string
	Code  string
}

// codeOrEmail reads a code flow's form: the "Resend code" button (named
// email) sends its address again; a form with a code field sends the
// code; else the email typed.
func codeOrEmail(values map[string]string, b fields.Button) emailOrCode {
	if b.Name == "email" && b.Value != "" {
		return emailOrCode{Email: b.Value}
	}
	if code, ok := values["code"]; ok {
		return emailOrCode{Code: code}
	}
	return emailOrCode{Email: values["email"]}
}
