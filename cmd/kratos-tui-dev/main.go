// Command kratos-tui-dev is the command behind `make run`: it starts the
// whole kratos-tui stack on loopback, runs the client against it and stops
// the stack when the client exits.
//
// It starts, in order:
//
//  1. a real Ory Kratos (package kratostest) whose SQLite database lives in
//     <run dir>/kratos, so that accounts survive between runs; its log goes
//     to <run dir>/kratos.log;
//  2. the backend, the sibling binary kratos-tui-backend, once Kratos is
//     ready; its log goes to <run dir>/backend.log;
//  3. the client, the sibling binary kratos-tui, with the arguments after
//     `--`, on the inherited terminal, with KRATOS_API and BACKEND set and
//     (unless given) --token-store=file --token-dir=<run dir>/tokens, so that
//     development tokens never reach the OS keyring.
//
// Kratos gets the ports 4433 (public) and 4434 (admin) and the backend 4000
// when they are free, so that the Kratos URL, which keys the stored token,
// stays the same between runs; otherwise free ports are used.
//
// When the client exits the backend and Kratos are stopped and
// kratos-tui-dev exits with the client's exit code. While the client runs,
// SIGINT is ignored (the client handles Ctrl-C itself); SIGTERM and SIGHUP
// are forwarded to the client as SIGTERM.
//
// Usage:
//
//	kratos-tui-dev [--kratos-bin PATH] [--run-dir DIR] [--fresh] [--free-ports] [--no-client] [-- CLIENT ARGS...]
//
// With --no-client the stack runs until SIGINT or SIGTERM; the export lines
// for KRATOS_API, KRATOS_ADMIN_API and BACKEND are printed on stdout.
//
// Exit codes: the client's, or 2 when the stack could not be started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// exitSetup is the exit code when kratos-tui-dev itself fails.
const exitSetup = 2

