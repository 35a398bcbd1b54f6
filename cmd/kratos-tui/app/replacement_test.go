package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/fsm"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// TestTooManyRecoveryCodesMovesToTheNewFlow: after too many wrong codes
// Kratos replaces the recovery flow; the client moves to the replacement,
// says what happened, and a code requested on it recovers the account
// (issue 11, item 7).
func TestTooManyRecoveryCodesMovesToTheNewFlow(t *testing.T) {
	srv, courier := courierServer(t, kratostest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	email := uniqueEmail(t)
	if _, err := srv.CreateVerifiedIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	c := startClient(t, srv.PublicURL, clientOptions{})
	c.await("SignedOut")
	c.send("RecoveryRequested", nil)
	first := decode[flowForm](t, c.await("RecoveryFormShown"))
	c.send("RecoverySubmitted", map[string]any{"email": email})
	c.await("RecoveryFormShown")
	if _, err := courier.WaitCode(ctx, email, kratostest.TemplateRecoveryCode); err != nil {
		t.Fatal(err)
	}
	var last flowForm
	for i := 0; i < 8; i++ {
		c.send("RecoverySubmitted", map[string]any{"code": "000000"})
		l := c.await("RecoveryFormShown")
		last = decode[flowForm](t, l)
		if last.FlowID != first.FlowID {
			break
		}
	}
	if last.FlowID == first.FlowID {
		t.Fatalf("still on the first flow after 8 wrong codes: %+v", last)
	}
	if !strings.Contains(last.GeneralError, "Too many attempts") || !strings.Contains(last.GeneralError, "Ask for a new code") {
		t.Fatalf("the replacement does not say what happened: %q", last.GeneralError)
	}
	// A new code, asked for on the new flow, recovers the account.
	c.send("RecoverySubmitted", map[string]any{"email": email})
	if sent := decode[flowForm](t, c.await("RecoveryFormShown")); sent.State != "sent_email" || sent.FlowID != last.FlowID {
		t.Fatalf("no new code sent on the replacement flow: %+v", sent)
	}
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateRecoveryCode)
	if err != nil {
		t.Fatal(err)
	}
	c.send("RecoverySubmitted", map[string]any{"code": code})
	if set := decode[flowForm](t, c.await("SettingsFormShown")); set.Notice != fsm.MessageRecoveryPassed {
		t.Fatalf("after the new code: %+v", set)
	}
}
