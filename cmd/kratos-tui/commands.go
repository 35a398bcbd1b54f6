package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/joho/godotenv"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/adapters/backend"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
	"github.com/kratos-tui/kratos-tui/adapters/loopback"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/internal/devenv"
	"github.com/kratos-tui/kratos-tui/internal/privatefile"
	"github.com/kratos-tui/kratos-tui/ui"
	_ "github.com/kratos-tui/kratos-tui/ui/jsonui" // registers the json UI
	_ "github.com/kratos-tui/kratos-tui/ui/plain"  // registers the plain UI
	"github.com/kratos-tui/kratos-tui/ui/tui"      // registers the tui
)

// Version is the client's version, set at build time with
// -ldflags "-X main.Version=...".
var Version = "dev"

// settings are the flags shared by every command.
type settings struct {
	kratosAPI, backend, envFile, uiName, tokenStore, tokenDir string
	logFile, logLevel                                         string
	timeout                                                   time.Duration
	revealToken, noColor                                      bool
	// callbackPort is the loopback port of social sign-in's callback.
	callbackPort int
	// loadedFiles are the env files the settings were read from.
	loadedFiles []string
	// record is the flow log to record the run to (--record).
	record string
	// secrets is the run's registry of secrets (see app.Config.Secrets).
	secrets *events.Secrets
	// redactPII pseudonymizes identifiers, e-mails and names in the
	// recording (--redact-pii).
	redactPII bool
	// preflight, when set, checks the resolved settings before anything
	// is created (the log file, the recording): replay --live checks that
	// Kratos is up, so that an outage leaves no empty recording behind.
	preflight func(app.Config) error
}

func newRootCommand(stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	root, _ := newRoot(stdin, stdout, stderr)
	return root
}

