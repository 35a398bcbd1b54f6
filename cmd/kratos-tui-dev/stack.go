package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/adapters/mailsink"
)

// Preferred ports: Kratos's usual ones and the backend's default. The
// Kratos public URL keys the stored token, so a stable URL keeps the
// developer signed in between runs.
const (
	preferredPublicPort  = 4433
	preferredAdminPort   = 4434
	preferredBackendPort = 4000
)

const (
	// kratosStartTimeout bounds Kratos's migrations and start-up.
	kratosStartTimeout = 90 * time.Second
	// backendReadyTimeout bounds the wait for the backend's /healthz.
	backendReadyTimeout = 15 * time.Second
	// backendPoll is the interval between /healthz probes.
	backendPoll = 50 * time.Millisecond
	// stopGrace is how long a child gets to exit after SIGTERM.
	stopGrace = 10 * time.Second
	// loopback is the only address anything listens on.
	loopback = "127.0.0.1"
	// kratosDBFile is the SQLite database kratostest keeps in its DataDir.
	kratosDBFile = "db.sqlite"
)

// stack is a running Kratos and backend.
type stack struct {
	kratos     *kratostest.Server
	kratosLog  *os.File
	backend    *child
	backendLog *os.File
	backendURL string
	// mail is the mail sink Kratos's courier delivers to; mailNotices
	// says where its one-line notices go.
	mail        *mailsink.Sink
	mailNotices string
	mailLog     *os.File
	// notes are things the banner should tell (fallbacks taken).
	notes []string
}

// startStack starts Kratos, then the backend. On error everything started
// so far is stopped.
func startStack(ctx context.Context, o options, p paths, stderr io.Writer) (_ *stack, err error) {
	backendBin, err := sibling("kratos-tui-backend")
	if err != nil {
		return nil, err
	}
	if !o.noClient {
		if _, err := sibling("kratos-tui"); err != nil {
			return nil, err
		}
	}
	kratosBin, err := checkKratosBinary(o.kratosBin)
	if err != nil {
		return nil, err
	}

	st := &stack{}
	defer func() {
		if err != nil {
			if serr := st.stop(); serr != nil {
				err = fmt.Errorf("%w (and while stopping: %v)", err, serr)
			}
		}
	}()

	if o.fresh {
		if err := os.RemoveAll(p.mailDir); err != nil {
			return nil, fmt.Errorf("--fresh: remove %s: %w", p.mailDir, err)
		}
	}
	notices := io.Writer(stderr)
	st.mailNotices = "this output"
	if !o.noClient {
		// The client owns the terminal: notices would draw over the TUI.
		if st.mailLog, err = os.OpenFile(p.mailLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
			return nil, fmt.Errorf("open the mail sink's log: %w", err)
		}
		notices, st.mailNotices = st.mailLog, p.mailLog
	}
	if st.mail, err = mailsink.Start(net.JoinHostPort(loopback, "0"), p.mailDir, notices); err != nil {
		return nil, err
	}

	if st.kratosLog, err = os.OpenFile(p.kratosLog, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600); err != nil {
		return nil, fmt.Errorf("open the Kratos log: %w", err)
	}
	fmt.Fprintf(stderr, "kratos-tui-dev: starting Kratos (%s, data in %s)\n", kratosBin, p.kratosDir)
	kctx, kcancel := context.WithTimeout(ctx, kratosStartTimeout)
	defer kcancel()
	if st.kratos, err = startKratos(kctx, kratosBin, o, p, st.mail.URL(), st.kratosLog, st.note); err != nil {
		return nil, err
	}

	if st.backendLog, err = os.OpenFile(p.backendLog, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600); err != nil {
		return nil, fmt.Errorf("open the backend log: %w", err)
	}
	fmt.Fprintf(stderr, "kratos-tui-dev: starting the backend (%s)\n", backendBin)
	if st.backend, st.backendURL, err = startBackend(ctx, backendBin, st.kratos.PublicURL, !o.freePorts, st.backendLog, p.backendLog, st.note); err != nil {
		return nil, err
	}
	return st, nil
}

func (st *stack) note(format string, args ...any) {
	st.notes = append(st.notes, fmt.Sprintf(format, args...))
}

