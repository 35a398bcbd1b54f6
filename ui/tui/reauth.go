package tui

import (
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// showReauthentication renders the re-authentication step: the refresh
// flow's password field; Esc goes back home.
func (v *view) showReauthentication(f events.Form) {
	model := fields.BuildAll(f, "Confirm it is you")
	spec := formSpec{
		kind:  "reauthentication",
		title: "Confirm it is you",
		submit: func(values map[string]string, _ fields.Button) events.Event {
			return events.ReauthenticationSubmitted{Password: values["password"]}
		},
		links:  []link{v.publishLink("Cancel", 0, "", events.HomeRequested{})},
		escape: events.HomeRequested{}, escapeHelp: "cancel",
	}
	v.showSpec(f, model, spec)
}
