package tui_test

import (
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// The self-service states, built from the Kratos answers captured by the
// adapter's integration tests (testdata/fixtures/kratos/SELFSERVICE.md)
// the way the state machine builds them.

// fixtureEmail is the address of the identity in the settings fixtures.
const fixtureEmail = "u1795761280132434626-5@example.org"

func selfForm(t *testing.T, name, email, notice string) events.Form {
	t.Helper()
	flow := flowFixture(t, name)
	f := formOf(flow, email)
	f.State = flow.State
	f.Notice = notice
	return f
}

func secondFactorForm(t *testing.T, name string) events.SecondFactorFormShown {
	return events.SecondFactorFormShown{Form: selfForm(t, name, fixtureEmail, fsm.MessageSecondFactor)}
}

func reauthForm(t *testing.T) events.ReauthenticationFormShown {
	return events.ReauthenticationFormShown{Form: selfForm(t, "login_flow_refresh_created_200.json", fixtureEmail, fsm.MessageReauthenticate)}
}

func settingsForm(t *testing.T, name, notice string) events.SettingsFormShown {
	return events.SettingsFormShown{Form: selfForm(t, name, fixtureEmail, notice)}
}

func recoveryForm(t *testing.T, name string) events.RecoveryFormShown {
	return events.RecoveryFormShown{Form: selfForm(t, name, "", "")}
}

func verificationForm(t *testing.T, name, notice string) events.VerificationFormShown {
	return events.VerificationFormShown{Form: selfForm(t, name, fixtureEmail, notice)}
}

// sessionsFixture lists the captured sessions, the first as the current
// one (as the machine puts it).
func sessionsFixture(t *testing.T) events.SessionsListShown {
	t.Helper()
	var list []struct {
		ID              string                          `json:"id"`
		AAL             string                          `json:"authenticator_assurance_level"`
		IssuedAt        *time.Time                      `json:"issued_at"`
		AuthenticatedAt *time.Time                      `json:"authenticated_at"`
		ExpiresAt       *time.Time                      `json:"expires_at"`
		Methods         []adapters.AuthenticationMethod `json:"authentication_methods"`
		Devices         []adapters.Device               `json:"devices"`
	}
	fixture(t, "sessions_list_200.json", &list)
	var out events.SessionsListShown
	for i, s := range list {
		out.Sessions = append(out.Sessions, events.SessionSummary{
			ID: s.ID, Current: i == 0, AAL: s.AAL, IssuedAt: s.IssuedAt, AuthenticatedAt: s.AuthenticatedAt,
			ExpiresAt: s.ExpiresAt, Methods: s.Methods, Devices: s.Devices,
		})
	}
	return out
}