// stop stops the backend, then Kratos, and closes the logs. It is safe on a
// partly started stack and idempotent.
func (st *stack) stop() error {
	var errs []error
	if st.backend != nil {
		st.backend.stop(stopGrace)
		st.backend = nil
	}
	if st.kratos != nil {
		if err := st.kratos.Stop(); err != nil {
			errs = append(errs, err)
		}
		st.kratos = nil
	}
	if st.mail != nil {
		if err := st.mail.Close(); err != nil {
			errs = append(errs, err)
		}
		st.mail = nil
	}
	for _, f := range []**os.File{&st.backendLog, &st.kratosLog, &st.mailLog} {
		if *f != nil {
			if err := (*f).Close(); err != nil {
				errs = append(errs, err)
			}
			*f = nil
		}
	}
	return errors.Join(errs...)
}

// checkKratosBinary checks that bin is an executable file, with a hint to
// build it.
func checkKratosBinary(bin string) (string, error) {
	if bin == "" {
		_, err := kratostest.BinaryPath()
		if err == nil {
			err = kratostest.ErrBinaryNotFound
		}
		return "", fmt.Errorf("no Kratos binary: %w (or give --kratos-bin)", err)
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return "", fmt.Errorf("kratos binary %s: %w", bin, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: %v (run `make kratos` or give --kratos-bin)", kratostest.ErrBinaryNotFound, err)
	case fi.IsDir():
		return "", fmt.Errorf("%w: %s is a directory (run `make kratos` or give --kratos-bin)", kratostest.ErrBinaryNotFound, abs)
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("%w: %s is not executable (run `make kratos` or give --kratos-bin)", kratostest.ErrBinaryNotFound, abs)
	}
	return abs, nil
}

// startKratos starts Kratos with its data in p.kratosDir. kratostest reuses
// an existing database in a caller-given DataDir and migrates it in place
// (`kratos migrate sql` skips applied migrations). If a reused directory
// cannot be started, it is moved aside and Kratos starts on a fresh one;
// when that fails too, the directory is put back and the first error
// returned. Unless o.freePorts, Kratos is then moved to ports 4433 and 4434
// when they are free.
func startKratos(ctx context.Context, bin string, o options, p paths, courierURL string, logw io.Writer, note func(string, ...any)) (*kratostest.Server, error) {
	// kratostest finds the binary through $KRATOS_BIN.
	if err := os.Setenv("KRATOS_BIN", bin); err != nil {
		return nil, fmt.Errorf("set KRATOS_BIN: %w", err)
	}
	if o.fresh {
		if err := os.RemoveAll(p.kratosDir); err != nil {
			return nil, fmt.Errorf("--fresh: remove %s: %w", p.kratosDir, err)
		}
	}
	_, statErr := os.Stat(filepath.Join(p.kratosDir, kratosDBFile))
	reused := statErr == nil

	opts := kratostest.Options{DataDir: p.kratosDir, LogWriter: logw, CourierURL: courierURL}
	srv, err := kratostest.Start(ctx, opts)
	if err != nil && reused && ctx.Err() == nil && !errors.Is(err, kratostest.ErrBinaryNotFound) {
		aside := fmt.Sprintf("%s.broken-%s", p.kratosDir, time.Now().Format("20060102-150405"))
		if rerr := os.Rename(p.kratosDir, aside); rerr == nil {
			srv2, err2 := kratostest.Start(ctx, opts)
			if err2 == nil {
				note("could not reuse the Kratos data (%s); it was moved to %s and Kratos started with a fresh database", firstLine(err), aside)
				srv, err = srv2, nil
			} else {
				_ = os.RemoveAll(p.kratosDir)
				if rerr := os.Rename(aside, p.kratosDir); rerr != nil {
					err = fmt.Errorf("%w (the old data is in %s: %v)", err, aside, rerr)
				}
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("start Kratos with its data in %s (log: %s): %w", p.kratosDir, p.kratosLog, err)
	}
	if !o.freePorts {
		msg, ferr := moveToPorts(ctx, srv, preferredPublicPort, preferredAdminPort)
		if ferr != nil {
			_ = srv.Stop()
			return nil, ferr
		}
		if msg != "" {
			note("%s", msg)
		}
	}
	return srv, nil
}

// moveToPorts restarts srv on the given public and admin ports when both
// are free. kratostest always picks free ports, so this halts Kratos,
// rewrites the ports in its rendered config and restarts it; if that fails,
// Kratos is restarted on its first ports. It returns a note saying why the
// ports were not changed (empty when they were), and an error only when
// Kratos could not be brought back at all.
func moveToPorts(ctx context.Context, srv *kratostest.Server, public, admin int) (string, error) {
	oldPublic, oldAdmin := srv.PublicURL, srv.AdminURL
	fromPublic, err1 := urlPort(oldPublic)
	fromAdmin, err2 := urlPort(oldAdmin)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Sprintf("Kratos kept free ports: %v", err), nil
	}
	if fromPublic == public && fromAdmin == admin {
		return "", nil
	}
	for _, port := range []int{public, admin} {
		if !portFree(port) {
			return fmt.Sprintf("port %d is in use, so Kratos runs on free ports; a token stored for http://%s:%d will not match", port, loopback, public), nil
		}
	}
	orig, err := os.ReadFile(srv.ConfigPath)
	if err != nil {
		return fmt.Sprintf("Kratos kept free ports: %v", err), nil
	}
	moved, err := rewritePorts(orig, fromPublic, public, fromAdmin, admin)
	if err != nil {
		return fmt.Sprintf("Kratos kept free ports: %v", err), nil
	}
	if err := srv.Halt(); err != nil {
		return "", fmt.Errorf("halt Kratos to move it to ports %d/%d: %w", public, admin, err)
	}
	if err := os.WriteFile(srv.ConfigPath, moved, 0o600); err != nil {
		return "", fmt.Errorf("rewrite %s: %w", srv.ConfigPath, err)
	}
	srv.PublicURL = fmt.Sprintf("http://%s:%d", loopback, public)
	srv.AdminURL = fmt.Sprintf("http://%s:%d", loopback, admin)
	restartErr := srv.Restart(ctx)
	if restartErr == nil {
		return "", nil
	}
	if ctx.Err() != nil {
		return "", fmt.Errorf("restart Kratos on ports %d/%d: %w", public, admin, ctx.Err())
	}
	srv.PublicURL, srv.AdminURL = oldPublic, oldAdmin
	if err := os.WriteFile(srv.ConfigPath, orig, 0o600); err != nil {
		return "", fmt.Errorf("restore %s: %w", srv.ConfigPath, err)
	}
	if err := srv.Restart(ctx); err != nil {
		return "", fmt.Errorf("restart Kratos on ports %d/%d after failing on %d/%d (%s): %w",
			fromPublic, fromAdmin, public, admin, firstLine(restartErr), err)
	}
	return fmt.Sprintf("Kratos could not start on ports %d/%d (%s), so it runs on free ports", public, admin, firstLine(restartErr)), nil
}

// rewritePorts replaces the public and admin ports in a rendered
// kratostest config: the `port:` keys and every 127.0.0.1:PORT in URLs. It
// fails when the config does not have the expected shape.
func rewritePorts(cfg []byte, fromPublic, toPublic, fromAdmin, toAdmin int) ([]byte, error) {
	for _, r := range []struct{ from, to int }{{fromPublic, toPublic}, {fromAdmin, toAdmin}} {
		portKey := regexp.MustCompile(`(?m)^(\s*port:\s*)` + strconv.Itoa(r.from) + `(\s*)$`)
		if n := len(portKey.FindAllIndex(cfg, -1)); n != 1 {
			return nil, fmt.Errorf("rendered Kratos config has %d `port: %d` lines, want 1", n, r.from)
		}
		cfg = portKey.ReplaceAll(cfg, []byte("${1}"+strconv.Itoa(r.to)+"${2}"))
		hostPort := regexp.MustCompile(regexp.QuoteMeta(loopback+":"+strconv.Itoa(r.from)) + `\b`)
		if !hostPort.Match(cfg) {
			return nil, fmt.Errorf("rendered Kratos config has no URL with %s:%d", loopback, r.from)
		}
		cfg = hostPort.ReplaceAll(cfg, []byte(loopback+":"+strconv.Itoa(r.to)))
	}
	return cfg, nil
}

// startBackend runs the backend binary against kratosAPI and waits until
// its /healthz answers 200. It listens on 127.0.0.1:4000 when preferFixed
// and that port is free, else on a free port (also after losing a race for
// 4000).
func startBackend(ctx context.Context, bin, kratosAPI string, preferFixed bool, logf *os.File, logPath string, note func(string, ...any)) (*child, string, error) {
	port := 0
	if preferFixed {
		if portFree(preferredBackendPort) {
			port = preferredBackendPort
		} else {
			note("port %d is in use, so the backend runs on a free port", preferredBackendPort)
		}
	}
	for attempt := 0; ; attempt++ {
		fixed := port != 0
		if !fixed {
			var err error
			if port, err = freePort(); err != nil {
				return nil, "", fmt.Errorf("start the backend: %w", err)
			}
		}
		addr := net.JoinHostPort(loopback, strconv.Itoa(port))
		base := "http://" + addr
		cmd := exec.Command(bin, "--listen", addr, "--kratos-api", kratosAPI)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.WaitDelay = 2 * time.Second
		setStackProcAttrs(cmd)
		c, err := startChild(cmd)
		if err != nil {
			return nil, "", fmt.Errorf("start the backend %s: %w", bin, err)
		}
		err = waitHealthy(ctx, base, c)
		if err == nil {
			return c, base, nil
		}
		c.stop(stopGrace)
		tail := fileTail(logPath, 2048)
		if attempt == 0 && strings.Contains(tail, "address already in use") {
			note("the backend lost port %d to another process and runs on a free port", port)
			port = 0
			continue
		}
		return nil, "", fmt.Errorf("start the backend on %s (log: %s): %w\n--- backend log tail ---\n%s--- end of backend log ---", addr, logPath, err, tail)
	}
}

// waitHealthy polls base/healthz until it answers 200, the child exits, ctx
// ends or backendReadyTimeout passes.
func waitHealthy(ctx context.Context, base string, c *child) error {
	ctx, cancel := context.WithTimeout(ctx, backendReadyTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(backendPoll)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.done:
			return fmt.Errorf("the backend exited before it was healthy: %v", c.err)
		case <-ctx.Done():
			return fmt.Errorf("wait for %s/healthz: %w", base, ctx.Err())
		case <-tick.C:
		}
	}
}

// child is a started process with its exit watched.
type child struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result; read only after done is closed
}

