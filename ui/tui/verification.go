package tui

import (
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// showVerification renders the verification flow: the email (prefilled
// with the identity's), then the code; once verified, only the messages
// and the way home. Esc goes home.
func (v *view) showVerification(f events.Form) {
	model := fields.BuildAll(f, "Verify your email")
	spec := formSpec{
		kind:  "verification",
		title: "Verify your email",
		submit: func(values map[string]string, b fields.Button) events.Event {
			return events.VerificationSubmitted(codeOrEmail(values, b))
		},
		links:  []link{v.publishLink("Back to home", 0, "", events.HomeRequested{})},
		escape: events.HomeRequested{}, escapeHelp: "home",
	}
	spec.links = append(v.mailCodeLinks(f, model, "verification"), spec.links...)
	v.showSpec(f, model, spec)
}
