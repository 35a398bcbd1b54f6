package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/natsrec"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/fsm/replay/farm"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
	"github.com/kratos-tui/kratos-tui/ui"
	"github.com/kratos-tui/kratos-tui/ui/traceview"
)

// teamCommands adds the NATS JetStream commands (docs/nats.md) to root:
// replay --enqueue/--results, replay-worker, recordings, trace --follow.
func teamCommands(root, replayCmd, traceCmd *cobra.Command, s *settings, stdin, stdout, stderr *os.File) {
	addFarmFlags(replayCmd, stdout, stderr)
	addFollowFlag(traceCmd, stdout, stderr)
	root.AddCommand(replayWorkerCommand(s, stdin, stdout, stderr), recordingsCommand(stdout, stderr))
}

func addFarmFlags(cmd *cobra.Command, stdout, stderr io.Writer) {
	var enqueue, results string
	var wait bool
	var timeout time.Duration
	inner, innerArgs := cmd.RunE, cmd.Args
	cmd.Flags().StringVar(&enqueue, "enqueue", "", "put the recordings of DIR, FILE or a NATS stream (nats://HOST:PORT/STREAM[/RUN]) on the replay farm's work queue at this nats://HOST:PORT/STREAM")
	cmd.Flags().StringVar(&results, "results", "", "print the replay farm's results at this nats://HOST:PORT/STREAM; exit 0 when all PASS, 1 otherwise")
	cmd.Flags().BoolVar(&wait, "wait", false, "with --results: wait until no recording is still queued")
	cmd.Flags().DurationVar(&timeout, "wait-timeout", 30*time.Minute, "with --results --wait: give up after this long (exit 2)")
	cmd.Args = func(c *cobra.Command, args []string) error {
		switch {
		case results != "":
			return cobra.NoArgs(c, args)
		case enqueue != "":
			return cobra.ExactArgs(1)(c, args)
		}
		return innerArgs(c, args)
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		switch {
		case enqueue != "" && results != "":
			return errors.New("--enqueue and --results: give one (enqueue, then gather with --results --wait)")
		case enqueue != "":
			t, err := farmTarget(enqueue)
			if err != nil {
				return fmt.Errorf("--enqueue: %w", err)
			}
			recs, err := farm.Collect(c.Context(), args[0])
			if err != nil {
				return err
			}
			hashes, err := farm.Enqueue(c.Context(), t, recs)
			if err != nil {
				return err
			}
			for i, h := range hashes {
				fmt.Fprintf(stdout, "QUEUED %s %s\n", h[:12], recs[i].Name)
			}
			fmt.Fprintf(stdout, "%d recordings queued on %s; gather with kratos-tui replay --results %s --wait\n", len(hashes), t, t)
			return nil
		case results != "":
			t, err := farmTarget(results)
			if err != nil {
				return fmt.Errorf("--results: %w", err)
			}
			ctx := c.Context()
			var rs []farm.Result
			if wait {
				wctx, cancel := context.WithTimeout(ctx, timeout)
				defer cancel()
				rs, err = farm.Wait(wctx, t, 200*time.Millisecond)
			} else {
				nc, js, cerr := natsrec.Connect(ctx, t, 0)
				if cerr != nil {
					return fmt.Errorf("--results %s: %w", t, cerr)
				}
				defer nc.Close()
				rs, err = farm.Results(ctx, js, t)
			}
			if err != nil {
				return err
			}
			return printResults(stdout, rs)
		}
		return inner(c, args)
	}
	cmd.Example += `
  kratos-tui replay --enqueue nats://127.0.0.1:4222/KRATOS testdata/flows   # farm the replays out
  kratos-tui replay --results nats://127.0.0.1:4222/KRATOS --wait           # gather them: exit 0 when all PASS`
}

func farmTarget(s string) (natsrec.Target, error) {
	t, err := natsrec.Parse(s)
	if err != nil {
		return t, err
	}
	if t.Run != "" {
		return t, fmt.Errorf("%s: give the stream only (nats://HOST:PORT/STREAM)", s)
	}
	return t, nil
}

