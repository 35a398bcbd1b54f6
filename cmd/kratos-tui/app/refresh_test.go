package app_test

import (
	"testing"
	"time"
)

// TestSessionRefreshResetsExpiry: signing in again with refresh=true (R,
// SessionRefreshRequested) is how a session lives longer: the real
// Kratos moves its expiry and authentication time on.
func TestSessionRefreshResetsExpiry(t *testing.T) {
	srv := kratosServer(t)
	c := startClient(t, srv.PublicURL, clientOptions{})
	type session struct {
		signedIn
		ExpiresAt       time.Time `json:"expires_at"`
		AuthenticatedAt time.Time `json:"authenticated_at"`
	}
	c.await("SignedOut")
	c.send("RegistrationFlowRequested", nil)
	c.await("RegistrationFormShown")
	c.send("SignUpSubmitted", map[string]any{"email": uniqueEmail(t), "password": password})
	before := decode[session](t, c.await("SignedIn"))
	if before.ExpiresAt.IsZero() {
		t.Fatalf("no expiry: %+v", before)
	}
	c.send("SessionRefreshRequested", nil)
	c.await("ReauthenticationFormShown")
	c.send("ReauthenticationSubmitted", map[string]any{"password": password})
	after := decode[session](t, c.await("SignedIn"))
	if !after.ExpiresAt.After(before.ExpiresAt) || !after.AuthenticatedAt.After(before.AuthenticatedAt) {
		t.Fatalf("the refresh should move the expiry on: before %s (authenticated %s), after %s (authenticated %s)",
			before.ExpiresAt, before.AuthenticatedAt, after.ExpiresAt, after.AuthenticatedAt)
	}
}
