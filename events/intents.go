package events

// The intents: what a user asked for. A UI plugin publishes them; the state
// machine acts on them. They mirror the seed app's seven BLoC events.

// AppStarted says the client was launched (or that the user retries the
// launch after it failed): check the stored session.
type AppStarted struct{}

// LoginFlowRequested says the user wants the sign-in form.
type LoginFlowRequested struct{}

// RegistrationFlowRequested says the user wants the sign-up form.
type RegistrationFlowRequested struct{}

// SignInSubmitted says the user submitted the sign-in form.
type SignInSubmitted struct {
	// FlowID is the login flow the form belongs to; empty means the
	// current one.
	FlowID     string `json:"flow_id,omitempty"`
	Identifier string `json:"identifier"`
	Password   string `json:"password"`
	// Method is the method of the button pressed ("password", "code");
	// empty lets the machine choose from the form: "code" when it asks for
	// an e-mailed code, the password when one is given or the form offers
	// nothing else, else "code" (send a code) when the form offers it.
	Method string `json:"method,omitempty"`
	// Code is the one-time code Kratos e-mailed (method "code").
	Code string `json:"code,omitempty"`
	// Resend asks Kratos to send a new code (method "code").
	Resend bool `json:"resend,omitempty"`
}

// SignUpSubmitted says the user submitted the sign-up form.
type SignUpSubmitted struct {
	// FlowID is the registration flow the form belongs to; empty means the
	// current one.
	FlowID string `json:"flow_id,omitempty"`
	Email  string `json:"email"`
	// Traits are further identity traits by their node name without the
	// "traits." prefix, dotted for nesting (e.g. "name.first"), or nested
	// as objects ({"address": {"postal_code": "10115"}}). A value is any
	// JSON value, sent with its type: a boolean trait as true/false, an
	// integer as 42. Email, when set, overrides Traits["email"].
	Traits   map[string]any `json:"traits,omitempty"`
	Password string         `json:"password"`
	// Method is the method of the button pressed ("profile", "password");
	// empty lets the machine choose from the form: the password when the
	// form has a password field, else two-step registration's profile
	// step (with a password given, both steps are sent in turn).
	Method string `json:"method,omitempty"`
	// Screen "previous" goes back from two-step registration's choice of
	// credential to the profile, keeping the traits.
	Screen string `json:"screen,omitempty"`
	// Code is the one-time code Kratos e-mailed (method "code").
	Code string `json:"code,omitempty"`
	// Resend asks Kratos to send a new code (method "code").
	Resend bool `json:"resend,omitempty"`
}

// FieldChanged says the user edited a form field: its error and the general
// error are cleared. For secret fields (passwords, codes) the UI leaves
// Value empty: the machine does not need it, and it must not be recorded.
type FieldChanged struct {
	Field string `json:"field"`
	Value string `json:"value,omitempty"`
}

// SignOutRequested says the user wants to sign out.
type SignOutRequested struct{}

// RequestCancelled says the user abandoned the call in flight (Esc while
// "Signing in…" shows): the machine cancels it, and the step ends as a
// failed call does, with the form as it was. With nothing in flight it
// does nothing and no state follows.
type RequestCancelled struct{}

// EventType implements Event.
func (AppStarted) EventType() string { return "AppStarted" }

// EventType implements Event.
func (LoginFlowRequested) EventType() string { return "LoginFlowRequested" }

// EventType implements Event.
func (RegistrationFlowRequested) EventType() string { return "RegistrationFlowRequested" }

// EventType implements Event.
func (SignInSubmitted) EventType() string { return "SignInSubmitted" }

// EventType implements Event.
func (SignUpSubmitted) EventType() string { return "SignUpSubmitted" }

// EventType implements Event.
func (FieldChanged) EventType() string { return "FieldChanged" }

// EventType implements Event.
func (SignOutRequested) EventType() string { return "SignOutRequested" }

// EventType implements Event.
func (RequestCancelled) EventType() string { return "RequestCancelled" }

// EventKind implements Event.
func (RequestCancelled) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (AppStarted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (LoginFlowRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (RegistrationFlowRequested) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SignInSubmitted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SignUpSubmitted) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (FieldChanged) EventKind() Kind { return KindIntent }

// EventKind implements Event.
func (SignOutRequested) EventKind() Kind { return KindIntent }

// StartsFlow implements FlowStarter.
func (AppStarted) StartsFlow() bool { return true }

// StartsFlow implements FlowStarter.
func (LoginFlowRequested) StartsFlow() bool { return true }

// StartsFlow implements FlowStarter.
func (RegistrationFlowRequested) StartsFlow() bool { return true }

// StartsFlow implements FlowStarter.
func (SignOutRequested) StartsFlow() bool { return true }

// Redacted implements Redactable.
func (e SignInSubmitted) Redacted(r Redactor) Event {
	e.Password = r(e.Password)
	if e.Code != "" {
		e.Code = r(e.Code)
	}
	return e
}

// Redacted implements Redactable.
func (e SignUpSubmitted) Redacted(r Redactor) Event {
	e.Password = r(e.Password)
	if e.Code != "" {
		e.Code = r(e.Code)
	}
	return e
}

// Redacted implements Redactable. A value of a secret field is redacted
// even though UIs are asked not to send one.
func (e FieldChanged) Redacted(r Redactor) Event {
	if IsSecretField(e.Field) && e.Value != "" {
		e.Value = r(e.Value)
	}
	return e
}

func init() {
	Register(
		func() Event { return &AppStarted{} },
		func() Event { return &LoginFlowRequested{} },
		func() Event { return &RegistrationFlowRequested{} },
		func() Event { return &SignInSubmitted{} },
		func() Event { return &SignUpSubmitted{} },
		func() Event { return &FieldChanged{} },
		func() Event { return &SignOutRequested{} },
		func() Event { return &RequestCancelled{} },
	)
}