// newRoot returns the root command and its settings, whose registry of
// secrets run uses to scrub the error it prints.
func newRoot(stdin *os.File, stdout, stderr *os.File) (*cobra.Command, *settings) {
	s := settings{secrets: events.NewSecrets()}
	root := &cobra.Command{
		Use:   "kratos-tui",
		Short: "A terminal client for Ory Kratos: sign in, sign up, session, sign out",
		Long: `kratos-tui signs you in to an Ory Kratos server from a terminal.

Settings come from flags, else the environment, else a .env file, else the
dev stack's env file (<repo>/.run/kratos-tui.env, written by make up and
make run while the stack is up), with the seed app's names: KRATOS_API
(Kratos public URL) and BACKEND (backend URL, optional; without it Kratos
whoami answers for the session). --env-file FILE reads only FILE, which
must exist.

The TUI logs to $XDG_CACHE_HOME/kratos-tui/kratos-tui.log (~/.cache/... by
default) unless --log-file says otherwise; the other UIs log to stderr.`,
		Example: `  kratos-tui                                   # the TUI on a terminal, plain lines in a pipe
  kratos-tui --ui plain                        # line prompts
  kratos-tui --ui json < intents.jsonl         # JSON lines, for scripts
  kratos-tui --kratos-api https://PROJECT.projects.oryapis.com
  kratos-tui --record run.jsonl                # record the run as a flow log`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, closeLog, err := s.config(stdin, stdout, stderr)
			if err != nil {
				return err
			}
			return afterClose(app.Run(cmd.Context(), cfg), closeLog)
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&s.kratosAPI, "kratos-api", "", "Kratos public URL (env KRATOS_API)")
	f.StringVar(&s.backend, "backend", "", "backend URL serving GET /whoami (env BACKEND); empty: ask Kratos")
	f.StringVar(&s.envFile, "env-file", "", "read settings (KEY=value lines) only from this file, which must exist (default: ./.env and the dev stack's .run/kratos-tui.env, each when present)")
	f.StringVar(&s.uiName, "ui", "", "user interface: "+strings.Join(ui.Names(), ", ")+" (default: tui on a terminal, else plain)")
	f.StringVar(&s.tokenStore, "token-store", "", "where the session token is kept: auto, keyring, file, memory (env KRATOS_TUI_TOKEN_STORE; default auto)")
	f.StringVar(&s.tokenDir, "token-dir", "", "directory of the token file (env KRATOS_TUI_TOKEN_DIR; default $XDG_CONFIG_HOME/kratos-tui/tokens)")
	f.DurationVar(&s.timeout, "timeout", 10*time.Second, "timeout of each HTTP call")
	f.IntVar(&s.callbackPort, "callback-port", loopback.DefaultPort, "social sign-in: the browser comes back to http://127.0.0.1:PORT/callback (Kratos must allow it in selfservice.allowed_return_urls)")
	f.StringVar(&s.logFile, "log-file", "", "write logs to this file (default: stderr, or a file for the tui)")
	f.StringVar(&s.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	f.BoolVar(&s.revealToken, "reveal-token", false, "print the session token in clear (json and plain UIs)")
	f.BoolVar(&s.noColor, "no-color", false, "no colours (also when NO_COLOR is set)")
	f.StringVar(&s.record, "record", "", "record every event of the run to this flow log (JSON Lines, secrets redacted), or publish it to NATS JetStream: nats://HOST:PORT/STREAM")
	f.BoolVar(&s.redactPII, "redact-pii", false, "with --record: also replace identifiers, e-mail addresses and names with stable pseudonyms (user-1@example.invalid), for sharing")

	root.AddCommand(versionCommand(stdout), statusCommand(&s, stdin, stdout, stderr), tokenCommand(&s, stdin, stdout, stderr), logoutCommand(&s, stdin, stdout, stderr))
	replay, trace := replayCommand(&s, stdin, stdout, stderr), traceCommand(stdin, stdout, stderr)
	replay.Example = `  kratos-tui replay run.jsonl                 # offline: PASS, or the first divergence (exit 1)
  KRATOS_TUI_SECRET_1=... kratos-tui replay --live run.jsonl   # re-run against the live Kratos (secrets from the environment, --secrets-file or a prompt)`
	trace.Example = `  kratos-tui trace run.jsonl                  # full screen on a terminal
  kratos-tui trace --format text run.jsonl | less
  kratos-tui trace --format mermaid run.jsonl > flow.mmd`
	root.AddCommand(replay, trace, diffCommand(stdout))
	teamCommands(root, replay, trace, &s, stdin, stdout, stderr)
	// --record and --redact-pii are the client's: a command that reads or
	// compares logs, and records nothing, says so rather than ignore them.
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if s.uiName != "" && !slices.Contains(ui.Names(), s.uiName) {
			return fmt.Errorf("--ui: unknown UI %q; choose one of: %s", s.uiName, strings.Join(ui.Names(), ", "))
		}
		if (s.record != "" || s.redactPII) && !runsClient(cmd) {
			return fmt.Errorf("--record and --redact-pii record a run of the client; %s runs none and would record nothing: leave them out", cmd.CommandPath())
		}
		return nil
	}
	// Before the completion command, which takes its output at creation.
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = `  source <(kratos-tui completion bash)          # this shell
  kratos-tui completion zsh > "${fpath[1]}/_kratos-tui"
  kratos-tui completion fish > ~/.config/fish/completions/kratos-tui.fish`
			// An unknown shell is an error naming the known ones (cobra
			// would print the help and exit 0).
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return cmd.Help()
				}
				var shells []string
				for _, sub := range cmd.Commands() {
					if sub.IsAvailableCommand() {
						shells = append(shells, sub.Name())
					}
				}
				return fmt.Errorf("unknown shell %q: kratos-tui completion supports %s", args[0], strings.Join(shells, ", "))
			}
		}
	}
	return root, &s
}

func versionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  kratos-tui version",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(stdout, "kratos-tui %s\n", Version)
			return err
		},
	}
}

// localLogoutHint is added to logout's failures: the way out when Kratos
// cannot be reached.
const localLogoutHint = " To forget the stored token without Kratos: kratos-tui logout --local (the session then stays valid at Kratos until it expires)."

