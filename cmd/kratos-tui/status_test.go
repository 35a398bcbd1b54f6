package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/events"
)

// jsonKeys lists the JSON keys of a struct type, nested objects as
// parent.child.
func jsonKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys = append(keys, prefix+name)
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct && ft.Elem().Name() != "Time" {
			keys = append(keys, jsonKeys(ft.Elem(), prefix+name+".")...)
		}
	}
	sort.Strings(keys)
	return keys
}

// TestStatusJSONSchema holds `status --json` to the README's schema table:
// every key of StatusJSON is documented there and nothing else is.
func TestStatusJSONSchema(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "**`kratos-tui status --json`**")
	if i < 0 {
		t.Fatal("the README has no status --json schema")
	}
	table := text[i:]
	start := strings.Index(table, "| key |")
	if start < 0 {
		t.Fatal("the README's status --json section has no table")
	}
	table = table[start:]
	if end := strings.Index(table, "\n\n"); end > 0 {
		table = table[:end]
	}
	var documented []string
	for _, row := range strings.Split(table, "\n") {
		if !strings.HasPrefix(row, "| `") {
			continue
		}
		cells := strings.Split(row, "|")
		for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(cells[1], -1) {
			documented = append(documented, m[1])
		}
		if strings.TrimSpace(cells[1]) == "`identity`" {
			for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(cells[3], -1) {
				documented = append(documented, "identity."+m[1])
			}
		}
	}
	sort.Strings(documented)
	if got := jsonKeys(reflect.TypeOf(StatusJSON{}), ""); !reflect.DeepEqual(got, documented) {
		t.Fatalf("status --json keys:\n  %v\nthe README documents:\n  %v", got, documented)
	}
}

// status and status --json against a real Kratos: exit 1 and the token
// store without a token; exit 0 with the identity, AAL, expiry and masked
// token once signed in; exit 2 and "error" when Kratos is unreachable.
// token prints the raw token into a file (not a terminal).
func TestStatusJSONAndToken(t *testing.T) {
	srv := kratostest.New(t, kratostest.Options{})
	ctx := context.Background()
	const email, password = "status-json@example.com", "status-password-123"
	id, err := srv.CreateIdentity(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	tokenDir := filepath.Join(t.TempDir(), "tokens")
	common := []string{"--kratos-api", srv.PublicURL, "--token-store", "file", "--token-dir", tokenDir}
	decode := func(out string) StatusJSON {
		t.Helper()
		var st StatusJSON
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&st); err != nil {
			t.Fatalf("status --json: %v: %s", err, out)
		}
		return st
	}

	code, out, _ := runCLI(t, append(common, "status", "--json")...)
	st := decode(out)
	if code != 1 || st.SignedIn || st.Message != "Not signed in." || st.TokenStore != "file" || !strings.HasPrefix(st.TokenFile, tokenDir) || st.Warning == "" || st.KratosAPI != srv.PublicURL {
		t.Fatalf("not signed in: exit %d, %+v", code, st)
	}
	if code, _, errOut := runCLI(t, append(common, "token")...); code != 1 || !strings.Contains(errOut, "Not signed in") {
		t.Fatalf("token without one: exit %d, %s", code, errOut)
	}

	token, err := srv.LoginSessionToken(ctx, email, password)
	if err != nil {
		t.Fatal(err)
	}
	store, _, err := tokenstore.Open(srv.PublicURL, tokenstore.OpenOptions{Backend: "file", Dir: tokenDir})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(token); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, append(common, "status", "--json")...)
	st = decode(out)
	if code != 0 || !st.SignedIn || st.Identity == nil || st.Identity.ID != id || st.Identity.Email != email || st.Identity.Identifier != email ||
		st.AAL != "aal1" || st.ExpiresAt == nil || st.Token != events.Mask(token) || strings.Contains(out, token) {
		t.Fatalf("signed in: exit %d, %s", code, out)
	}
	code, out, _ = runCLI(t, append(common, "status")...)
	for _, want := range []string{"Kratos " + srv.PublicURL, "✓ Signed in as " + email, "Identity: " + id, "AAL: aal1", "Session expires:", "Token: " + events.Mask(token), "Token store: file " + tokenDir, "! Warning:"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if code != 0 || strings.Contains(out, token) {
		t.Errorf("status: exit %d, or the token in clear:\n%s", code, out)
	}
	// Into a file (as into a pipe or $(...)), token prints the raw token.
	if code, out, _ := runCLI(t, append(common, "token")...); code != 0 || out != token+"\n" {
		t.Errorf("token into a file: exit %d, %q", code, out)
	}
	if code, out, _ := runCLI(t, append(common, "token", "--reveal")...); code != 0 || out != token+"\n" {
		t.Errorf("token --reveal: exit %d, %q", code, out)
	}

	// Kratos down: exit 2, with the error in the JSON.
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, append(common, "status", "--json", "--timeout", "2s")...)
	if st := decode(out); code != 2 || st.Error == "" || st.SignedIn {
		t.Fatalf("Kratos down: exit %d, %s", code, out)
	}
	if code, _, errOut := runCLI(t, append(common, "status")...); code != 2 || errOut == "" {
		t.Fatalf("Kratos down, text: exit %d, %q", code, errOut)
	}
}

