package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Only the tui, which asks for the sign-in form as soon as no session is
// found, has its login flow created while the terminal opens; the json
// and plain UIs (scripts) create nothing they did not ask for.
func TestEarlyLoginFlowIsForTheTUIOnly(t *testing.T) {
	dir := t.TempDir()
	for ui, want := range map[string]bool{"tui": true, "json": false, "plain": false} {
		s := settings{envFile: os.DevNull, logLevel: "warn", timeout: 1,
			kratosAPI: "http://127.0.0.1:4433", uiName: ui, logFile: filepath.Join(dir, "client.log")}
		cfg, closeLog, err := s.config(os.Stdin, os.Stdout, os.Stderr)
		if err != nil {
			t.Fatal(err)
		}
		_ = closeLog()
		if cfg.EarlyLoginFlow != want {
			t.Errorf("--ui %s: EarlyLoginFlow %t, want %t", ui, cfg.EarlyLoginFlow, want)
		}
	}
}
