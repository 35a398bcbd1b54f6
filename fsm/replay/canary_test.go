package replay_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

func canary(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "canary-" + hex.EncodeToString(b)
}

// TestCanarySecretsNeverWritten records every corpus flow with a unique
// canary password, and checks that neither it nor any real session token
// is in any byte of the log, its text timeline or its Mermaid diagram;
// each fresh recording must also replay.
func TestCanarySecretsNeverWritten(t *testing.T) {
	for _, f := range corpus {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), f.name+".jsonl")
			seen := recordFlow(t, f, uniqueEmail(f.name), canary(t), path)
			if len(seen.secrets) < 1 {
				t.Fatal("no secrets captured")
			}
			// recordFlow has scanned the log and the trace outputs for
			// every secret of the run (checkNoSecrets).
			replay.File(t, path)
		})
	}
}

// TestLiveRerun records flows, then re-runs them against the live Kratos
// with the secrets given back, a fresh email for the sign-up.
func TestLiveRerun(t *testing.T) {
	for _, name := range []string{"sign_in", "sign_up", "sign_in_wrong_password"} {
		t.Run(name, func(t *testing.T) {
			var f flow
			for _, c := range corpus {
				if c.name == name {
					f = c
				}
			}
			srv := kratosFor(t, false)
			email, password := uniqueEmail(name), canary(t)
			path := filepath.Join(t.TempDir(), name+".jsonl")
			recordFlow(t, f, email, password, path)
			rec, err := replay.LoadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			secret := password
			if name == "sign_in_wrong_password" {
				secret = "wrong-" + password // as the flow sent it
			}
			opts := replay.LiveOptions{Secrets: map[string]string{passwordPlaceholder(t, rec): secret}, RewriteEmail: map[string]string{}}
			if name == "sign_up" {
				opts.RewriteEmail[email] = uniqueEmail("rerun")
			}
			run := func(ctx context.Context, tokens adapters.TokenStore, plugin ui.Plugin) error {
				cfg := app.Config{KratosAPI: srv.PublicURL, Tokens: tokens, Timeout: 30 * time.Second,
					Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)}
				client, err := app.NewClient(cfg)
				if err != nil {
					return err
				}
				return app.RunWith(ctx, cfg, client, plugin)
			}
			res, err := replay.Live(context.Background(), rec, opts, run)
			if err != nil {
				t.Fatal(err)
			}
			if res.Drift != "" {
				t.Fatalf("drift: %s", res.Drift)
			}
			// Without the secret, the re-run says what is missing.
			if _, err := replay.Live(context.Background(), rec, replay.LiveOptions{}, run); name != "sign_up" && (err == nil || !strings.Contains(err.Error(), "KRATOS_TUI_SECRET_1")) {
				t.Fatalf("missing secret: %v", err)
			}
		})
	}
}

// checkNoSecrets fails t when a secret of the run is in any byte of the
// log at path, its text timeline, its Mermaid diagram or its detail view.
// Secrets are looked for anywhere; the six-digit codes as whole words
// (not inside a longer run of letters or digits).
func checkNoSecrets(t *testing.T, path string, seen recorded) {
	t.Helper()
	logBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, recs, err := flowlog.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	var text, mermaid bytes.Buffer
	if err := traceview.WriteText(&text, h, recs); err != nil {
		t.Fatal(err)
	}
	if err := traceview.WriteMermaid(&mermaid, recs); err != nil {
		t.Fatal(err)
	}
	var details strings.Builder
	for _, e := range traceview.Entries(recs) {
		details.WriteString(traceview.Detail(e))
	}
	outputs := map[string][]byte{"log": logBytes, "text": text.Bytes(), "mermaid": mermaid.Bytes(), "detail view": []byte(details.String())}
	for name, out := range outputs {
		for _, s := range seen.secrets {
			if s != "" && bytes.Contains(out, []byte(s)) {
				t.Errorf("%s: the %s holds a secret (%d chars, prefix %.4q)", path, name, len(s), s)
			}
		}
		for _, c := range seen.codes {
			if holdsCode(out, c) {
				t.Errorf("%s: the %s holds a one-time code (%d chars)", path, name, len(c))
			}
		}
		if bytes.Contains(out, []byte("ory_st_")) {
			t.Errorf("%s: the %s holds a session token", path, name)
		}
	}
}