// --no-color and NO_COLOR both turn the UIs' colours off; the dev mail
// sink is offered only with the dev stack's env file for its own Kratos.
func TestNoColorAndDevEnvFile(t *testing.T) {
	dir := t.TempDir()
	devFile := filepath.Join(dir, "kratos-tui.env")
	if err := os.WriteFile(devFile, []byte("KRATOS_API=http://127.0.0.1:4433\nBACKEND=http://127.0.0.1:4000\nKRATOS_TUI_TOKEN_STORE=file\nKRATOS_TUI_TOKEN_DIR="+dir+"\nKRATOS_TUI_MAIL_DIR="+dir+"/mail\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KRATOS_API", "")
	t.Setenv("BACKEND", "")
	for _, c := range []struct {
		args    []string
		noColor string
		want    bool
	}{
		{nil, "", false}, {[]string{"--no-color"}, "", true}, {nil, "1", true},
	} {
		t.Setenv("NO_COLOR", c.noColor)
		s := settings{envFile: devFile, logLevel: "warn", timeout: 1}
		if len(c.args) > 0 {
			s.noColor = true
		}
		cfg, closeLog, err := s.config(os.Stdin, os.Stdout, os.Stderr)
		if err != nil {
			t.Fatal(err)
		}
		closeLog()
		if cfg.UIOptions.NoColor != c.want {
			t.Errorf("%v NO_COLOR=%q: NoColor %t, want %t", c.args, c.noColor, cfg.UIOptions.NoColor, c.want)
		}
		if cfg.KratosAPI != "http://127.0.0.1:4433" || cfg.Backend != "http://127.0.0.1:4000" || cfg.TokenStore != "file" || cfg.TokenDir != dir || cfg.UIOptions.MailDir != dir+"/mail" {
			t.Errorf("settings from the dev env file: %+v", cfg)
		}
	}
	// Another Kratos: no mail sink.
	t.Setenv("NO_COLOR", "")
	s := settings{envFile: devFile, logLevel: "warn", timeout: 1, kratosAPI: "http://127.0.0.1:9999"}
	cfg, closeLog, err := s.config(os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	closeLog()
	if cfg.UIOptions.MailDir != "" {
		t.Errorf("another Kratos got the dev mail sink %q", cfg.UIOptions.MailDir)
	}
}

// Every command has examples in its --help.
func TestEveryCommandHasExamples(t *testing.T) {
	root := newRootCommand(os.Stdin, os.Stdout, os.Stderr)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if c.Runnable() && c.Example == "" && c.Parent() != nil && c.Parent().Name() != "completion" {
			t.Errorf("%q has no examples in --help", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	if root.Example == "" {
		t.Error("kratos-tui has no examples")
	}
	walk(root)
}

// The README's json protocol lists every intent and state the client has.
func TestREADMEListsEveryIntentAndState(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i, j := strings.Index(text, "### The json UI protocol"), strings.Index(text, "## Record, replay and trace")
	if i < 0 || j < i {
		t.Fatal("no json protocol section")
	}
	section := text[i:j]
	for _, typ := range events.Types() {
		ev, err := events.New(typ)
		if err != nil {
			t.Fatal(err)
		}
		if k := ev.EventKind(); k != events.KindIntent && k != events.KindState {
			continue
		}
		if !strings.Contains(section, "`"+typ+"`") {
			t.Errorf("the README's json protocol does not list %s (%s)", typ, ev.EventKind())
		}
	}
}

// "Keys without a value are left out, except the two booleans" (README):
// with KRATOS_API unset, status --json has no "kratos_api": "".
func TestStatusJSONLeavesOutEmptyKeys(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	code, out, _ := runCLI(t, "status", "--json")
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("status --json (exit %d) is not one JSON object: %v\n%s", code, err, out)
	}
	if code != codeError || got["error"] == nil {
		t.Errorf("exit %d, %v; want exit 2 and an error", code, got)
	}
	for k, v := range got {
		if _, isBool := v.(bool); isBool {
			continue
		}
		if v == nil || v == "" {
			t.Errorf("status --json has %q: %#v, want the key left out", k, v)
		}
	}
	if _, ok := got["signed_in"]; !ok {
		t.Error("status --json lacks signed_in")
	}
	// And every key, but the two booleans, is left out when empty.
	st := reflect.TypeOf(StatusJSON{})
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if f.Type.Kind() != reflect.Bool && !strings.HasSuffix(f.Tag.Get("json"), ",omitempty") {
			t.Errorf("StatusJSON.%s (%s) is printed when empty", f.Name, f.Tag.Get("json"))
		}
	}
}
