package tui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/pquerna/otp/totp"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// enrolTOTP links an authenticator app to the account of token through
// Kratos's settings API and returns its secret.
func enrolTOTP(t *testing.T, srv *kratostest.Server, token string) string {
	t.Helper()
	do := func(method, url string, body any) map[string]any {
		t.Helper()
		var rd bytes.Buffer
		if body != nil {
			if err := json.NewEncoder(&rd).Encode(body); err != nil {
				t.Fatal(err)
			}
		}
		req, err := http.NewRequest(method, url, &rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Session-Token", token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %v", method, url, resp.StatusCode, out)
		}
		return out
	}
	flow := do(http.MethodGet, srv.PublicURL+"/self-service/settings/api", nil)
	secret := ""
	for _, n := range flow["ui"].(map[string]any)["nodes"].([]any) {
		a := n.(map[string]any)["attributes"].(map[string]any)
		if a["id"] == "totp_secret_key" {
			secret = a["text"].(map[string]any)["text"].(string)
		}
	}
	if secret == "" {
		t.Fatal("no TOTP secret in the settings flow")
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(http.MethodPost, srv.PublicURL+"/self-service/settings?flow="+flow["id"].(string),
		map[string]any{"method": "totp", "totp_code": code})
	return secret
}

// TestEndToEndRecoveryWithTOTPOpensThePasswordSection: an account with an
// authenticator app recovers (code by e-mail, then the second factor
// Kratos asks for before the settings) and lands on the password section
// with the line that says to set it now and for how long (issue 11,
// item 7; the second factor in between used to open Profile).
func TestEndToEndRecoveryWithTOTPOpensThePasswordSection(t *testing.T) {
	courier := kratostest.NewCourier(t)
	srv := kratostest.New(t, kratostest.Options{CourierURL: courier.URL()})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	email := fmt.Sprintf("tui-recover-totp-%d@example.com", time.Now().UnixNano())
	if _, err := srv.CreateVerifiedIdentity(ctx, email, password); err != nil {
		t.Fatal(err)
	}
	token, err := srv.LoginSessionToken(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	secret := enrolTOTP(t, srv, token)

	h := startApp(t, srv.PublicURL)
	h.waitFor("the sign-in form", signInForm)
	h.key(tcell.KeyF3)
	h.waitFor("the recovery form", has("Recover your account", "Email"))
	h.typeText(email)
	h.key(tcell.KeyEnter)
	h.waitFor("the code field", has("Recovery code"))
	code, err := courier.WaitCode(ctx, email, kratostest.TemplateRecoveryCode)
	if err != nil {
		t.Fatal(err)
	}
	h.typeText(code)
	h.key(tcell.KeyEnter)
	h.waitFor("the second factor", has("Second factor", "Authentication code"))
	otp, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.typeText(otp)
	h.key(tcell.KeyEnter)
	h.waitFor("the password section after recovery", has("Settings", "[2 Password]", "Set a new password now", "privileged"))
}
