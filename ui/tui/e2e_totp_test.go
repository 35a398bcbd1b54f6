package tui_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/pquerna/otp/totp"
)

// secretOnScreen matches a TOTP secret (base32) alone on a line of the
// settings screen.
var secretOnScreen = regexp.MustCompile(`(?m)^║ ([A-Z2-7]{16,}) +║$`)

func TestEndToEndTOTPEnrolAndSecondFactor(t *testing.T) {
	srv := kratosServer(t)
	h := startApp(t, srv.PublicURL)
	email := fmt.Sprintf("tui-totp-%d@example.com", time.Now().UnixNano())

	h.waitFor("the sign-in form", signInForm)
	h.key(tcell.KeyF2)
	h.waitFor("the sign-up form", has("Sign up with ORY", "First Name"))
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyTab)
	h.key(tcell.KeyTab)
	h.key(tcell.KeyEnter) // Enter in the last field submits
	h.waitFor("the session", has("Session information", email))

	h.press('g')
	h.waitFor("the settings", has("[1 Profile]", "Authenticator app"))
	h.key(tcell.KeyPgDn)
	h.key(tcell.KeyPgDn)
	frame := h.waitFor("the TOTP secret", has("[3 Authenticator app]", "authenticator app secret"))
	m := secretOnScreen.FindStringSubmatch(frame)
	if m == nil {
		t.Fatalf("no TOTP secret on the screen:\n%s", frame)
	}
	secret := m[1]
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.typeText(code)
	h.key(tcell.KeyEnter)
	h.waitFor("TOTP linked", has("Your changes have been saved", "Unlink TOTP Authenticator App"))

	h.key(tcell.KeyEscape)
	h.waitFor("the session", has("Session information", email))
	h.press('s')
	h.waitFor("the sign-in form after sign-out", has("Sign in with ORY", "You are signed out.", "(required)"))
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyEnter)
	h.waitFor("the second factor", has("Second factor", "Authentication code"))
	code, err = totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.typeText(code)
	h.key(tcell.KeyEnter)
	h.waitFor("the session at aal2", has("Session information", email, "Assurance level: aal2"))
}
