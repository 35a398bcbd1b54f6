package plain

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/kratos-tui/kratos-tui/ui"
)

// lineReader reads answers line by line. Reads happen on a goroutine of
// their own so that a cancelled context ends a prompt at once; a line
// asked for by an abandoned prompt is kept for the next one, so that
// nothing typed is lost (a line typed while a call was in flight goes to
// the prompt that follows).
type lineReader struct {
	r        *bufio.Reader
	fd       int
	terminal bool
	reqs     chan struct{}
	res      chan lineResult
	started  bool
	// asked: a line was asked of the loop and has not been taken yet.
	asked bool
	// kept are lines read but not used yet, in order.
	kept []string
	// err ended the input (io.EOF): every later read returns it.
	err error
	// echo is the terminal's state before a password prompt turned echo
	// off, while one is open: an interrupted prompt restores it.
	mu   sync.Mutex
	echo *termState
}

type lineResult struct {
	line string
	err  error
}

func newLineReader(stdio ui.IO) *lineReader {
	l := &lineReader{r: bufio.NewReader(stdio.In), fd: -1, reqs: make(chan struct{}), res: make(chan lineResult)}
	if f, ok := stdio.In.(*os.File); ok && stdio.Terminal && isTerminal(int(f.Fd())) {
		l.fd, l.terminal = int(f.Fd()), true
	}
	return l
}

// read returns the next line without its end; secret turns echo off on a
// terminal while it waits (also when the line was asked for before).
func (l *lineReader) read(ctx context.Context, secret bool) (string, error) {
	if len(l.kept) > 0 {
		line := l.kept[0]
		l.kept = l.kept[1:]
		return line, nil
	}
	return l.readNew(ctx, secret)
}

// readNew returns the next line from the input, past the kept ones (which
// stay kept): what the call watcher reads, so that the lines it keeps are
// not read again.
func (l *lineReader) readNew(ctx context.Context, secret bool) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if l.err != nil {
		return "", l.err
	}
	if !l.started {
		l.started = true
		go l.loop()
	}
	if secret && l.terminal {
		l.echoOff()
		defer l.echoOn()
	}
	if !l.asked {
		select {
		case l.reqs <- struct{}{}:
			l.asked = true
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	select {
	case r := <-l.res:
		l.asked = false
		l.err = r.err
		return r.line, r.err
	case <-ctx.Done():
		// Ctrl-C at a password prompt: echo comes back (deferred)
		// before the client ends.
		return "", ctx.Err()
	}
}

// keep puts line back: the next read returns it.
func (l *lineReader) keep(line string) {
	l.kept = append(l.kept, line)
}

// echoOff turns the terminal's echo off, remembering its state.
func (l *lineReader) echoOff() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.echo == nil {
		l.echo = disableEcho(l.fd)
	}
}

// echoOn restores the terminal's echo.
func (l *lineReader) echoOn() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.echo != nil {
		restoreTerm(l.fd, l.echo)
		l.echo = nil
	}
}

func (l *lineReader) loop() {
	for range l.reqs {
		s, err := l.r.ReadString('\n')
		if errors.Is(err, io.EOF) && s != "" {
			err = nil
		}
		r := lineResult{line: strings.TrimRight(s, "\r\n"), err: err}
		l.res <- r
		if r.err != nil {
			return
		}
	}
}
