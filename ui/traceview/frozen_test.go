package traceview

import (
	looplab "github.com/looplab/fsm"
)

// frozenStates and frozenTable are the state machine as the Mermaid
// goldens were made, so that growing the machine does not break them;
// TestMermaidCoversLiveTable checks the live table.
var frozenStates = []string{"uninitialized", "checking_session", "unauthenticated", "loading", "login", "registration", "authenticated"}

var frozenTable = looplab.Events{
	{Name: "AppStarted", Src: []string{"uninitialized"}, Dst: "checking_session"},
	{Name: "SessionFound", Src: []string{"checking_session"}, Dst: "authenticated"},
	{Name: "SessionNotFound", Src: []string{"checking_session"}, Dst: "unauthenticated"},
	{Name: "SessionCheckFailed", Src: []string{"checking_session"}, Dst: "uninitialized"},
	{Name: "LoginFlowRequested", Src: []string{"unauthenticated", "login", "registration"}, Dst: "loading"},
	{Name: "RegistrationFlowRequested", Src: []string{"unauthenticated", "login", "registration"}, Dst: "loading"},
	{Name: "LoginFlowCreated", Src: []string{"loading"}, Dst: "login"},
	{Name: "RegistrationFlowCreated", Src: []string{"loading"}, Dst: "registration"},
	{Name: "FlowCreationFailed", Src: []string{"loading"}, Dst: "unauthenticated"},
	{Name: "FieldChanged", Src: []string{"login"}, Dst: "login"},
	{Name: "FieldChanged", Src: []string{"registration"}, Dst: "registration"},
	{Name: "SignInSubmitted", Src: []string{"login"}, Dst: "loading"},
	{Name: "SignInSucceeded", Src: []string{"loading"}, Dst: "authenticated"},
	{Name: "SignInRejected", Src: []string{"loading"}, Dst: "login"},
	{Name: "SignUpSubmitted", Src: []string{"registration"}, Dst: "loading"},
	{Name: "SignUpSucceeded", Src: []string{"loading"}, Dst: "authenticated"},
	{Name: "SignUpRejected", Src: []string{"loading"}, Dst: "registration"},
	{Name: "SignUpCompletedWithoutSession", Src: []string{"loading"}, Dst: "login"},
	{Name: "SignOutRequested", Src: []string{"authenticated"}, Dst: "loading"},
	{Name: "SignOutSucceeded", Src: []string{"loading"}, Dst: "unauthenticated"},
	{Name: "SignOutFailed", Src: []string{"loading"}, Dst: "authenticated"},
}
