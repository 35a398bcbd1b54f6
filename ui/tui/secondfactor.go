package tui

import (
	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// The second-factor methods and the field of each.
const (
	methodTOTP   = "totp"
	methodLookup = "lookup_secret"
	// methodCode is a code by e-mail (code.mfa_enabled): a button per
	// address to send it to, then the code.
	methodCode = "code"
)

var secondFactorField = map[string]string{methodTOTP: "totp_code", methodLookup: "lookup_secret", methodCode: "code"}

// secondFactorMethods are the methods the flow offers, TOTP first.
func secondFactorMethods(f events.Form) []string {
	var out []string
	for _, m := range []string{methodTOTP, methodLookup} {
		if fields.HasNode(f, secondFactorField[m]) {
			out = append(out, m)
		}
	}
	if fields.HasNode(f, "code") || fields.HasNode(f, "address") {
		out = append(out, methodCode)
	}
	return out
}

// showSecondFactor renders the second-factor step with one method at a
// time: the authenticator code, or a backup code (F3 switches when the
// flow offers both). Enter, or the method's button, submits the method of
// the field shown; Esc signs out.
func (v *view) showSecondFactor(f events.Form, backup bool) {
	v.showSecondFactorMethod(f, backup, false)
}

// showSecondFactorMethod renders the step with one method; switched (F3)
// drops the errors shown: they were Kratos's answer to the other method
// (a wrong authenticator code is no fault of the backup code).
func (v *view) showSecondFactorMethod(f events.Form, backup, switched bool) {
	methods := secondFactorMethods(f)
	method := methodTOTP
	switch {
	case len(methods) == 1:
		method = methods[0]
	case backup && len(methods) > 1:
		method = methodLookup
	}
	all := fields.BuildAll(f, "Second factor")
	if switched {
		all.Errors = nil
	}
	model := all
	model.Fields, model.Buttons = nil, nil
	for _, fd := range all.Fields {
		if fd.Group == method || (fd.Kind == fields.KindText && (fd.Group == "" || fd.Group == "default")) {
			model.Fields = append(model.Fields, fd)
		}
	}
	for _, b := range all.Buttons {
		if b.Group == method {
			model.Buttons = append(model.Buttons, b)
		}
	}
	if len(model.Buttons) == 0 {
		model.Buttons = []fields.Button{{Name: "method", Value: method, Label: "Verify", Group: method}}
	}
	spec := formSpec{
		kind:  "second_factor:" + method,
		title: "Second factor",
		submit: func(values map[string]string, b fields.Button) events.Event {
			if method == methodCode {
				switch b.Name {
				case "address":
					return events.SecondFactorSubmitted{Method: methodCode, Address: b.Value}
				case "resend":
					return events.SecondFactorSubmitted{Method: methodCode, Resend: true}
				}
			}
			return events.SecondFactorSubmitted{Method: method, Code: values[secondFactorField[method]]}
		},
		links:  []link{v.publishLink("Sign out", 0, "", events.SignOutRequested{})},
		escape: events.SignOutRequested{}, escapeHelp: "sign out",
	}
	if len(methods) > 1 {
		other, help := "Use a backup code instead", "backup code"
		if method == methodLookup {
			other, help = "Use the authenticator app instead", "authenticator"
		}
		spec.links = append([]link{{label: other, key: tcell.KeyF3, help: help,
			do: func() { v.showSecondFactorMethod(f, method == methodTOTP, true) }}}, spec.links...)
	}
	v.showSpec(f, model, spec)
	v.secondFactorBackup = method == methodLookup
}
