package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// replayFlags are the flags of the replay command.
type replayFlags struct {
	live         bool
	secrets      []string // the refused --secret flag
	secretsFile  string
	rewriteEmail []string
	benchStream  int
	strict       bool
	mail         string
	trace        bool
}

// totpSecretEnv holds the TOTP secret of an identity enrolled before the
// recording, for replay --live (the README names it).
const totpSecretEnv = "KRATOS_TUI_TOTP_SECRET"

func replayCommand(s *settings, stdin *os.File, stdout, stderr *os.File) *cobra.Command {
	var rf replayFlags
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Replay a flow log through the state machine offline (PASS, or the first divergent record); --live re-runs it against a Kratos",
		Long: `replay re-runs a flow log recorded with --record.

Offline (the default), the recorded intents go through the current state
machine and the real adapters, which are served the recorded HTTP exchanges
(each request checked against the recorded one); the token store, clock and
ids answer from the recording; every event is compared with the recording.
It prints PASS, or the first divergent record with the recorded and
replayed versions side by side and the reason. Exit 0 on PASS, 1 on a
divergence, 2 when the log cannot be read. No network is used; the log is
streamed, so memory does not grow with its size.

With --live, the recorded intents are sent to the Kratos of --kratos-api in
fresh flows (recorded flow and session ids mapped to the live ones), and
the stable view of every screen is compared: Kratos message ids per field,
notices, node names, types and groups, the flow state, the session's AAL
and lifespan (not ids, times, tokens or texts). Exit 1 on drift.
Recordings hold no secrets, and secrets never go on the command line (ps
and shell history show it): give the value of «secret:1» in the
environment as KRATOS_TUI_SECRET_1=VALUE, as a line 1=VALUE in a
--secrets-file that only you can read (chmod 600), or, on a terminal, type
it when asked (input hidden). Backup codes and a TOTP secret shown during
the run are taken from the live screens, TOTP codes are computed
(KRATOS_TUI_TOTP_SECRET in the environment for an identity enrolled before
the recording), e-mailed codes are read with --mail ADMIN_URL. Use
--rewrite-email old=new for a sign-up whose email is now taken.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if rf.benchStream > 0 {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if rf.benchStream > 0 {
				return benchStream(stdout, rf.benchStream)
			}
			if rf.live {
				if rf.strict || rf.trace {
					return errors.New("--strict and --trace apply to an offline replay; --live compares each screen's stable view and reports DRIFT: leave them out")
				}
				return replayLive(cmd.Context(), s, &rf, args[0], stdin, stdout, stderr)
			}
			for _, name := range []string{"secrets-file", "mail", "rewrite-email", "kratos-api", "backend"} {
				if cmd.Flags().Changed(name) {
					return fmt.Errorf("--%s applies to --live: an offline replay sends nothing to Kratos", name)
				}
			}
			// Tuned for the replay only: the divergence viewer (--trace)
			// that may follow keeps to its own memory budget.
			restore := tuneOfflineReplay()
			res, err := replayFileWithProgress(cmd.Context(), args[0], replay.Options{Strict: rf.strict}, stderr)
			restore()
			if err != nil {
				return err
			}
			switch {
			case res.Cut != nil:
				// A run killed while writing its last line: the whole
				// records before it were replayed.
				defer fmt.Fprintf(stderr, "kratos-tui: warning: %s; the replay covers the %d whole records before it\n", termtext.Escape(res.Cut.Error()), res.Records)
			case !res.Ended:
				// A killed run leaves a legitimate log: a warning, not
				// a failure; the result covers the records it has.
				defer warnNoEndMark(stderr, args[0])
			}
			if !res.Passed() {
				fmt.Fprint(stdout, res.Divergence.ReportWidth(terminalColumns(stdout))) // escaped (termtext)
				if rf.trace {
					d := res.Divergence
					if err := viewDivergence(stdin, stdout, args[0], &traceview.Divergence{Seq: d.Seq, Field: d.Field, Reason: d.Reason, Expected: d.Expected, Actual: d.Actual}); err != nil {
						fmt.Fprintf(stderr, "kratos-tui: %v\n", err)
					}
				}
				return exitError{code: 1}
			}
			fmt.Fprintf(stdout, "PASS %s: %d records replayed\n", termtext.Escape(args[0]), res.Records)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&rf.live, "live", false, "send the recorded intents to the Kratos of --kratos-api and compare the state events")
	f.StringVar(&rf.secretsFile, "secrets-file", "", "for --live: file (mode 0600) of lines N=value giving «secret:N»; or KRATOS_TUI_SECRET_N in the environment, or the prompt")
	// --secret put secrets in argv: refused with a way out.
	f.StringArrayVar(&rf.secrets, "secret", nil, "refused: secrets never go on the command line")
	_ = f.MarkHidden("secret")
	f.StringArrayVar(&rf.rewriteEmail, "rewrite-email", nil, "for --live: use another email, old=new (repeatable)")
	f.BoolVar(&rf.trace, "trace", false, "on a divergence, open the trace viewer at it, recorded and replayed side by side")
	f.BoolVar(&rf.strict, "strict", false, "also report fields the replay adds that the recording lacks in a log of an older format (2.0); a 2.1 log is always compared so")
	f.StringVar(&rf.mail, "mail", "", "for --live: Kratos's admin API URL, to read e-mailed codes from its courier messages")
	f.IntVar(&rf.benchStream, "bench-stream", 0, "benchmark helper: stream a generated log of N records, print JSON")
	_ = f.MarkHidden("bench-stream")
	return cmd
}

func replayLive(ctx context.Context, s *settings, rf *replayFlags, path string, stdin *os.File, stdout, stderr *os.File) error {
	rec, err := replay.LoadFile(path)
	if err != nil {
		return err
	}
	if len(rf.secrets) > 0 {
		return errors.New("--secret puts a secret on the command line, where ps and shell history show it; " +
			"give the value of «secret:N» in the environment as KRATOS_TUI_SECRET_N=VALUE, as a line N=VALUE in a --secrets-file (chmod 600), or type it when asked on a terminal")
	}
	opts := replay.LiveOptions{Secrets: replay.SecretsFromEnv(os.Environ()), RewriteEmail: map[string]string{},
		TOTPSecret: os.Getenv(totpSecretEnv)}
	if rf.mail != "" {
		if err := app.ValidateURL("--mail", rf.mail); err != nil {
			return err
		}
		opts.Mail = &replay.CourierAPI{AdminURL: rf.mail}
	}
	if rf.secretsFile != "" {
		fromFile, err := replay.ReadSecretsFile(rf.secretsFile)
		if err != nil {
			return err
		}
		for k, v := range fromFile {
			opts.Secrets[k] = v
		}
	}
	if term.IsTerminal(int(stdin.Fd())) {
		opts.Prompt = func(ph, what string) (string, error) {
			fmt.Fprintf(stderr, "Value of %s (%s), input hidden: ", ph, what)
			b, err := term.ReadPassword(int(stdin.Fd()))
			fmt.Fprintln(stderr)
			if err != nil {
				return "", fmt.Errorf("read %s: %w", ph, err)
			}
			return string(b), nil
		}
	}
	for _, rw := range rf.rewriteEmail {
		old, repl, ok := strings.Cut(rw, "=")
		if !ok || old == "" || repl == "" {
			return fmt.Errorf("--rewrite-email %q: want old=new", rw)
		}
		opts.RewriteEmail[old] = repl
	}
	// A Kratos that cannot be reached is an error to fix, not drift: the
	// run would otherwise compare an outage with the recording. It is
	// checked before the recording (--record) is created.
	s.preflight = func(cfg app.Config) error { return kratosReachable(ctx, cfg.KratosAPI, cfg.Timeout) }
	cfg, closeLog, err := s.config(stdin, stdout, stderr)
	if err != nil {
		return err
	}
	defer closeLog()
	run := func(ctx context.Context, tokens adapters.TokenStore, plugin ui.Plugin) error {
		cfg.Tokens = tokens
		client, err := app.NewClient(cfg)
		if err != nil {
			return err
		}
		return app.RunWith(ctx, cfg, client, plugin)
	}
	res, err := replay.Live(ctx, rec, opts, run)
	if err != nil {
		return err
	}
	if res.Drift != "" {
		fmt.Fprintf(stdout, "DRIFT %s: %s\n", termtext.Escape(path), termtext.EscapeText(res.Drift))
		return exitError{code: 1}
	}
	fmt.Fprintf(stdout, "PASS %s (live): %d state events match\n", path, len(res.Actual))
	return nil
}

// benchStream is the hidden helper that measures streaming in its own
// process, so that its peak RSS is its own.
func benchStream(stdout *os.File, n int) error {
	d, rss, err := replay.BenchStream(n)
	if err != nil {
		return err
	}
	out, err := json.Marshal(map[string]any{"records": n, "seconds": d.Seconds(), "peak_rss_mb": rss})
	if err != nil {
		return errors.New("encode bench result")
	}
	_, err = fmt.Fprintln(stdout, string(out))
	return err
}

// terminalColumns is the width of the terminal out writes to, or 0 when
// it is not a terminal (a pipe, a file: no limit).
func terminalColumns(out *os.File) int {
	if !term.IsTerminal(int(out.Fd())) {
		return 0
	}
	cols, _, err := term.GetSize(int(out.Fd()))
	if err != nil {
		return 0
	}
	return cols
}

// kratosReachable asks Kratos's public health endpoint (GET
// /health/alive) whether it is up, within timeout.
func kratosReachable(ctx context.Context, kratosAPI string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := strings.TrimRight(kratosAPI, "/") + "/health/alive"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("replay --live: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("replay --live: Kratos at %s cannot be reached (%v): start it (make up starts the local one) or point --kratos-api / KRATOS_API at it; nothing was compared",
			kratosAPI, errors.Unwrap(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("replay --live: Kratos at %s answered GET /health/alive with HTTP %d: it is not up (or this is not Kratos's public URL); nothing was compared",
			kratosAPI, resp.StatusCode)
	}
	return nil
}

// offlineReplayGOGC and offlineReplayMemoryLimit are the collector's
// settings for an offline replay (see tuneOfflineReplay).
const (
	offlineReplayGOGC        = 800
	offlineReplayMemoryLimit = 56 << 20
)

// tuneOfflineReplay sets the Go runtime for an offline replay, where the
// environment does not (GOMAXPROCS, GOGC and GOMEMLIMIT win):
//   - One P. A replay is one chain of hand-offs (the read-ahead, the bus,
//     the machine, the comparer), each waiting on the one before it. On
//     one P a hand-off is a direct goroutine switch; on two, the woken
//     goroutine mostly waits for the busy core anyway, and the cores spend
//     their time waking each other. On the bench's 1M-record log (2 cores)
//     one P replays faster and with about half the CPU time, and leaves
//     the other cores to whatever runs beside it (a farm runs replays side
//     by side).
//   - GOGC 800 with a 56 MiB soft memory limit. Its live heap is a few
//     MiB (the window of records), so at the default of 100 the collector
//     runs every few MiB allocated; at 800 it runs an eighth as often, and
//     the limit keeps the peak under the 64 MiB the docs promise
//     (docs/flowlog.md) should a log's records be large.
//
// It returns the function that puts the settings back (the command may
// run inside a longer-lived process, such as the tests').
func tuneOfflineReplay() (restore func()) {
	gc, limit := -2, int64(-2)
	setProcs := os.Getenv("GOMAXPROCS") == ""
	if setProcs {
		runtime.GOMAXPROCS(1)
	}
	if os.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(offlineReplayGOGC)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(offlineReplayMemoryLimit)
	}
	return func() {
		if setProcs {
			// The runtime's own choice again, which follows the CPU
			// limit as it changes (GOMAXPROCS(n) would fix it).
			runtime.SetDefaultGOMAXPROCS()
		}
		if gc != -2 {
			debug.SetGCPercent(gc)
		}
		if limit != -2 {
			debug.SetMemoryLimit(limit)
		}
	}
}