func startChild(cmd *exec.Cmd) (*child, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop sends SIGTERM to the child's process group, SIGKILL after grace,
// and waits for it to exit.
func (c *child) stop(grace time.Duration) {
	select {
	case <-c.done:
		return
	default:
	}
	if err := signalGroup(c.cmd, sigTerm); err != nil {
		_ = killGroup(c.cmd)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
		_ = killGroup(c.cmd)
		<-c.done
	}
}

// executableDir is the directory of this executable, symlinks resolved.
func executableDir() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find this executable: %w", err)
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return filepath.Dir(exe), nil
}

// sibling returns the path of the named command next to this executable,
// where `make build` puts it.
func sibling(name string) (string, error) {
	dir, err := executableDir()
	if err != nil {
		return "", err
	}
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	p := filepath.Join(dir, name)
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() || (runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0) {
		return "", fmt.Errorf("%s not found next to kratos-tui-dev in %s: run `make build` (it builds every command into .bin/), then run .bin/kratos-tui-dev", name, dir)
	}
	return p, nil
}

// portFree reports whether port can be listened on at 127.0.0.1 now.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort(loopback, strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// freePort returns a free loopback TCP port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", loopback+":0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// urlPort returns the explicit port of a URL.
func urlPort(raw string) (int, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return 0, err
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		return 0, fmt.Errorf("URL %q has no port", raw)
	}
	return p, nil
}

// fileTail returns up to the last n bytes of the file at path.
func fileTail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		_, _ = f.Seek(fi.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(io.LimitReader(f, n))
	s := string(b)
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// firstLine is the first line of err's message (kratostest errors end in a
// long log tail, which is in the log file anyway).
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
