package tui

import (
	"reflect"
	"strings"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// formSpec says what a formScreen is for: how its buttons submit, its
// links and keys.
type formSpec struct {
	// kind names the form (login, recovery...): a re-render of the same
	// kind and flow that was not submitted keeps what was typed.
	kind string
	// title is the border's title; empty draws no border (a settings
	// section, inside the settings screen's).
	title string
	// submit builds the intent of a flow button, or of Enter in the last
	// input (the flow's first button); nil publishes nothing.
	submit func(values map[string]string, b fields.Button) events.Event
	// links are buttons after the flow's, each with a key.
	links []link
	// escape is published on Esc; nil: Esc does nothing.
	escape     events.Event
	escapeHelp string
	// reportEdits sends FieldChanged for the first edit of a field with an
	// error (the sign-in and sign-up forms, where the machine takes it).
	reportEdits bool
	// width is the width of the form's items; 0: the body's.
	width int
	// enterChooses: Enter in a field submits without naming a method
	// (see formScreen.enterButton).
	enterChooses bool
	// noMessages leaves the form's general messages out (the settings
	// screen shows them above its sections).
	noMessages bool
}

// link is a button of a screen that is not one of the flow's.
type link struct {
	label string
	// key presses the link from anywhere on the screen (0: none).
	key  tcell.Key
	help string
	do   func()
	// method: the link is a way to sign in (a social provider), kept in
	// the button row before the links to other forms.
	method bool
	// intent is what the link publishes, if that is all it does (a link
	// that publishes the form's Esc intent is on Esc).
	intent events.Event
}

// publishLink is a link that publishes intent.
func (v *view) publishLink(label string, key tcell.Key, help string, intent events.Event) link {
	return link{label: label, key: key, help: help, do: func() { v.publish(intent) }, intent: intent}
}

// showSpec renders a form state with spec. A re-render of the same form
// that was not submitted (an edit cleared an error) keeps what was typed
// and the focus.
func (v *view) showSpec(f events.Form, model fields.Form, spec formSpec) {
	v.setNotice(f.Notice)
	var keep *formScreen
	carry := map[string]string{}
	if prev := v.form; prev != nil {
		if prev.spec.kind == spec.kind && prev.model.FlowID == f.FlowID && (!prev.submitted || v.cancelling || failedCall(prev, f)) {
			// The same form again, after an edit, a cancelled call or a
			// call that failed before Kratos answered: everything typed
			// stays, the password too.
			keep = prev
		}
		for _, name := range []string{"identifier", "traits.email", "email"} {
			if id := strings.TrimSpace(prev.values()[name]); id != "" && !prev.secret[name] {
				v.identifier = id
			}
		}
		if prev.spec.kind == spec.kind && prev.submitted {
			// Refused and sent back without the values (an account with
			// this identifier exists): what was typed is refilled.
			carry = prev.typed()
		}
	}
	if v.identifier != "" && carriesIdentifier[spec.kind] {
		for _, name := range []string{"identifier", "traits.email", "email"} {
			if carry[name] == "" {
				carry[name] = v.identifier
			}
		}
	}
	v.cancelling = false
	v.form = newFormScreen(v, model, spec, keep, carry)
	v.form.source = f.UI
	v.show(v.form)
}

// failedCall reports whether f is the form prev submitted, sent back as it
// was but for the error: the call failed (Kratos down, slow, timed out)
// and nothing was refused, so what was typed stays. An answer of Kratos
// is a new render of the flow (its messages, the values it keeps).
func failedCall(prev *formScreen, f events.Form) bool {
	return prev.submitted && prev.source.Nodes != nil && callFailed(prev.source, f)
}

// callFailed reports whether f is the flow's form ui sent back by the
// machine with the error of a call that failed before Kratos answered:
// the same nodes and messages, and an error that is none of Kratos's.
func callFailed(ui adapters.UI, f events.Form) bool {
	if f.GeneralError == "" || !reflect.DeepEqual(ui, f.UI) {
		return false
	}
	for _, m := range f.UI.Messages {
		if m.Text == f.GeneralError {
			return false
		}
	}
	return true
}

// carriesIdentifier are the forms that start with the identifier typed on
// the one before (sign-up to sign-in, sign-in to "Forgot password?").
var carriesIdentifier = map[string]bool{"login": true, "registration": true, "recovery": true}

// showSignIn renders the sign-in or sign-up form.
func (v *view) showSignIn(f events.Form, login bool) {
	model := fields.Build(f, login)
	spec := formSpec{
		kind: "registration", title: model.Title + " with ORY", reportEdits: true, enterChooses: true,
		submit: func(values map[string]string, b fields.Button) events.Event { return model.IntentFor(values, b) },
	}
	if login {
		spec.kind = "login"
		spec.links = []link{
			v.publishLink("No account? Sign up.", tcell.KeyF2, "sign up", events.RegistrationFlowRequested{}),
			v.publishLink("Forgot password?", tcell.KeyF3, "forgot password", events.RecoveryRequested{}),
		}
		if model.Identifier != "" {
			// Kratos holds the identifier: a new flow changes it.
			spec.links = append([]link{v.publishLink("Change e-mail", 0, "", events.LoginFlowRequested{})}, spec.links...)
			spec.escape, spec.escapeHelp = events.LoginFlowRequested{}, "change e-mail"
		}
	} else {
		spec.links = []link{v.publishLink("Already have an account? Sign in.", tcell.KeyF2, "sign in", events.LoginFlowRequested{})}
		spec.escape, spec.escapeHelp = events.LoginFlowRequested{}, "back"
	}
	spec.links = append(providerLinks(v, model.Providers, !login), spec.links...)
	v.showSpec(f, model, spec)
}

// providerKeys are the keys of the first social sign-in providers.
var providerKeys = []tcell.Key{tcell.KeyF5, tcell.KeyF6, tcell.KeyF7, tcell.KeyF8}

// providerLinks are the flow's social sign-in providers as links, each
// starting a sign-in through the browser.
func providerLinks(v *view, providers []fields.Provider, registration bool) []link {
	var out []link
	for i, p := range providers {
		var key tcell.Key
		if i < len(providerKeys) {
			key = providerKeys[i]
		}
		l := v.publishLink(p.Label, key, strings.ToLower(p.Label),
			events.SocialSignInRequested{Provider: p.ID, Registration: registration})
		l.method = true
		out = append(out, l)
	}
	return out
}