func logoutCommand(s *settings, stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	var local bool
	c := &cobra.Command{
		Use:   "logout",
		Short: "Sign out: revoke the session at Kratos and delete the stored token",
		Long: `Sign out: revoke the session at Kratos and delete the stored token.

With --local, Kratos is not asked: the stored token is deleted, and the
session stays valid at Kratos until it expires.`,
		Example: "  kratos-tui logout\n  kratos-tui logout --local   # Kratos unreachable: forget the token here only",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if local {
				return s.logoutLocal(stdin, stdout, stderr)
			}
			signOutSent := false
			script := &app.Script{Next: func(seen []events.Envelope) events.Event {
				switch seen[len(seen)-1].Event.(type) {
				case events.SignedIn, events.SecondFactorFormShown:
					if !signOutSent {
						signOutSent = true
						return events.SignOutRequested{}
					}
				}
				return nil
			}}
			if _, _, err := s.runScript(cmd, script, stdin, stdout, stderr); err != nil {
				return err
			}
			switch st := script.Last().(type) {
			case events.SignedOut:
				if signOutSent {
					fmt.Fprintln(stdout, st.Message)
				} else {
					fmt.Fprintln(stdout, "Not signed in; nothing to do.")
				}
				return nil
			case events.SignedIn:
				return errors.New(st.Notice + localLogoutHint)
			case events.SessionCheckFailed:
				return errors.New(unexpected(st).Error() + localLogoutHint)
			default:
				return unexpected(st)
			}
		},
	}
	c.Flags().BoolVar(&local, "local", false, "do not ask Kratos: only delete the stored token (the session stays valid at Kratos until it expires)")
	return c
}

// logoutLocal deletes the stored token without asking Kratos.
func (s *settings) logoutLocal(stdin *os.File, stdout, stderr *os.File) error {
	cfg, closeLog, err := s.config(stdin, stdout, stderr)
	if err != nil {
		return err
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		return afterClose(err, closeLog)
	}
	token, err := client.Tokens.Load()
	if err != nil {
		return afterClose(fmt.Errorf("read the stored token (%s): %w", client.TokenWhere, err), closeLog)
	}
	if token == "" {
		fmt.Fprintln(stdout, "Not signed in; nothing to do.")
		return afterClose(nil, closeLog)
	}
	if err := client.Tokens.Delete(); err != nil {
		return afterClose(fmt.Errorf("delete the stored token (%s): %w", client.TokenWhere, err), closeLog)
	}
	fmt.Fprintf(stdout, "Signed out locally: the stored session token is deleted (%s).\n", client.TokenWhere)
	fmt.Fprintln(stderr, "Warning: Kratos was not asked, so the session stays valid at Kratos until it expires; whoever holds a copy of the token can use it until then.")
	return afterClose(nil, closeLog)
}

// runScript runs the client with a scripted UI (no user) for a command,
// and returns the configuration and client it used (as far as they were
// made).
func (s *settings) runScript(cmd *cobra.Command, script *app.Script, stdin *os.File, stdout, stderr *os.File) (app.Config, *app.Client, error) {
	cfg, closeLog, err := s.config(stdin, stdout, stderr)
	if err != nil {
		return cfg, nil, err
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		return cfg, nil, afterClose(err, closeLog)
	}
	return cfg, client, afterClose(app.RunWith(cmd.Context(), cfg, client, script), closeLog)
}

// afterClose closes the log and the recording after a run that ended with
// err: err wins, else the closer's failure (an incomplete recording).
func afterClose(err error, closeLog func() error) error {
	if cerr := closeLog(); err == nil {
		return cerr
	}
	return err
}

// unexpected turns a state a command cannot act on into its error: the
// launch check's own message when it failed.
func unexpected(st events.Event) error {
	if failed, ok := st.(events.SessionCheckFailed); ok {
		return errors.New(failed.Message)
	}
	return fmt.Errorf("unexpected state %T", st)
}

