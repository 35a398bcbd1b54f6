package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/ui/tui"
)

// benchKeypress measures keypress-to-frame latency of the terminal UI on a
// simulation screen.
func benchKeypress(keypresses int) func(context.Context, *report) error {
	return func(_ context.Context, r *report) error {
		p50, p99, err := tui.MeasureKeypressFrames(keypresses)
		if err != nil {
			return fmt.Errorf("keypress frames: %w", err)
		}
		r.row(fmt.Sprintf("TUI keypress to finished frame p50 / p99 (%d keys, simulation screen)", keypresses),
			fmt.Sprintf("%.3f / %.3f ms", ms(p50), ms(p99)), "", "", "<= 1 / <= 5 ms")
		r.figure("keypress_frame_p50_ms", ms(p50))
		r.figure("keypress_frame_p99_ms", ms(p99))
		return nil
	}
}

// clientBinary is the built kratos-tui (make bench builds it), or
// $KRATOS_TUI_BIN.
func clientBinary() (string, error) {
	bin := os.Getenv("KRATOS_TUI_BIN")
	if bin == "" {
		root, err := kratostest.RepoRoot()
		if err != nil {
			return "", err
		}
		bin = filepath.Join(root, ".bin", "kratos-tui")
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("the client binary: %w (run make build, or set KRATOS_TUI_BIN)", err)
	}
	return bin, nil
}

// startup is one start of the real client in a pseudo-terminal.
type startup struct {
	firstFrame, firstForm time.Duration
}

// measurePTYStartup starts the client binary in an 80x24 pseudo-terminal
// against kratosURL, as a user would (`kratos-tui --kratos-api URL`, the
// default token store, auto, with its file in a directory of its own), and
// times the first frame (the first visible character drawn) and the first
// usable sign-in form (its Password field and its "Sign in with password"
// button drawn),
// from just before the process is started. It then stops the client with
// SIGTERM.
func measurePTYStartup(ctx context.Context, bin, kratosURL, dir string) (startup, error) {
	cmd := exec.CommandContext(ctx, bin, "--kratos-api", kratosURL, "--env-file", os.DevNull,
		"--token-dir", filepath.Join(dir, "tokens"), "--log-file", filepath.Join(dir, "client.log"))
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	start := time.Now()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		return startup{}, fmt.Errorf("start %s in a pty: %w", bin, err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = tty.Close()
	}()
	// A pty read cannot time out: a client that never shows the form is
	// killed after 30s, which ends the read.
	timedOut := make(chan struct{})
	watchdog := time.AfterFunc(30*time.Second, func() {
		close(timedOut)
		_ = cmd.Process.Kill()
	})
	defer watchdog.Stop()
	var res startup
	var screen terminalText
	buf := make([]byte, 64<<10)
	for {
		n, err := tty.Read(buf)
		at := time.Since(start)
		if n > 0 {
			screen.write(buf[:n])
			if res.firstFrame == 0 && screen.visible() {
				res.firstFrame = at
			}
			// The frame's title ("Sign in with ORY") is there from the
			// first frame; the form is there when its fields and its
			// button are drawn.
			if screen.contains("Password") && screen.contains("Sign in with password") {
				res.firstForm = at
				return res, nil
			}
		}
		if err != nil {
			why := err.Error()
			select {
			case <-timedOut:
				why = "killed after 30s"
			default:
			}
			return res, fmt.Errorf("no sign-in form on the terminal (%s); it showed: %q", why, screen.tail(400))
		}
	}
}

// terminalText is what a program wrote to a terminal with its control
// sequences taken out: the characters it drew, in order.
type terminalText struct {
	text  []byte
	state int // 0 text, 1 after ESC, 2 in CSI, 3 in OSC/DCS string
}

