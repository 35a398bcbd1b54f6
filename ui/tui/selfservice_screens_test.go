package tui_test

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// Goldens of the self-service screens, fed from captured Kratos answers.

func TestSecondFactorScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(secondFactorForm(t, "login_flow_aal2_created_200.json")))
}

func TestSecondFactorWrongCodeScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(secondFactorForm(t, "login_totp_wrong_code_400.json")))
}

// TestSecondFactorBackupCodeScreen: a flow that offers only backup codes
// shows the backup code field alone, and no switch.
func TestSecondFactorBackupCodeScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(secondFactorForm(t, "login_lookup_used_code_400.json")))
}

func TestReauthenticationScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(reauthForm(t)))
}

func TestSettingsScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(settingsForm(t, "settings_flow_created_200.json", "")))
}

func TestSettingsProfileSavedScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(settingsForm(t, "settings_profile_saved_200.json", fsm.MessageSettingsSaved)))
}

func TestSettingsPasswordTooShortScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(settingsForm(t, "settings_password_too_short_400.json", "")))
}

func TestSettingsTOTPScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(settingsForm(t, "settings_flow_created_200.json", ""))
	h.key(tcell.KeyPgDn)
	golden(t, h.key(tcell.KeyPgDn)) // 3 Authenticator app
}

func TestSettingsTOTPWrongCodeScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(settingsForm(t, "settings_totp_wrong_code_400.json", "")))
}

func TestSettingsTOTPLinkedScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(settingsForm(t, "settings_flow_totp_linked_200.json", ""))
	h.key(tcell.KeyPgUp) // the last: authenticator app (unlink)
	golden(t, h.frame())
}

func TestSettingsBackupCodesScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(settingsForm(t, "settings_lookup_revealed_200.json", fsm.MessageSettingsSaved))
	h.key(tcell.KeyPgUp)
	golden(t, h.frame())
}

func TestSettingsQRScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	h.feed(settingsForm(t, "settings_flow_created_200.json", ""))
	h.key(tcell.KeyPgDn)
	h.key(tcell.KeyPgDn) // 3 Authenticator app
	frame := h.key(tcell.KeyF3)
	if !strings.Contains(frame, "█") {
		t.Fatalf("no QR code:\n%s", frame)
	}
	golden(t, frame)
	if frame := h.key(tcell.KeyEscape); strings.Contains(frame, "█") {
		t.Fatalf("Esc did not close the QR code:\n%s", frame)
	}
}

func TestSettingsWideTOTPScreen(t *testing.T) {
	h := newHarness(t, 120, 40, testOpts)
	h.feed(settingsForm(t, "settings_flow_created_200.json", ""))
	h.key(tcell.KeyPgDn)
	golden(t, h.key(tcell.KeyPgDn))
}

func TestRecoveryScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(recoveryForm(t, "recovery_flow_created_200.json")))
}

func TestRecoveryCodeSentScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(recoveryForm(t, "recovery_code_sent_200.json")))
}

func TestRecoveryWrongCodeScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(recoveryForm(t, "recovery_wrong_code_200.json")))
}

func TestVerificationScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(verificationForm(t, "verification_flow_created_200.json", "")))
}

func TestVerificationCodeSentScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(verificationForm(t, "verification_code_sent_200.json", "")))
}

func TestVerificationPassedScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(verificationForm(t, "verification_passed_200.json", fsm.MessageVerified)))
}

func TestSessionsScreen(t *testing.T) {
	h := newHarness(t, 80, 24, testOpts)
	golden(t, h.feed(sessionsFixture(t)))
}

func TestQRCode(t *testing.T) {
	lines, err := fields.QR(fields.OTPAuthURI("JBSWY3DPEHPK3PXP", "127.0.0.1", "zoë@example.com"), fields.QRQuietZone)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, strings.Join(lines, "\n")+"\n")
}
