package mutation

// The breaks. Each names what it does to the client.
const (
	// No410Continue: the Kratos adapter does not continue an expired flow
	// (410 with use_flow_id) on its replacement.
	No410Continue = "kratos-410-not-continued"
	// DropMessageIDs: the Kratos adapter drops every UI message id.
	DropMessageIDs = "kratos-message-ids-dropped"
	// SwapErrorClasses: the Kratos adapter classifies an invalid form
	// (validation) as unauthorized and the reverse.
	SwapErrorClasses = "kratos-error-classes-swapped"
	// FieldErrorToGeneral: the Kratos adapter moves field messages to the
	// form's general messages.
	FieldErrorToGeneral = "kratos-field-error-moved-to-general"
	// WrongFlowID: the Kratos adapter submits to another flow id than the
	// one it was given.
	WrongFlowID = "kratos-wrong-flow-id-sent"
	// DropTrait: the Kratos adapter leaves the email trait out of a
	// registration.
	DropTrait = "kratos-trait-dropped"
	// MachineNoTokenSave: the state machine does not save the session
	// token after signing in.
	MachineNoTokenSave = "fsm-token-not-saved"
	// LowerCasePassword: the Kratos adapter sends the password of a sign-in
	// in lower case.
	LowerCasePassword = "kratos-password-lower-cased"

	// SocialRegistrationIgnored: the Kratos adapter starts a login flow
	// for a social sign-up (Registration ignored).
	SocialRegistrationIgnored = "kratos-social-registration-ignored"
	// CallbackQueryDropped: the state machine reads the browser's return
	// without its query (no code, no flow, no error).
	CallbackQueryDropped = "fsm-callback-query-dropped"
	// CallbackPortIgnored: the state machine listens on the default
	// callback (port 4446) whatever the configured one (--callback-port).
	CallbackPortIgnored = "fsm-callback-port-ignored"

	// Breaks that only add to what the client shows: caught because a
	// log of the current format is compared strictly (a field the replay
	// has and the recording lacks is a divergence).
	//
	// InfoShownAsError: the state machine shows a flow's info message
	// (a code was sent) as the form's general error.
	InfoShownAsError = "fsm-info-shown-as-error"
	// EverySessionCurrent: the state machine marks every session of the
	// list as the current one.
	EverySessionCurrent = "fsm-every-session-current"
	// EveryNodeRequired: the Kratos adapter marks every node of a flow as
	// required (hidden fields, buttons, optional traits).
	EveryNodeRequired = "kratos-every-node-required"
)

// All lists every break.
var All = []string{No410Continue, DropMessageIDs, SwapErrorClasses, FieldErrorToGeneral, WrongFlowID, DropTrait, MachineNoTokenSave, LowerCasePassword,
	SocialRegistrationIgnored, CallbackQueryDropped, CallbackPortIgnored,
	InfoShownAsError, EverySessionCurrent, EveryNodeRequired}
