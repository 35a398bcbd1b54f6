package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
)

// FuzzEnvFile resolves the settings from an arbitrary .env file: no panic;
// either a clear error, or a config whose Kratos URL passes ValidateURL.
func FuzzEnvFile(f *testing.F) {
	f.Add("KRATOS_API=http://127.0.0.1:4433\nBACKEND=http://127.0.0.1:8080\n")
	f.Add("KRATOS_API=\"https://kratos.example.com\" # comment\nexport BACKEND='http://x'\n")
	f.Add("KRATOS_API=${HOME}/x\n")
	f.Add("KRATOS_API=not-a-url\n")
	f.Add("=\n\x00\n'unterminated")
	f.Add("KRATOS_API=http://kratos.example.com\r\nBACKEND=ftp://x\r\n")
	f.Setenv("KRATOS_API", "")
	f.Setenv("BACKEND", "")
	dir := f.TempDir()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { devNull.Close() })
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { out.Close() })
	f.Fuzz(func(t *testing.T, content string) {
		env := filepath.Join(t.TempDir(), ".env")
		if err := os.WriteFile(env, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s := settings{envFile: env, uiName: "json", tokenStore: "memory", timeout: time.Second, logLevel: "warn"}
		cfg, closeLog, err := s.config(devNull, out, out)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error")
			}
			return
		}
		closeLog()
		if verr := app.ValidateURL("KRATOS_API", cfg.KratosAPI); verr != nil {
			t.Fatalf("config accepted KRATOS_API %q that ValidateURL rejects: %v", cfg.KratosAPI, verr)
		}
	})
}

// FuzzValidateURL checks the URL validation on arbitrary input: no panic;
// a rejection names the setting; an accepted URL is http(s) with a host.
func FuzzValidateURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:4433", "https://x.example.com/base/", "", " ", "localhost:4433",
		"ftp://x", "http://", "http://[::1]:4433", "http://%zz", "HTTP://X", "http://user:pw@host/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := app.ValidateURL("KRATOS_API", raw)
		if err != nil {
			if !strings.Contains(err.Error(), "KRATOS_API") {
				t.Fatalf("error does not name the setting: %v", err)
			}
			return
		}
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(raw)), "http") {
			t.Fatalf("accepted %q", raw)
		}
	})
}