func (t *terminalText) write(p []byte) {
	for _, c := range p {
		switch t.state {
		case 0:
			switch {
			case c == 0x1b:
				t.state = 1
			case c >= 0x20 || c == '\n':
				t.text = append(t.text, c)
			}
		case 1:
			switch c {
			case '[':
				t.state = 2
			case ']', 'P', '_', '^':
				t.state = 3
			case '(', ')', '*', '+', '#', '%':
				// a designator: one more byte
				t.state = 4
			default:
				t.state = 0
			}
		case 2:
			if c >= 0x40 && c <= 0x7e {
				t.state = 0
			}
		case 3:
			if c == 0x07 || c == '\\' {
				t.state = 0
			}
		case 4:
			t.state = 0
		}
	}
}

// visible reports whether any character other than a space was drawn.
func (t *terminalText) visible() bool {
	return len(bytes.TrimSpace(t.text)) > 0
}

func (t *terminalText) contains(s string) bool { return bytes.Contains(t.text, []byte(s)) }

func (t *terminalText) tail(n int) string {
	if len(t.text) <= n {
		return string(t.text)
	}
	return string(t.text[len(t.text)-n:])
}

// benchStartup measures, reps times interleaved: the client binary in a
// pseudo-terminal from process start to its first frame and to a usable
// sign-in form; the same binary's start alone (`kratos-tui version`); and
// the bare HTTP call that creates a login flow, on a new connection. The
// bare alternative is process start plus that call.
func benchStartup(srv **kratostest.Server, reps int) func(context.Context, *report) error {
	return func(ctx context.Context, r *report) error {
		bin, err := clientBinary()
		if err != nil {
			return err
		}
		dir, err := os.MkdirTemp("", "kratos-tui-bench-pty-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		url := (*srv).PublicURL
		// Each bare call dials a new connection, as the client's first
		// call does in a process that has just started (a connection
		// kept alive from the previous round would spare the bare call
		// the connect, ~0.3 ms here, that no starting process is spared).
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		var frames, forms, starts, calls, bares []time.Duration
		for i := range reps + 2 { // two warm-up rounds
			var s startup
			var st, call time.Duration
			for k := range 3 {
				switch (i + k) % 3 {
				case 0:
					s, err = measurePTYStartup(ctx, bin, url, dir)
				case 1:
					begin := time.Now()
					err = exec.CommandContext(ctx, bin, "version").Run()
					st = time.Since(begin)
				case 2:
					begin := time.Now()
					var resp *http.Response
					if resp, err = client.Get(url + "/self-service/login/api"); err == nil {
						drain(resp)
						call = time.Since(begin)
						if resp.StatusCode != http.StatusOK {
							err = fmt.Errorf("create login flow: HTTP %d", resp.StatusCode)
						}
					}
				}
				if err != nil {
					return err
				}
			}
			if i >= 2 {
				frames, forms = append(frames, s.firstFrame), append(forms, s.firstForm)
				starts, calls, bares = append(starts, st), append(calls, call), append(bares, st+call)
			}
		}
		ratio := spreadOf(ratios(msAll(forms), msAll(bares)))
		frameRatio := spreadOf(ratios(msAll(frames), msAll(bares)))
		r.row("kratos-tui in a pty: process start to first frame", spreadMS(frames).unit("ms"), "process start + bare create login flow", frameRatio.String())
		r.row("kratos-tui in a pty: process start to usable sign-in form", spreadMS(forms).unit("ms"), "process start + bare create login flow "+spreadMS(bares).unit("ms"), ratio.String(), goalMet(ratio.med, 1.3))
		r.row("process start (exec kratos-tui version)", spreadMS(starts).unit("ms"))
		r.row("bare HTTP create login flow", spreadMS(calls).unit("ms"))
		r.spreadFigure("first_frame_pty_ms", spreadMS(frames))
		r.spreadFigure("first_form_pty_ms", spreadMS(forms))
		r.spreadFigure("binary_start_ms", spreadMS(starts))
		r.spreadFigure("bare_create_login_flow_ms", spreadMS(calls))
		r.spreadFigure("first_form_vs_bare_ratio", ratio)
		return nil
	}
}