// config resolves flags, environment and .env into an app.Config.
// The closer it returns closes the log and the recording; its error is an
// exitError when the recording is incomplete (it has said why on stderr).
func (s *settings) config(stdin *os.File, stdout, stderr *os.File) (app.Config, func() error, error) {
	fileVals, mailDir, err := s.envFiles()
	if err != nil {
		return app.Config{}, nil, err
	}
	pick := func(flag, key string) string {
		if flag != "" {
			return flag
		}
		if v, ok := os.LookupEnv(key); ok && v != "" {
			return v
		}
		return fileVals[key]
	}
	kratosAPI := pick(s.kratosAPI, "KRATOS_API")
	if mailDir != nil && kratosAPI != mailDir[0] {
		mailDir = nil // another Kratos than the dev stack's: no mail sink
	}
	terminal := isatty.IsTerminal(stdin.Fd()) && isatty.IsTerminal(stdout.Fd())
	cfg := app.Config{
		KratosAPI:    kratosAPI,
		Backend:      pick(s.backend, "BACKEND"),
		UI:           s.uiName,
		TokenStore:   pick(s.tokenStore, devenv.KeyTokenStore),
		TokenDir:     pick(s.tokenDir, devenv.KeyTokenDir),
		Timeout:      s.timeout,
		CallbackPort: s.callbackPort,
		Stdio:        ui.IO{In: stdin, Out: stdout, Err: stderr, Terminal: terminal},
		UIOptions: ui.Options{
			RevealSecrets: s.revealToken,
			NoColor:       s.noColor || os.Getenv("NO_COLOR") != "",
			Title:         kratosAPI,
		},
	}
	if mailDir != nil {
		cfg.UIOptions.MailDir = mailDir[1]
	}
	if err := app.ValidateURL("KRATOS_API", cfg.KratosAPI); err != nil {
		return app.Config{}, nil, err
	}
	// The URLs are checked before anything is written or created (the
	// recording above all, whose header names them): a URL the client
	// would refuse leaves no file behind, and its secrets (credentials, a
	// query) are not echoed.
	if err := kratos.CheckURL(cfg.KratosAPI); err != nil {
		return app.Config{}, nil, fmt.Errorf("kratos adapter: %w", err)
	}
	if cfg.Backend != "" {
		if err := backend.CheckURL(cfg.Backend); err != nil {
			return app.Config{}, nil, fmt.Errorf("backend adapter: %w", err)
		}
	}
	warnPlainHTTP(stderr, "KRATOS_API", cfg.KratosAPI)
	if cfg.Backend != "" {
		warnPlainHTTP(stderr, "BACKEND", cfg.Backend)
	}
	if s.timeout <= 0 {
		return app.Config{}, nil, fmt.Errorf("--timeout must be positive, got %s", s.timeout)
	}
	if s.callbackPort < 0 || s.callbackPort > 65535 {
		return app.Config{}, nil, fmt.Errorf("--callback-port must be a TCP port (1-65535; 0: the default %d), got %d", loopback.DefaultPort, s.callbackPort)
	}
	if s.preflight != nil {
		if err := s.preflight(cfg); err != nil {
			return app.Config{}, nil, err
		}
	}
	uiName := s.uiName
	if uiName == "" {
		uiName = ui.Default(terminal)
	}
	// The tui asks for a login flow as soon as no session is found: it is
	// created while the terminal opens.
	cfg.EarlyLoginFlow = uiName == tui.Name
	// One registry of the run's secrets: the state machine adds each one
	// it learns; the log and the recording replace them by value.
	if s.secrets == nil {
		s.secrets = events.NewSecrets()
	}
	cfg.Secrets = s.secrets
	logger, closeOnlyLog, err := s.logger(events.ScrubWriter{W: stderr, Secrets: cfg.Secrets}, uiName == "tui", cfg.Secrets)
	if err != nil {
		return app.Config{}, nil, err
	}
	cfg.Logger = logger
	if s.redactPII && s.record == "" {
		closeOnlyLog()
		return app.Config{}, nil, errors.New("--redact-pii applies to a recording: give --record FILE too")
	}
	closeLog := func() error { closeOnlyLog(); return nil }
	if s.record != "" {
		observe, closeRec, err := openRecorder(s.record, cfg, stderr, s.redactPII)
		if err != nil {
			closeOnlyLog()
			return app.Config{}, nil, err
		}
		cfg.Observers = append(cfg.Observers, observe)
		closeLog = func() error {
			err := closeRec()
			closeOnlyLog()
			return err
		}
	}
	return cfg, closeLog, nil
}

