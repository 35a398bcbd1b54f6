package hydratest_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/hydratest"
)

// A missing binary is ErrBinaryNotFound with the way to build one, which
// New turns into a failure under KRATOS_REQUIRED=1 (never a skip).
func TestBinaryPathMissing(t *testing.T) {
	t.Setenv("HYDRA_BIN", filepath.Join(t.TempDir(), "no-hydra"))
	_, err := hydratest.BinaryPath()
	if !errors.Is(err, hydratest.ErrBinaryNotFound) || !strings.Contains(err.Error(), "make hydra") {
		t.Fatalf("BinaryPath: %v", err)
	}
}

// KratosEnv gives Kratos the provider one list item a variable (Kratos
// does not read JSON from its environment) and allows each callback.
func TestKratosEnv(t *testing.T) {
	env := (&hydratest.Server{PublicURL: "http://127.0.0.1:1", ClientID: "c", ClientSecret: "s"}).KratosEnv("http://127.0.0.1:2/callback")
	for k, want := range map[string]string{
		"SELFSERVICE_METHODS_OIDC_ENABLED":                       "true",
		"SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_ID":         hydratest.ProviderID,
		"SELFSERVICE_METHODS_OIDC_CONFIG_PROVIDERS_0_ISSUER_URL": "http://127.0.0.1:1",
		"SELFSERVICE_ALLOWED_RETURN_URLS_0":                      "http://127.0.0.1:2/callback",
		"SELFSERVICE_FLOWS_REGISTRATION_AFTER_OIDC_HOOKS_0_HOOK": "session",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
}
