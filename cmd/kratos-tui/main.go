// Command kratos-tui is a terminal client for Ory Kratos: sign in, sign up,
// see your session and sign out, through an event-sourced state machine
// with pluggable UIs (tui, plain, json).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kratos-tui/kratos-tui/internal/termtext"
	"github.com/kratos-tui/kratos-tui/ui"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for sig := range sigs {
			// Ctrl-C while the plain UI waits for a call abandons the
			// call; otherwise it ends the client.
			if sig == os.Interrupt && ui.Interrupted() {
				continue
			}
			cancel()
		}
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if ctx.Err() != nil {
		// Interrupted (Ctrl-C in a shell prompt, or a signal): the
		// shell's convention.
		code = 130
	}
	signal.Stop(sigs)
	cancel()
	os.Exit(code)
}

// exitError carries an exit code without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// run runs the command line and returns the exit code: 0 success, 1 a
// negative answer (status: not signed in), 2 an error.
func run(ctx context.Context, args []string, stdin *os.File, stdout, stderr *os.File) int {
	root, s := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	default:
		// The error may quote a secret the run learned (a recovered
		// panic's value, a server's echo): it is scrubbed like the log.
		fmt.Fprintf(stderr, "kratos-tui: %s\n", termtext.EscapeText(s.secrets.Scrub(err.Error())))
		return 2
	}
}