func main() {
	sigc := make(chan os.Signal, 8)
	signal.Notify(sigc, terminationSignals...)
	code := run(os.Args[1:], sigc, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	signal.Stop(sigc)
	os.Exit(code)
}

// stdio is where kratos-tui-dev and its client read and write.
type stdio struct {
	in       *os.File
	out, err *os.File
}

// options is the parsed command line.
type options struct {
	kratosBin string
	runDir    string
	fresh     bool
	noClient  bool
	freePorts bool
	// up starts the stack in the background (make up); down stops it
	// (make down).
	up, down   bool
	clientArgs []string
}

// paths are the files and directories under the run directory.
type paths struct {
	runDir     string
	kratosDir  string
	kratosLog  string
	backendLog string
	tokenDir   string
	lockFile   string
	// mailDir holds the mail sink's messages, one JSON file each.
	mailDir string
	// mailLog receives the sink's notices while a client owns the terminal.
	mailLog string
	// noticeLog receives the stack's own messages while a client owns the
	// terminal; they are repeated on it when the client exits.
	noticeLog string
	// envFile is the env file the client reads while the stack is up.
	envFile string
	// upLog is the output of a stack started with --up; pidFile its pid.
	upLog, pidFile string
}

func newPaths(runDir string) paths {
	return paths{
		runDir:     runDir,
		kratosDir:  filepath.Join(runDir, "kratos"),
		kratosLog:  filepath.Join(runDir, "kratos.log"),
		backendLog: filepath.Join(runDir, "backend.log"),
		tokenDir:   filepath.Join(runDir, "tokens"),
		lockFile:   filepath.Join(runDir, "kratos-tui-dev.lock"),
		mailDir:    filepath.Join(runDir, "mail"),
		mailLog:    filepath.Join(runDir, "mail.log"),
		noticeLog:  filepath.Join(runDir, "notices.log"),
		envFile:    filepath.Join(runDir, EnvFileName),
		upLog:      filepath.Join(runDir, "dev.log"),
		pidFile:    filepath.Join(runDir, "kratos-tui-dev.pid"),
	}
}

// repoRoot returns the repository root: the nearest go.mod at or above the
// working directory, else the parent of the directory holding this
// executable when it holds a go.mod (.bin/kratos-tui-dev run from
// elsewhere).
func repoRoot() (string, error) {
	root, err := kratostest.RepoRoot()
	if err == nil {
		return root, nil
	}
	if exe, xerr := executableDir(); xerr == nil {
		parent := filepath.Dir(exe)
		if _, serr := os.Stat(filepath.Join(parent, "go.mod")); serr == nil {
			return parent, nil
		}
	}
	return "", err
}

// parseFlags parses args. The arguments after `--` (or after the first
// non-flag argument) are the client's.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("kratos-tui-dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: kratos-tui-dev [flags] [client args...]

Starts Kratos, the backend and a mail sink on loopback, runs the client
(kratos-tui) with the client args against them, and stops them when the
client exits. Its own flags may come anywhere before a `+"`--`"+`; every
other argument, and everything after `+"`--`"+`, is the client's.

Examples:
  kratos-tui-dev                      # make run: the stack and the TUI
  kratos-tui-dev --fresh --ui plain   # wipe the accounts first; the plain UI
  kratos-tui-dev status               # one client command, then stop
  kratos-tui-dev --up                 # make up: the stack in the background
  kratos-tui-dev --down               # make down: stop it

Flags:
`)
		fs.PrintDefaults()
	}
	defaultBin, binErr := kratostest.BinaryPath()
	defaultRun := ""
	if root, err := repoRoot(); err == nil {
		defaultRun = filepath.Join(root, ".run")
		if candidate := filepath.Join(root, ".bin", "kratos"); binErr != nil && os.Getenv("KRATOS_BIN") == "" {
			if _, err := os.Stat(candidate); err == nil {
				defaultBin = candidate
			}
		}
	}
	fs.StringVar(&o.kratosBin, "kratos-bin", defaultBin, "Kratos v1.3.1 `binary` (default $KRATOS_BIN, else <repo>/.bin/kratos, which make kratos builds)")
	fs.StringVar(&o.runDir, "run-dir", defaultRun, "directory of the Kratos data, the logs and the client's tokens")
	fs.BoolVar(&o.fresh, "fresh", false, "wipe the Kratos data (<run dir>/kratos) first: all accounts are lost")
	fs.BoolVar(&o.noClient, "no-client", false, "only start the stack, print its URLs and wait for Ctrl-C")
	fs.BoolVar(&o.freePorts, "free-ports", false, "always use free ports instead of preferring 4433, 4434 and 4000")
	fs.BoolVar(&o.up, "up", false, "start the stack in the background (log <run dir>/dev.log) and return once it is ready")
	fs.BoolVar(&o.down, "down", false, "stop a stack started with --up and wait until it is gone")
	own, client := splitArgs(fs, args)
	if err := fs.Parse(own); err != nil {
		return o, err
	}
	o.clientArgs = append(fs.Args(), client...)
	modes := 0
	for _, on := range []bool{o.noClient, o.up, o.down} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return o, errors.New("--no-client, --up and --down exclude each other")
	}
	if (o.noClient || o.up || o.down) && len(o.clientArgs) > 0 {
		return o, fmt.Errorf("--no-client, --up and --down take no client arguments, got %q", o.clientArgs)
	}
	if o.runDir == "" {
		return o, errors.New("no run directory: not inside the repository (no go.mod above the working directory); give --run-dir")
	}
	abs, err := filepath.Abs(o.runDir)
	if err != nil {
		return o, fmt.Errorf("--run-dir: %w", err)
	}
	o.runDir = abs
	return o, nil
}

// splitArgs separates kratos-tui-dev's own flags (those defined in fs,
// and -h/--help) from the client's arguments, so that `make run
// ARGS="--fresh --ui plain"` works: own flags (and the value of a
// non-boolean one given as a separate argument) go to own, everything
// else, in order, and everything after `--`, to client.
func splitArgs(fs *flag.FlagSet, args []string) (own, client []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return own, append(client, args[i+1:]...)
		}
		name, hasValue := "", false
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			name = strings.TrimLeft(a, "-")
			name, _, hasValue = strings.Cut(name, "=")
		}
		if name == "h" || name == "help" {
			own = append(own, a)
			continue
		}
		f := fs.Lookup(name)
		if name == "" || f == nil {
			client = append(client, a)
			continue
		}
		own = append(own, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			own = append(own, args[i])
		}
	}
	return own, client
}

// run runs kratos-tui-dev and returns its exit code. sigc delivers the
// termination signals (SIGINT, SIGTERM, SIGHUP).
func run(args []string, sigc <-chan os.Signal, sio stdio) int {
	o, err := parseFlags(args, sio.err)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(sio.err, "kratos-tui-dev:", err)
		return exitSetup
	}
	var code int
	switch {
	case o.up:
		code, err = up(o, sio)
	case o.down:
		code, err = down(o, sio)
	default:
		code, err = runStack(o, sigc, sio)
	}
	if err != nil {
		fmt.Fprintln(sio.err, "kratos-tui-dev:", err)
	}
	return code
}

