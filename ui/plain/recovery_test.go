package plain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// courierServer is a Kratos of its own that sends its mail to a Courier.
func courierServer(t *testing.T) (*kratostest.Server, *kratostest.Courier) {
	t.Helper()
	kratosServer(t) // skips without the binary
	courier := kratostest.NewCourier(t)
	return kratostest.New(t, kratostest.Options{CourierURL: courier.URL()}), courier
}

func TestPlainForgotPassword(t *testing.T) {
	srv, courier := courierServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	email := uniqueEmail(t)
	if _, err := srv.CreateVerifiedIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	s := start(t, srv.PublicURL)
	s.await("Sign in")
	s.await("E-Mail")
	s.send("forgot")
	s.await("Recover your account")
	s.await("Email")
	s.send(email)
	s.await("An email containing a recovery code has been sent")
	s.await("Recovery code")
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateRecoveryCode)
	if err != nil {
		t.Fatal(err)
	}
	s.send("000000")
	s.await("The recovery code is invalid")
	s.await("Recovery code")
	s.send(code)
	s.await("Note: You are signed in. Choose a new password.")
	s.await("Set a new password now")
	s.await("== Password ==")
	s.await("Command")
	const newPassword = "a-brand-new-password-77"
	s.send("password")
	s.await("Password")
	s.send(newPassword)
	s.await("Your changes have been saved")
	s.await("Command")
	s.send("home")
	s.await("Session information")
	s.await("Command")
	s.send("logout")
	s.await("You are signed out.")
	s.await("E-Mail")
	s.send(email, newPassword)
	if l := s.await("Email:"); !strings.Contains(l, email) {
		t.Fatalf("signed in as %q, want %s", l, email)
	}
	s.await("Command")
	s.send("quit")
}
