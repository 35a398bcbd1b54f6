package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestURLSecretsRefusedBeforeAnythingIsWritten: a Kratos or backend URL
// with credentials, or with a query that could hold an api key, is
// refused with exit 2 before the recording is created, and neither the
// error nor any other output repeats the secret.
func TestURLSecretsRefusedBeforeAnythingIsWritten(t *testing.T) {
	const secret = "Sup3rSecretValue99"
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--kratos-api", "http://alice:" + secret + "@127.0.0.1:1"}, "must not contain credentials"},
		{[]string{"--kratos-api", "http://127.0.0.1:1/?api_key=" + secret}, "must not have a query"},
		{[]string{"--kratos-api", "http://127.0.0.1:1", "--backend", "http://bob:" + secret + "@127.0.0.1:2"}, "contains credentials"},
		{[]string{"--kratos-api", "http://127.0.0.1:1", "--backend", "http://203.0.113.9/?api_key=" + secret}, "has a query"},
		// Refused before the adapters' checks, by the setting's own: the
		// secret is not echoed there either.
		{[]string{"--kratos-api", "alice:" + secret + "@127.0.0.1:1"}, "has no scheme"},
		{[]string{"--kratos-api", "ftp://alice:" + secret + "@127.0.0.1"}, "must be an absolute"},
		{[]string{"--kratos-api", "http://alice:" + secret + "@127.0.0.1:99999x"}, "is not a URL"},
		{[]string{"--kratos-api", "http://127.0.0.1:1", "--backend", "alice:" + secret + "@b.example.com"}, "backend"},
	}
	for _, c := range cases {
		rec := filepath.Join(t.TempDir(), "run.jsonl")
		args := append(append([]string{}, c.args...), "--ui", "json", "--token-store", "memory", "--record", rec, "--log-level", "debug")
		code, stdout, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("%v: the output repeats the secret: %q %q", c.args, stdout, stderr)
		}
		if _, err := os.Stat(rec); !os.IsNotExist(err) {
			t.Errorf("%v: the recording was created (%v)", c.args, err)
		}
	}
}