func printResults(w io.Writer, rs []farm.Result) error {
	failed := 0
	for _, r := range rs {
		// Names, fields and reasons come from recordings and workers:
		// escaped as every output of a log (termtext).
		esc := termtext.Escape
		fmt.Fprintf(w, "%-8s %s %s", esc(string(r.Status)), esc(r.Hash[:12]), esc(r.Name))
		if r.Status != farm.Pass {
			failed++
			if r.Seq != 0 {
				fmt.Fprintf(w, " at seq %d", r.Seq)
			}
			if r.Field != "" {
				fmt.Fprintf(w, " (%s)", esc(r.Field))
			}
			if r.Reason != "" {
				fmt.Fprintf(w, ": %s", esc(r.Reason))
			}
		}
		if r.Warning != "" {
			fmt.Fprintf(w, " (warning: %s)", esc(r.Warning))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d recordings: %d PASS, %d not\n", len(rs), len(rs)-failed, failed)
	if failed > 0 || len(rs) == 0 {
		return exitError{code: 1}
	}
	return nil
}

func replayWorkerCommand(s *settings, stdin, stdout, stderr *os.File) *cobra.Command {
	var opts farm.WorkerOptions
	var live bool
	var secretsFile, mail string
	cmd := &cobra.Command{
		Use:   "replay-worker nats://HOST:PORT/STREAM",
		Short: "Take replay jobs from a NATS JetStream work queue and publish each result (offline replay)",
		Long: `replay-worker takes the recordings put on STREAM_JOBS by replay --enqueue,
replays each offline (as kratos-tui replay does), or with --live against the
Kratos of --kratos-api (as replay --live does, at most --max-concurrency at
once: Kratos has no rate limit of its own), and publishes the result (PASS,
DIVERGED or DRIFT with the record and the reason, or ERROR) on
STREAM_RESULTS.<sha256 of the recording>. A job is acknowledged only after
its result is stored: a worker killed mid-job has its job delivered again
after --ack-wait. It runs until interrupted (SIGINT, SIGTERM).

A live worker takes the recordings' secrets («secret:N») only from the
environment (KRATOS_TUI_SECRET_N=VALUE, KRATOS_TUI_TOTP_SECRET) or a
--secrets-file of lines N=VALUE that only its owner can read (chmod 600);
never from the command line. A job whose secret is missing is an ERROR
result that says which.`,
		Example: `  kratos-tui replay-worker nats://127.0.0.1:4222/KRATOS
  kratos-tui replay-worker nats://nats.internal:4222/KRATOS --max-concurrency 2 --ack-wait 2m
  kratos-tui replay-worker nats://nats.internal:4222/KRATOS --live --kratos-api https://staging.example.com --secrets-file ~/.config/kratos-tui/secrets --max-concurrency 4`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			t, err := farmTarget(args[0])
			if err != nil {
				return err
			}
			// Fault injection for the kill test.
			for name, d := range map[string]*time.Duration{"KRATOS_TUI_FARM_TEST_HOLD": &opts.Hold, "KRATOS_TUI_FARM_TEST_HOLD_AFTER_RESULT": &opts.HoldAfterResult} {
				if v := os.Getenv(name); v != "" {
					if *d, err = time.ParseDuration(v); err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
				}
			}
			if live {
				r, closeLog, err := liveReplayer(s, secretsFile, mail, stdin, stdout, stderr)
				if err != nil {
					return err
				}
				defer closeLog()
				opts.Replay = r
			}
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			opts.OnConnection = func(ev string, err error) {
				if ev == "lost" {
					fmt.Fprintf(stderr, "replay-worker: lost NATS at %s (%v); reconnecting until it is back, jobs held are delivered again\n", t.Host(), err)
					return
				}
				fmt.Fprintf(stderr, "replay-worker: reconnected to NATS at %s\n", t.Host())
			}
			opts.OnJob = func(ev string, r farm.Result) {
				switch ev {
				case "took":
					fmt.Fprintf(stderr, "took %s %s (delivery %d)\n", r.Hash[:12], termtext.Escape(r.Name), r.Delivery)
				case "retry":
					fmt.Fprintf(stderr, "kratos-tui: %s goes back to the queue: %s\n", termtext.Escape(r.Name), termtext.Escape(r.Reason))
				default:
					fmt.Fprintf(stdout, "%-8s %s %s (delivery %d)\n", r.Status, r.Hash[:12], termtext.Escape(r.Name), r.Delivery)
				}
			}
			fmt.Fprintf(stderr, "replay-worker: taking jobs from %s\n", t)
			err = farm.Work(ctx, t, opts)
			if ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().IntVar(&opts.Concurrency, "max-concurrency", 1, "jobs replayed at once")
	cmd.Flags().DurationVar(&opts.AckWait, "ack-wait", 5*time.Minute, "a job not done in this time is delivered again (to any worker)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "this worker's name in results (default host/pid)")
	cmd.Flags().BoolVar(&live, "live", false, "re-run each recording against the live Kratos of --kratos-api instead of offline")
	cmd.Flags().StringVar(&secretsFile, "secrets-file", "", "for --live: file (mode 0600) of lines N=value giving «secret:N»; or KRATOS_TUI_SECRET_N in the environment")
	cmd.Flags().StringVar(&mail, "mail", "", "for --live: Kratos's admin API URL, to read e-mailed codes from its courier messages")
	return cmd
}

func recordingsCommand(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "recordings",
		Short: "List, download and upload flow logs kept on NATS JetStream",
		Example: `  kratos-tui recordings ls nats://127.0.0.1:4222/KRATOS
  kratos-tui recordings get nats://127.0.0.1:4222/KRATOS/RUN > run.jsonl
  kratos-tui recordings put nats://127.0.0.1:4222/KRATOS run.jsonl`,
	}
	ls := &cobra.Command{
		Use:     "ls nats://HOST:PORT/STREAM",
		Short:   "List the runs of a stream",
		Example: "  kratos-tui recordings ls nats://127.0.0.1:4222/KRATOS",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			t, err := farmTarget(args[0])
			if err != nil {
				return err
			}
			nc, js, err := natsrec.Connect(c.Context(), t, 0)
			if err != nil {
				return err
			}
			defer nc.Close()
			runs, err := natsrec.Runs(c.Context(), js, t)
			if err != nil {
				return err
			}
			for _, r := range runs {
				state := "recording"
				if n, err := natsrec.RunEnd(c.Context(), js, t, r.Run); err == nil && n >= 0 {
					state = fmt.Sprintf("%d lines", n)
				}
				fmt.Fprintf(stdout, "%s/%s\t%s\n", t, r.Run, state)
			}
			return nil
		},
	}
	get := &cobra.Command{
		Use:     "get nats://HOST:PORT/STREAM/RUN",
		Short:   "Write a run as a flow log to stdout (the same bytes as a file recording)",
		Example: "  kratos-tui recordings get nats://127.0.0.1:4222/KRATOS/RUN > run.jsonl",
		Args:    cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			t, err := natsrec.Parse(args[0])
			if err != nil {
				return err
			}
			if t.Run == "" {
				return fmt.Errorf("%s names no run: write nats://HOST:PORT/STREAM/RUN (kratos-tui recordings ls lists them)", args[0])
			}
			nc, js, err := natsrec.Connect(c.Context(), t, 0)
			if err != nil {
				return err
			}
			defer nc.Close()
			bw := bufio.NewWriter(stdout)
			ended, err := natsrec.Copy(c.Context(), js, t, t.Run, bw, natsrec.CopyOptions{})
			if ferr := bw.Flush(); err == nil {
				err = ferr
			}
			if err == nil && !ended {
				fmt.Fprintf(stderr, "kratos-tui: warning: %s is still being recorded (or its recorder died): this is what the stream holds so far\n", t)
			}
			return err
		},
	}
	put := &cobra.Command{
		Use:     "put nats://HOST:PORT/STREAM FILE",
		Short:   "Publish a flow log file as a new run (e.g. a recording spooled while NATS was away)",
		Example: "  kratos-tui recordings put nats://127.0.0.1:4222/KRATOS ~/.cache/kratos-tui/spool/KRATOS-RUN.jsonl",
		Args:    cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			t, err := farmTarget(args[0])
			if err != nil {
				return err
			}
			// Check the file is a flow log before anything is published.
			if _, _, err := flowlog.ReadAll(args[1]); err != nil {
				return fmt.Errorf("put: %w", err)
			}
			data, err := os.ReadFile(args[1])
			if err != nil {
				return err
			}
			sink, err := natsrec.OpenSink(c.Context(), t, natsrec.SinkOptions{SpoolDir: os.TempDir()})
			if err != nil {
				return err
			}
			if _, err := sink.Write(data); err != nil {
				_ = sink.Close()
				return err
			}
			if err := sink.Close(); err != nil {
				return err
			}
			fmt.Fprintln(stdout, sink.Where())
			return nil
		},
	}
	cmd.AddCommand(ls, get, put)
	return cmd
}

