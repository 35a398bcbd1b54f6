package plain

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/kratos-tui/kratos-tui/ui"
)

// lineReader reads answers line by line. Reads happen on a goroutine of
// their own so that a cancelled context ends a prompt at once.
type lineReader struct {
	r        *bufio.Reader
	fd       int
	terminal bool
	reqs     chan bool
	res      chan lineResult
	started  bool
	// echo is the terminal's state before a password prompt turned echo
	// off, while one is open: an interrupted prompt restores it.
	mu   sync.Mutex
	echo *term.State
}

type lineResult struct {
	line string
	err  error
}

func newLineReader(stdio ui.IO) *lineReader {
	l := &lineReader{r: bufio.NewReader(stdio.In), fd: -1, reqs: make(chan bool), res: make(chan lineResult)}
	if f, ok := stdio.In.(*os.File); ok && stdio.Terminal && term.IsTerminal(int(f.Fd())) {
		l.fd, l.terminal = int(f.Fd()), true
	}
	return l
}

// read returns the next line without its end; secret turns echo off on a
// terminal.
func (l *lineReader) read(ctx context.Context, secret bool) (string, error) {
	if !l.started {
		l.started = true
		go l.loop()
	}
	select {
	case l.reqs <- secret:
	case r := <-l.res:
		// A line read for a prompt that stopped waiting (a state came
		// while the social sign-in prompt waited): it answers this one.
		return r.line, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case r := <-l.res:
		return r.line, r.err
	case <-ctx.Done():
		// Ctrl-C at a password prompt: echo comes back before the
		// client ends.
		l.mu.Lock()
		if l.echo != nil {
			_ = term.Restore(l.fd, l.echo)
			l.echo = nil
		}
		l.mu.Unlock()
		return "", ctx.Err()
	}
}

func (l *lineReader) loop() {
	for secret := range l.reqs {
		var r lineResult
		if secret && l.terminal {
			state, _ := term.GetState(l.fd)
			l.mu.Lock()
			l.echo = state
			l.mu.Unlock()
			b, err := term.ReadPassword(l.fd)
			l.mu.Lock()
			l.echo = nil
			l.mu.Unlock()
			r = lineResult{line: string(b), err: err}
		} else {
			s, err := l.r.ReadString('\n')
			if errors.Is(err, io.EOF) && s != "" {
				err = nil
			}
			r = lineResult{line: strings.TrimRight(s, "\r\n"), err: err}
		}
		l.res <- r
		if r.err != nil {
			return
		}
	}
}
