package kratostest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
)

const (
	templateFile = "kratos.yml.tmpl"
	schemaFile   = "identity.schema.json"
	jwksFile     = "jwks.test.json"
	configFile   = "kratos.yml"
	dbFile       = "db.sqlite"
	loopback     = "127.0.0.1"
)

// Options configures a Kratos started by Start or New. The zero value is a
// usable default.
type Options struct {
	// LoginLifespan, RegistrationLifespan, SettingsLifespan,
	// RecoveryLifespan and VerificationLifespan are Go-style durations
	// ("10m", "1s") for the flows' lifespans; default "10m".
	LoginLifespan, RegistrationLifespan, SettingsLifespan, RecoveryLifespan, VerificationLifespan string
	// PrivilegedSessionMaxAge is how long after sign-in a session may change
	// its credentials without re-authenticating; default "15m".
	PrivilegedSessionMaxAge string
	// NoSessionHookAfterRegistration removes the session hook after
	// password registration: the account is made but no token is issued.
	NoSessionHookAfterRegistration bool
	// CourierURL, when set, makes the courier POST each message as JSON to
	// this URL (delivery_strategy http). When empty, the courier tries SMTP
	// on a closed loopback port, so messages are never delivered; read them
	// with Server.ListCourierMessages.
	CourierURL string
	// DataDir holds the SQLite database and the rendered config. Default: a
	// new temporary directory, removed by Stop. A caller-given directory is
	// kept.
	DataDir string
	// IdentitySchema is the identity schema's file: a name in
	// testdata/kratos or an absolute path; default identity.schema.json.
	IdentitySchema string
	// Env sets configuration keys through Kratos's environment variables
	// (a key's path in upper case with "_" for "." and "-"), on top of the
	// rendered kratos.yml, for example
	// {"SELFSERVICE_FLOWS_REGISTRATION_ENABLE_LEGACY_ONE_STEP": "false"}.
	// Only names that start with a Kratos config section are accepted.
	Env map[string]string
	// LogWriter receives Kratos's stdout and stderr; default discard. The
	// last 64 KiB are kept in any case and included in startup errors.
	LogWriter io.Writer
}

func (o Options) withDefaults() Options {
	for _, p := range []*string{&o.LoginLifespan, &o.RegistrationLifespan, &o.SettingsLifespan, &o.RecoveryLifespan, &o.VerificationLifespan} {
		if *p == "" {
			*p = "10m"
		}
	}
	if o.PrivilegedSessionMaxAge == "" {
		o.PrivilegedSessionMaxAge = "15m"
	}
	if o.LogWriter == nil {
		o.LogWriter = io.Discard
	}
	return o
}

// configData is what kratos.yml.tmpl is rendered with.
type configData struct {
	Host                    string
	PublicPort, AdminPort   int
	SMTPPort                int
	PublicURL, AdminURL     string
	UIURL                   string
	DSN                     string
	SchemaURL               string
	LoginLifespan           string
	RegistrationLifespan    string
	SettingsLifespan        string
	RecoveryLifespan        string
	VerificationLifespan    string
	PrivilegedSessionMaxAge string
	RegistrationHooks       []string
	CourierURL              string
	// JWKSURL is the test JWT signing key set (testdata/kratos/jwks.test.json).
	JWKSURL string
}

func newConfigData(o Options, publicPort, adminPort, smtpPort int, schemaPath, jwksPath string) configData {
	hooks := []string{"session", "show_verification_ui"}
	if o.NoSessionHookAfterRegistration {
		hooks = []string{"show_verification_ui"}
	}
	return configData{
		Host:       loopback,
		PublicPort: publicPort,
		AdminPort:  adminPort,
		SMTPPort:   smtpPort,
		PublicURL:  fmt.Sprintf("http://%s:%d", loopback, publicPort),
		AdminURL:   fmt.Sprintf("http://%s:%d", loopback, adminPort),
		UIURL:      fmt.Sprintf("http://%s:%d/ui", loopback, publicPort),
		// WAL lets readers and a writer work at once, and a writer waits
		// up to 10 s for another: fewer "database is locked" answers from
		// a loaded Kratos.
		DSN:                     "sqlite://" + filepath.ToSlash(filepath.Join(o.DataDir, dbFile)) + "?_fk=true&mode=rwc&_busy_timeout=10000&_journal_mode=WAL",
		SchemaURL:               (&url.URL{Scheme: "file", Path: filepath.ToSlash(schemaPath)}).String(),
		LoginLifespan:           o.LoginLifespan,
		RegistrationLifespan:    o.RegistrationLifespan,
		SettingsLifespan:        o.SettingsLifespan,
		RecoveryLifespan:        o.RecoveryLifespan,
		VerificationLifespan:    o.VerificationLifespan,
		PrivilegedSessionMaxAge: o.PrivilegedSessionMaxAge,
		RegistrationHooks:       hooks,
		CourierURL:              o.CourierURL,
		JWKSURL:                 (&url.URL{Scheme: "file", Path: filepath.ToSlash(jwksPath)}).String(),
	}
}

// quoteYAML quotes s as a JSON string, which is also a valid YAML scalar.
func quoteYAML(s string) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// renderConfig renders the template in dir into path.
func renderConfig(dir, path string, data configData) error {
	tmpl, err := template.New(templateFile).
		Funcs(template.FuncMap{"q": quoteYAML}).
		Option("missingkey=error").
		ParseFiles(filepath.Join(dir, templateFile))
	if err != nil {
		return fmt.Errorf("render kratos config: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("render kratos config: %w", err)
	}
	if err := tmpl.Execute(f, data); err != nil {
		_ = f.Close()
		return fmt.Errorf("render kratos config: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("render kratos config: %w", err)
	}
	return nil
}

// configSections are the top-level keys of Kratos's configuration; an
// Options.Env name must start with one of them, so a typo (or a variable
// that is not configuration) fails the start instead of being ignored.
var configSections = []string{
	"SELFSERVICE_", "SESSION_", "IDENTITY_", "COURIER_", "SERVE_", "HASHERS_",
	"CIPHERS_", "SECRETS_", "LOG_", "FEATURE_FLAGS_", "OAUTH2_PROVIDER_",
	"PRESERVE_FLOW_ENTROPY", "SECURITY_", "ORGANIZATIONS", "DATABASE_", "DSN",
}

// configEnv turns Options.Env into sorted NAME=value pairs.
func configEnv(env map[string]string) ([]string, error) {
	out := make([]string, 0, len(env))
	for k, v := range env {
		ok := false
		for _, p := range configSections {
			ok = ok || strings.HasPrefix(k, p)
		}
		if !ok || strings.ContainsAny(k, "=\x00") {
			return nil, fmt.Errorf("env %q is not a Kratos configuration variable (e.g. SELFSERVICE_FLOWS_LOGIN_STYLE)", k)
		}
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out, nil
}