// runStack starts the stack, runs the client (or waits for a signal with
// --no-client) and always stops the stack before it returns.
func runStack(o options, sigc <-chan os.Signal, sio stdio) (code int, err error) {
	p := newPaths(o.runDir)
	if err := os.MkdirAll(p.runDir, 0o700); err != nil {
		return exitSetup, fmt.Errorf("create the run directory: %w", err)
	}
	unlock, err := lockRunDir(p.lockFile, modeOf(o))
	var busy *runDirBusyError
	if errors.As(err, &busy) && busy.mode == modeBackground && !o.noClient {
		return exitSetup, fmt.Errorf("the stack is already up (make up, pid %d): just run `kratos-tui` in the repository (it reads %s), or `make down` first", busy.pid, p.envFile)
	}
	if err != nil {
		return exitSetup, err
	}
	defer unlock()

	// Any signal during start-up cancels it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	var (
		wg       sync.WaitGroup
		startSig os.Signal
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case s := <-sigc:
			startSig = s
			cancel()
		case <-started:
		}
	}()
	st, startErr := startStack(ctx, o, p, sio.err)
	close(started)
	wg.Wait()
	if startErr != nil {
		if startSig != nil {
			return exitCodeForSignal(startSig), fmt.Errorf("interrupted (%v) while starting the stack; stopped what was started", startSig)
		}
		return exitSetup, startErr
	}
	defer func() {
		fmt.Fprintln(sio.err, "kratos-tui-dev: stopping the backend and Kratos")
		if serr := st.stop(); serr != nil {
			fmt.Fprintln(sio.err, "kratos-tui-dev:", serr)
			if err == nil && code == 0 {
				code = exitSetup
			}
		}
	}()
	if startSig != nil {
		return exitCodeForSignal(startSig), nil
	}

	printBanner(sio.err, o, p, st)
	if err := writeEnvFile(p, st); err != nil {
		return exitSetup, err
	}
	defer os.Remove(p.envFile)
	if o.noClient {
		printExports(sio.out, st)
		return waitNoClient(sigc, st, sio.err)
	}
	return runClient(o, p, st, sigc, sio)
}

// backgroundEnv is set by --up in the environment of the stack it starts
// in the background, where Ctrl-C cannot reach it: its banner names
// `make down` instead.
const backgroundEnv = "KRATOS_TUI_DEV_BACKGROUND"

// printBanner tells where the stack is, on stderr.
func printBanner(w io.Writer, o options, p paths, st *stack) {
	var b strings.Builder
	fmt.Fprintf(&b, "kratos-tui-dev: the stack is up (dev pid %d)\n", os.Getpid())
	fmt.Fprintf(&b, "  Kratos public API  %s\n", st.kratos.PublicURL)
	fmt.Fprintf(&b, "  Kratos admin API   %s\n", st.kratos.AdminURL)
	fmt.Fprintf(&b, "  Backend            %s (pid %d)\n", st.backendURL, st.backend.pid())
	fmt.Fprintf(&b, "  Kratos data        %s (kept between runs; --fresh wipes it)\n", p.kratosDir)
	fmt.Fprintf(&b, "  Tokens             %s\n", p.tokenDir)
	fmt.Fprintf(&b, "  Mail sink          %s (each e-mail Kratos sends; codes also in %s)\n", p.mailDir, st.mailNotices)
	fmt.Fprintf(&b, "  Env file           %s (kratos-tui reads it in the repo while the stack is up)\n", p.envFile)
	fmt.Fprintf(&b, "  Logs               %s, %s\n", p.kratosLog, p.backendLog)
	if !o.noClient {
		fmt.Fprintf(&b, "  Notices            %s (the stack's, while the client owns the terminal; repeated when it exits)\n", p.noticeLog)
	}
	for _, n := range st.notes {
		fmt.Fprintf(&b, "  Note: %s\n", n)
	}
	switch {
	case o.noClient && os.Getenv(backgroundEnv) == "1":
		b.WriteString("`make down` stops the stack.\n")
	case o.noClient:
		b.WriteString("Ctrl-C stops the stack.\n")
	default:
		b.WriteString("Ctrl-C in the client quits; the stack stops with it.\n")
	}
	_, _ = io.WriteString(w, b.String())
}

// printExports prints shell export lines for the stack's URLs.
func printExports(w io.Writer, st *stack) {
	fmt.Fprintf(w, "export KRATOS_API=%s\nexport KRATOS_ADMIN_API=%s\nexport BACKEND=%s\n",
		st.kratos.PublicURL, st.kratos.AdminURL, st.backendURL)
}