// logger opens the log: stderr, or a file for full-screen UIs (logs must
// never draw over the screen).
// Every line, at every level, goes through secrets' Scrub.
func (s *settings) logger(stderr io.Writer, fullScreen bool, secrets *events.Secrets) (zerolog.Logger, func(), error) {
	level, err := zerolog.ParseLevel(s.logLevel)
	if err != nil {
		return zerolog.Logger{}, nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", s.logLevel)
	}
	path := s.logFile
	if path == "" && fullScreen {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		path = filepath.Join(dir, "kratos-tui", "kratos-tui.log")
	}
	if path == "" {
		return zerolog.New(zerolog.ConsoleWriter{Out: stderr, NoColor: true}).Level(level).With().Timestamp().Logger(), func() {}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return zerolog.Logger{}, nil, fmt.Errorf("log file: %w", err)
	}
	// 0600, an existing file included (privatefile.Create).
	f, err := privatefile.Create(path, false)
	if err != nil {
		return zerolog.Logger{}, nil, fmt.Errorf("log file: %w", err)
	}
	return zerolog.New(events.ScrubWriter{W: f, Secrets: secrets}).Level(level).With().Timestamp().Logger(), func() { _ = f.Close() }, nil
}

// envFiles reads the settings files: --env-file alone when given (when it
// exists), else ./.env and the dev stack's env file when present, .env
// first. It returns the merged values and, when the dev stack's file was
// read and names a mail sink, that file's KRATOS_API and mail directory:
// the mail sink applies only to the stack's own Kratos.
func (s *settings) envFiles() (map[string]string, []string, error) {
	s.loadedFiles = nil
	if s.envFile != "" {
		vals, err := godotenv.Read(s.envFile)
		switch {
		case errors.Is(err, os.ErrNotExist):
			// Given by name, so wanted: a typo must not pass for "no settings".
			return nil, nil, fmt.Errorf("--env-file %s: no such file (give an existing file, or %s for none; without --env-file ./.env and the dev stack's env file are read when present)", s.envFile, os.DevNull)
		case err != nil:
			return nil, nil, fmt.Errorf("--env-file: %w", err)
		}
		s.loadedFiles = []string{s.envFile}
		return vals, devMail(vals), nil
	}
	merged := map[string]string{}
	vals, err := godotenv.Read(".env")
	switch {
	case err == nil:
		merged = vals
		s.loadedFiles = append(s.loadedFiles, ".env")
	case errors.Is(err, os.ErrNotExist):
	default:
		return nil, nil, fmt.Errorf("read .env: %w", err)
	}
	var mail []string
	if wd, err := os.Getwd(); err == nil {
		if path := devenv.Find(wd); path != "" {
			dev, err := godotenv.Read(path)
			if err != nil {
				return nil, nil, fmt.Errorf("read the dev stack's env file: %w", err)
			}
			// The stack's file applies only to the stack's Kratos: not
			// when a flag, the environment or .env names another.
			want := s.kratosAPI
			if want == "" {
				want = os.Getenv("KRATOS_API")
			}
			if want == "" {
				want = merged["KRATOS_API"]
			}
			if want == "" || want == dev["KRATOS_API"] {
				for k, v := range dev {
					if _, set := merged[k]; !set {
						merged[k] = v
					}
				}
				s.loadedFiles = append(s.loadedFiles, path)
				mail = devMail(dev)
			}
		}
	}
	return merged, mail, nil
}

// devMail returns the dev stack's KRATOS_API and mail directory from an
// env file's values, or nil.
func devMail(vals map[string]string) []string {
	if vals[devenv.KeyMailDir] == "" || vals["KRATOS_API"] == "" {
		return nil
	}
	return []string{vals["KRATOS_API"], vals[devenv.KeyMailDir]}
}

// runsClient reports whether cmd runs the client (which --record records):
// the client itself, status, logout, replay --live and the live replay
// worker (token reads the token store and records nothing).
func runsClient(cmd *cobra.Command) bool {
	switch cmd.Name() {
	case "status", "logout", "replay-worker":
		return true
	case "replay":
		live := cmd.Flags().Lookup("live")
		return live != nil && live.Value.String() == "true"
	}
	return !cmd.HasParent()
}