// holdsCode tells whether out holds the one-time code c as a token of its
// own: not inside a longer word or number, nor as the fraction of a
// decimal number (a duration such as 12.000042 ms holds no code 000042).
func holdsCode(out []byte, c string) bool {
	alnum := func(b byte) bool {
		return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for from := 0; ; {
		i := bytes.Index(out[from:], []byte(c))
		if i < 0 {
			return false
		}
		i += from
		end := i + len(c)
		from = i + 1
		if i > 0 && alnum(out[i-1]) {
			continue
		}
		if i > 1 && out[i-1] == '.' && out[i-2] >= '0' && out[i-2] <= '9' {
			continue
		}
		if end < len(out) && alnum(out[end]) {
			continue
		}
		return true
	}
}

// TestLiveRerunAsksForMissingSecrets re-runs a recorded sign-in live with
// no secret given: the prompt is asked for «secret:1» once and its answer
// is used; without a prompt the error says how to give it, never on the
// command line.
func TestLiveRerunAsksForMissingSecrets(t *testing.T) {
	var f flow
	for _, c := range corpus {
		if c.name == "sign_in" {
			f = c
		}
	}
	srv := kratosFor(t, false)
	email, password := uniqueEmail("prompt"), canary(t)
	path := filepath.Join(t.TempDir(), "sign_in.jsonl")
	recordFlow(t, f, email, password, path)
	rec, err := replay.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	run := func(ctx context.Context, tokens adapters.TokenStore, plugin ui.Plugin) error {
		cfg := app.Config{KratosAPI: srv.PublicURL, Tokens: tokens, Timeout: 30 * time.Second,
			Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)}
		client, err := app.NewClient(cfg)
		if err != nil {
			return err
		}
		return app.RunWith(ctx, cfg, client, plugin)
	}
	var asked []string
	opts := replay.LiveOptions{Prompt: func(ph, what string) (string, error) {
		asked = append(asked, ph+" "+what)
		return password, nil
	}}
	res, err := replay.Live(context.Background(), rec, opts, run)
	if err != nil {
		t.Fatal(err)
	}
	if res.Drift != "" || len(asked) != 1 || !strings.HasPrefix(asked[0], "«secret:1» SignInSubmitted") {
		t.Fatalf("drift %q, asked %q", res.Drift, asked)
	}
	_, err = replay.Live(context.Background(), rec, replay.LiveOptions{}, run)
	if err == nil || !strings.Contains(err.Error(), "KRATOS_TUI_SECRET_1=VALUE") || !strings.Contains(err.Error(), "--secrets-file") || strings.Contains(err.Error(), "--secret ") {
		t.Fatalf("without a prompt: %v", err)
	}
}

// TestReadSecretsFile reads N=value and «secret:N»=value lines, skips
// comments, refuses a file others can read, and never quotes a value in
// its errors.
func TestReadSecretsFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte("# comment\n1=pw one=with equals\n\n«secret:2»=tok\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := replay.ReadSecretsFile(good)
	if err != nil || got["«secret:1»"] != "pw one=with equals" || got["«secret:2»"] != "tok" || len(got) != 2 {
		t.Fatalf("got %q, %v", got, err)
	}
	loose := filepath.Join(dir, "loose")
	if err := os.WriteFile(loose, []byte("1=x\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := replay.ReadSecretsFile(loose); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a file others can read: %v", err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("not-a-placeholder-SecretValue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := replay.ReadSecretsFile(bad); err == nil || strings.Contains(err.Error(), "SecretValue") || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("a bad line: %v", err)
	}
}

func TestHoldsCode(t *testing.T) {
	for _, c := range []struct {
		out  string
		want bool
	}{
		{`"code":"000042"`, true},
		{"code 000042.", true},
		{"000042", true},
		{"took 12.000042 ms", false},
		{"T20:05:16.000042Z", false},
		{"1000042", false},
		{"000042a", false},
	} {
		if got := holdsCode([]byte(c.out), "000042"); got != c.want {
			t.Errorf("holdsCode(%q) = %v, want %v", c.out, got, c.want)
		}
	}
}

// passwordPlaceholder is the placeholder the first intent with a password
// holds (the numbers follow the order secrets first appear in: a cookie
// of an earlier answer takes one before the password).
func passwordPlaceholder(t *testing.T, rec *replay.Recording) string {
	t.Helper()
	for _, r := range rec.Intents() {
		b, _ := json.Marshal(r.Event)
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			if p, ok := m["password"].(string); ok && flowlog.IsPlaceholder(p) {
				return p
			}
		}
	}
	t.Fatal("no intent with a password placeholder")
	return ""
}