func addFollowFlag(cmd *cobra.Command, stdout, stderr io.Writer) {
	var follow string
	inner, innerArgs := cmd.RunE, cmd.Args
	cmd.Flags().StringVar(&follow, "follow", "", "show the run nats://HOST:PORT/STREAM/RUN while it is recorded: in the viewer on a terminal (--format tui), else as text until it ends")
	cmd.Args = func(c *cobra.Command, args []string) error {
		if follow != "" {
			return cobra.NoArgs(c, args)
		}
		return innerArgs(c, args)
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if follow == "" {
			return inner(c, args)
		}
		switch format, _ := c.Flags().GetString("format"); format {
		case "tui":
			return followTUI(c.Context(), follow)
		case "":
			if isTerminal(stdout) && isTerminal(c.InOrStdin()) {
				return followTUI(c.Context(), follow)
			}
		case "text":
		default:
			return fmt.Errorf("--follow shows --format tui or text, not %q", format)
		}
		return followText(c.Context(), stdout, follow)
	}
	cmd.Example += `
  kratos-tui trace --follow nats://127.0.0.1:4222/KRATOS/RUN   # a run live, as it is recorded`
}

// followText prints a run's timeline as trace --format text does, a line
// as each record arrives, until the run's end mark.
func followText(ctx context.Context, stdout io.Writer, addr string) error {
	t, err := natsrec.Parse(addr)
	if err != nil {
		return fmt.Errorf("--follow: %w", err)
	}
	if t.Run == "" {
		return fmt.Errorf("--follow %s names no run: write nats://HOST:PORT/STREAM/RUN (kratos-tui prints it when it starts recording)", addr)
	}
	nc, js, err := natsrec.Connect(ctx, t, 0)
	if err != nil {
		return fmt.Errorf("--follow: %w", err)
	}
	defer nc.Close()
	pr, pw := io.Pipe()
	go func() {
		_, err := natsrec.Copy(ctx, js, t, t.Run, pw, natsrec.CopyOptions{Follow: true})
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	r, err := flowlog.NewReader(pr)
	if err != nil {
		return fmt.Errorf("--follow %s: %w", t, err)
	}
	h := r.Header()
	if err := traceview.WriteTextHeader(stdout, h, ""); err != nil {
		return err
	}
	state := fsm.StateUninitialized
	var t0 time.Time
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("--follow %s: %w", t, err)
		}
		if n == 0 {
			t0 = rec.Time
		}
		n++
		if tr, ok := rec.Event.(events.TransitionMade); ok {
			state = tr.To
		}
		if err := traceview.WriteTextLine(stdout, rec, t0, state); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(stdout, "%d records\n", n)
	return err
}

