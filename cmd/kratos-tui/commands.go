package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/joho/godotenv"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
	_ "github.com/kratos-tui/kratos-tui/ui/jsonui" // registers the json UI
	_ "github.com/kratos-tui/kratos-tui/ui/plain"  // registers the plain UI
	_ "github.com/kratos-tui/kratos-tui/ui/tui"    // registers the tui
)

// Version is the client's version, set at build time with
// -ldflags "-X main.Version=...".
var Version = "dev"

// settings are the flags shared by every command.
type settings struct {
	kratosAPI, backend, envFile, uiName, tokenStore, tokenDir string
	logFile, logLevel                                         string
	timeout                                                   time.Duration
	revealToken                                               bool
	// record is the flow log to record the run to (--record).
	record string
}

func newRootCommand(stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	var s settings
	root := &cobra.Command{
		Use:   "kratos-tui",
		Short: "A terminal client for Ory Kratos: sign in, sign up, session, sign out",
		Long: `kratos-tui signs you in to an Ory Kratos server from a terminal.

Settings come from flags, else the environment, else a .env file, with the
seed app's names: KRATOS_API (Kratos public URL) and BACKEND (backend URL,
optional; without it Kratos whoami answers for the session).`,
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
	f.StringVar(&s.envFile, "env-file", ".env", "file of KEY=value settings read when present")
	f.StringVar(&s.uiName, "ui", "", "user interface: "+strings.Join(ui.Names(), ", ")+" (default: tui on a terminal, else plain)")
	f.StringVar(&s.tokenStore, "token-store", "auto", "where the session token is kept: auto, keyring, file, memory")
	f.StringVar(&s.tokenDir, "token-dir", "", "directory of the token file (default $XDG_CONFIG_HOME/kratos-tui/tokens)")
	f.DurationVar(&s.timeout, "timeout", 10*time.Second, "timeout of each HTTP call")
	f.StringVar(&s.logFile, "log-file", "", "write logs to this file (default: stderr, or a file for the tui)")
	f.StringVar(&s.logLevel, "log-level", "warn", "log level: debug, info, warn, error")
	f.BoolVar(&s.revealToken, "reveal-token", false, "print the session token in clear (json and plain UIs)")
	f.StringVar(&s.record, "record", "", "record every event of the run to this flow log (JSON Lines, secrets redacted)")

	root.AddCommand(versionCommand(stdout), statusCommand(&s, stdin, stdout, stderr), logoutCommand(&s, stdin, stdout, stderr))
	root.AddCommand(replayCommand(&s, stdin, stdout, stderr), traceCommand(stdin, stdout, stderr))
	return root
}

func versionCommand(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(stdout, "kratos-tui %s\n", Version)
			return err
		},
	}
}

func statusCommand(s *settings, stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Say who is signed in; exit 0 when signed in, 1 when not",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			script := &app.Script{}
			if err := s.runScript(cmd, script, stdin, stdout, stderr); err != nil {
				return err
			}
			switch st := script.Last().(type) {
			case events.SignedIn:
				fmt.Fprintf(stdout, "Signed in as %s (identity %s, verified: %t)\n", st.Email, st.IdentityID, st.Verified)
				if st.ExpiresAt != nil {
					fmt.Fprintf(stdout, "Session expires %s\n", st.ExpiresAt.Local().Format(time.RFC1123))
				}
				return nil
			case events.SecondFactorFormShown:
				fmt.Fprintln(stdout, "Signed in with a password, but a second factor is needed: run kratos-tui to enter it.")
				return exitError{code: 1}
			case events.SignedOut:
				msg := "Not signed in."
				if st.Message != "" {
					msg = st.Message
				}
				fmt.Fprintln(stdout, msg)
				return exitError{code: 1}
			default:
				return unexpected(st)
			}
		},
	}
}

func logoutCommand(s *settings, stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Sign out: revoke the session at Kratos and delete the stored token",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			if err := s.runScript(cmd, script, stdin, stdout, stderr); err != nil {
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
				return errors.New(st.Notice)
			default:
				return unexpected(st)
			}
		},
	}
}

// runScript runs the client with a scripted UI (no user) for a command.
func (s *settings) runScript(cmd *cobra.Command, script *app.Script, stdin *os.File, stdout, stderr *os.File) error {
	cfg, closeLog, err := s.config(stdin, stdout, stderr)
	if err != nil {
		return err
	}
	client, err := app.NewClient(cfg)
	if err != nil {
		return afterClose(err, closeLog)
	}
	return afterClose(app.RunWith(cmd.Context(), cfg, client, script), closeLog)
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
	fileVals := map[string]string{}
	if s.envFile != "" {
		vals, err := godotenv.Read(s.envFile)
		switch {
		case err == nil:
			fileVals = vals
		case errors.Is(err, os.ErrNotExist):
		default:
			return app.Config{}, nil, fmt.Errorf("read %s: %w", s.envFile, err)
		}
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
	terminal := isatty.IsTerminal(stdin.Fd()) && isatty.IsTerminal(stdout.Fd())
	cfg := app.Config{
		KratosAPI:  pick(s.kratosAPI, "KRATOS_API"),
		Backend:    pick(s.backend, "BACKEND"),
		UI:         s.uiName,
		TokenStore: s.tokenStore,
		TokenDir:   s.tokenDir,
		Timeout:    s.timeout,
		Stdio:      ui.IO{In: stdin, Out: stdout, Err: stderr, Terminal: terminal},
		UIOptions: ui.Options{
			RevealSecrets: s.revealToken,
			NoColor:       os.Getenv("NO_COLOR") != "",
			Title:         pick(s.kratosAPI, "KRATOS_API"),
		},
	}
	if err := app.ValidateURL("KRATOS_API", cfg.KratosAPI); err != nil {
		return app.Config{}, nil, err
	}
	warnPlainHTTP(stderr, "KRATOS_API", cfg.KratosAPI)
	if cfg.Backend != "" {
		warnPlainHTTP(stderr, "BACKEND", cfg.Backend)
	}
	if s.timeout <= 0 {
		return app.Config{}, nil, fmt.Errorf("--timeout must be positive, got %s", s.timeout)
	}
	uiName := s.uiName
	if uiName == "" {
		uiName = ui.Default(terminal)
	}
	logger, closeOnlyLog, err := s.logger(stderr, uiName == "tui")
	if err != nil {
		return app.Config{}, nil, err
	}
	cfg.Logger = logger
	closeLog := func() error { closeOnlyLog(); return nil }
	if s.record != "" {
		observe, closeRec, err := openRecorder(s.record, stderr)
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
func (s *settings) logger(stderr io.Writer, fullScreen bool) (zerolog.Logger, func(), error) {
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
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return zerolog.Logger{}, nil, fmt.Errorf("log file: %w", err)
	}
	return zerolog.New(f).Level(level).With().Timestamp().Logger(), func() { _ = f.Close() }, nil
}
