package tui_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/pquerna/otp/totp"
)

// backupCodeOnScreen finds a backup code in the line after Kratos's text.
var backupCodeOnScreen = regexp.MustCompile(`(?s)recovery codes\. Please keep them in a safe place!.*?\b([a-z0-9]{8})\b`)

// TestEndToEndSecondFactorOneMethodAtATime: with TOTP and backup codes set
// up, the second-factor screen shows the authenticator code alone; F3
// shows the backup code alone, and Enter in it signs in with the backup
// code (issue 11, item 6).
func TestEndToEndSecondFactorOneMethodAtATime(t *testing.T) {
	srv := kratosServer(t)
	h := startApp(t, srv.PublicURL)
	email := fmt.Sprintf("tui-2fa-%d@example.com", time.Now().UnixNano())

	h.waitFor("the sign-in form", signInForm)
	h.key(tcell.KeyF2)
	h.waitFor("the sign-up form", has("Sign up with ORY", "First Name"))
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyEnter)
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
	h.waitFor("TOTP linked", has("Your changes have been saved", "Unlink TOTP Authenticator App", "[4 Authenticator app]"))
	h.key(tcell.KeyPgUp)
	h.waitFor("the backup codes", has("[3 Backup codes]", "Generate new backup recovery codes"))
	h.key(tcell.KeyEnter)
	h.press('y')
	frame = h.waitFor("new backup codes", has("Confirm backup recovery codes"))
	bm := backupCodeOnScreen.FindStringSubmatch(frame)
	if bm == nil {
		t.Fatalf("no backup code on the screen:\n%s", frame)
	}
	backup := bm[1]
	h.key(tcell.KeyEnter)
	// The confirmation's own answer: the codes are gone from the form (the
	// TOTP section's "saved" could still be on screen while the call is in
	// flight, and Esc would then cancel it).
	h.waitFor("codes confirmed", func(frame string) bool {
		return has("Your changes have been saved", "[3 Backup codes]")(frame) && !strings.Contains(frame, "Confirm backup recovery codes")
	})

	h.key(tcell.KeyEscape)
	h.waitFor("the session", has("Session information", email))
	h.press('s')
	h.waitFor("the sign-in form after sign-out", has("Sign in with ORY", "You are signed out."))
	h.key(tcell.KeyCtrlU)
	h.typeText(email)
	h.key(tcell.KeyTab)
	h.typeText(password)
	h.key(tcell.KeyEnter)
	frame = h.waitFor("the second factor", has("Second factor", "Authentication code", "F3"))
	if strings.Contains(frame, "Backup recovery code") {
		t.Fatalf("both methods at once:\n%s", frame)
	}
	frame = h.key(tcell.KeyF3)
	if !strings.Contains(frame, "Backup recovery code") || strings.Contains(frame, "Authentication code") {
		t.Fatalf("F3 did not show the backup code alone:\n%s", frame)
	}
	h.typeText(backup)
	h.key(tcell.KeyEnter)
	h.waitFor("the session at aal2", has("Session information", email, "Assurance level: aal2"))
}