// liveReplayer returns the replay of a job against the live Kratos of the
// settings, with the secrets of the environment and secretsFile.
func liveReplayer(s *settings, secretsFile, mail string, stdin, stdout, stderr *os.File) (farm.Replayer, func() error, error) {
	secrets := replay.SecretsFromEnv(os.Environ())
	if secretsFile != "" {
		fromFile, err := replay.ReadSecretsFile(secretsFile)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range fromFile {
			secrets[k] = v
		}
	}
	var courier *replay.CourierAPI
	if mail != "" {
		if err := app.ValidateURL("--mail", mail); err != nil {
			return nil, nil, err
		}
		courier = &replay.CourierAPI{AdminURL: mail}
	}
	cfg, closeLog, err := s.config(stdin, stdout, stderr)
	if err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context, name string, data []byte) farm.Result {
		rec, err := replay.Load(bytes.NewReader(data))
		if err != nil {
			return farm.Result{Status: farm.Failed, Reason: err.Error()}
		}
		opts := replay.LiveOptions{Secrets: maps.Clone(secrets), RewriteEmail: map[string]string{},
			TOTPSecret: os.Getenv(totpSecretEnv), Mail: courier}
		run := func(ctx context.Context, tokens adapters.TokenStore, plugin ui.Plugin) error {
			c := cfg // one per run: runs go on at once
			c.Tokens = tokens
			client, err := app.NewClient(c)
			if err != nil {
				return err
			}
			return app.RunWith(ctx, c, client, plugin)
		}
		// An outage is a failed job, not drift (see replayLive).
		if err := kratosReachable(ctx, cfg.KratosAPI, cfg.Timeout); err != nil {
			return farm.Result{Status: farm.Failed, Reason: err.Error()}
		}
		res, err := replay.Live(ctx, rec, opts, run)
		if err != nil {
			return farm.Result{Status: farm.Failed, Reason: err.Error()}
		}
		if res.Drift != "" {
			return farm.Result{Status: farm.Drift, Seq: res.DriftSeq, Reason: res.Drift, Records: len(res.Expected), Compared: len(res.Actual)}
		}
		return farm.Result{Status: farm.Pass, Records: len(res.Expected), Compared: len(res.Actual)}
	}, closeLog, nil
}
