package tui

import (
	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// showSecondFactor renders the second-factor step: the flow's code field
// (TOTP), or the same field for a backup code (F3 switches), its submit
// button, and sign out (Esc).
func (v *view) showSecondFactor(f events.Form, backup bool) {
	model := fields.BuildAll(f, "Second factor")
	codeField := "totp_code"
	if backup {
		for i, fd := range model.Fields {
			if fd.Name == codeField {
				model.Fields[i].Label = "Backup code"
				model.Fields[i].Messages = append(fd.Messages, f.FieldErrors["lookup_secret"]...)
			}
		}
		for i := range model.Buttons {
			if model.Buttons[i].Group == "totp" {
				model.Buttons[i].Label = "Use backup code"
			}
		}
	}
	other := "Use a backup code instead"
	if backup {
		other = "Use the authenticator app instead"
	}
	spec := formSpec{
		kind:  "second_factor",
		title: "Second factor",
		submit: func(values map[string]string, b fields.Button) events.Event {
			method, code := "totp", values[codeField]
			if b.Group == "lookup_secret" {
				method, code = "lookup_secret", values["lookup_secret"]
			} else if backup {
				method = "lookup_secret"
			}
			return events.SecondFactorSubmitted{Method: method, Code: code}
		},
		links: []link{
			{label: other, key: tcell.KeyF3, help: "backup code", do: func() { v.showSecondFactor(f, !backup) }},
			v.publishLink("Sign out", 0, "", events.SignOutRequested{}),
		},
		escape: events.SignOutRequested{}, escapeHelp: "sign out",
	}
	// Switching keeps what was typed: the same kind and flow.
	v.showSpec(f, model, spec)
	v.secondFactorBackup = backup
}
