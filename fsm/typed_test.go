package fsm_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
)

// TestSignUpSendsTypedTraitsAndTrimsIdentifiers: traits keep their JSON
// type and nesting (dotted and nested keys merge); the e-mail is sent
// without surrounding spaces (issue 11, items 1 and 2).
func TestSignUpSendsTypedTraitsAndTrimsIdentifiers(t *testing.T) {
	var got adapters.RegistrationRequest
	k := &fakeKratos{
		registrationFlow: func() (*adapters.Flow, error) { return flow("reg-1"), nil },
		loginFlow:        func() (*adapters.Flow, error) { return flow("login-1"), nil },
		submitRegistration: func(r adapters.RegistrationRequest) (*adapters.Session, error) {
			got = r
			return nil, &adapters.Error{Class: adapters.ClassValidation, Status: 400, Message: "no", Flow: flow("reg-1")}
		},
	}
	h := signedOutHarness(t, k)
	h.send(events.RegistrationFlowRequested{})
	h.send(events.SignUpSubmitted{Email: "  ada@example.com\t", Password: "pw", Traits: map[string]any{
		"newsletter": true, "age": 42.0, "height": 1.85, "tags": []any{"a", "b"},
		"address": map[string]any{"street": "Main 1"}, "address.city": "Berlin",
	}})
	want := map[string]any{
		"email": "ada@example.com", "newsletter": true, "age": 42.0, "height": 1.85, "tags": []any{"a", "b"},
		"address": map[string]any{"street": "Main 1", "city": "Berlin"},
	}
	if !reflect.DeepEqual(got.Traits, want) {
		t.Fatalf("traits sent %#v, want %#v", got.Traits, want)
	}
	// The identifier typed on sign-up starts the sign-in form.
	form, ok := h.last(events.LoginFlowRequested{}).(events.LoginFormShown)
	if !ok || form.Email != "ada@example.com" {
		t.Fatalf("sign-in form %#v", form)
	}
}

// TestSignInTrimsTheIdentifier: " a@b.c " signs in as "a@b.c".
func TestSignInTrimsTheIdentifier(t *testing.T) {
	var got adapters.LoginRequest
	k := &fakeKratos{
		loginFlow: func() (*adapters.Flow, error) { return flow("login-1"), nil },
		submitLogin: func(r adapters.LoginRequest) (*adapters.Session, error) {
			got = r
			return session("tok-1"), nil
		},
	}
	h := signedOutHarness(t, k)
	h.send(events.LoginFlowRequested{})
	h.send(events.SignInSubmitted{Identifier: " a@example.com ", Password: " pw "})
	if got.Identifier != "a@example.com" || got.Password != " pw " {
		t.Fatalf("sent %#v (the identifier trimmed, the password as typed)", got)
	}
}

// TestHomeKeepsTheSessionDetails: a backend's whoami tells no devices,
// methods or issue time; after returning home the current session keeps
// them (issue 11, item 8).
func TestHomeKeepsTheSessionDetails(t *testing.T) {
	issued := time.Unix(1700000000, 0).UTC()
	calls := 0
	k := &fakeKratos{whoami: func(string) (*adapters.Session, error) {
		calls++
		if calls == 1 {
			s := session("")
			s.ID, s.IssuedAt = "sess-1", &issued
			s.Devices = []adapters.Device{{IPAddress: "127.0.0.1", UserAgent: "kratos-tui"}}
			s.Methods = []adapters.AuthenticationMethod{{Method: "password", AAL: "aal1"}}
			return s, nil
		}
		return &adapters.Session{IdentityID: "ident-1", Email: "a@example.com", ID: "sess-1"}, nil // as a backend answers
	}}
	h := newHarnessWith(t, k, &fakeSelf{list: func(string) ([]adapters.Session, error) { return nil, nil }})
	_ = h.tokens.Save("tok-1")
	h.send(events.AppStarted{})
	h.send(events.SessionsRequested{})
	if _, ok := h.last(events.HomeRequested{}).(events.SignedIn); !ok || calls != 2 {
		t.Fatalf("home did not ask whoami again (%d calls)", calls)
	}
	list := h.last(events.SessionsRequested{}).(events.SessionsListShown)
	cur := list.Sessions[0]
	if !cur.Current || len(cur.Devices) != 1 || len(cur.Methods) != 1 || cur.IssuedAt == nil || !cur.IssuedAt.Equal(issued) || cur.AAL != "aal1" {
		t.Fatalf("current session after home: %#v", cur)
	}
}

// TestFailureMessagesAreSentences: a cause without a full stop is
// punctuated before what to do (issue 11, item 9).
func TestFailureMessagesAreSentences(t *testing.T) {
	k := &fakeKratos{loginFlow: func() (*adapters.Flow, error) {
		return nil, &adapters.Error{Class: adapters.ClassUnavailable, Message: "cannot reach Kratos at http://127.0.0.1:1: connection refused"}
	}}
	h := signedOutHarness(t, k)
	out, ok := h.last(events.LoginFlowRequested{}).(events.SignedOut)
	if !ok || !strings.HasSuffix(out.Message, "connection refused. Try again.") {
		t.Fatalf("got %#v", out)
	}
}
