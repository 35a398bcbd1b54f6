package kratostest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"time"
)

const (
	// stopGrace is how long Kratos gets to exit after SIGTERM.
	stopGrace = 10 * time.Second
	// readyTimeout bounds the wait for /health/ready.
	readyTimeout = 30 * time.Second
	// readyPoll is the interval between readiness probes.
	readyPoll = 25 * time.Millisecond
)

// process is one running `kratos serve`.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result; read only after done is closed
}

// kratosEnv is a minimal environment: Kratos reads any environment
// variable named like a config key, so the caller's environment could
// silently change the configuration.
func kratosEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "SYSTEMROOT"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func newCommand(bin string, tail *logTail, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = kratosEnv()
	cmd.Stdout = tail
	cmd.Stderr = tail
	cmd.WaitDelay = 2 * time.Second
	setProcAttrs(cmd)
	return cmd
}

// runMigrations runs `kratos migrate sql -e --yes -c cfg` to completion.
func runMigrations(ctx context.Context, bin, cfg string, tail *logTail) error {
	cmd := newCommand(bin, tail, "migrate", "sql", "-e", "--yes", "-c", cfg)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	p := watch(cmd)
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("migrate: %w", p.err)
		}
		return nil
	case <-ctx.Done():
		p.stop()
		return fmt.Errorf("migrate: %w", ctx.Err())
	}
}

// startServe starts `kratos serve --dev --watch-courier -c cfg`.
// extra are NAME=value config overrides (Options.Env).
func startServe(bin, cfg string, tail *logTail, extra []string) (*process, error) {
	cmd := newCommand(bin, tail, "serve", "--dev", "--watch-courier", "--sqa-opt-out", "-c", cfg)
	cmd.Env = append(cmd.Env, extra...)
	// Note: Pdeathsig (Linux) fires when the OS thread that started the
	// child exits; the Go runtime only ends threads of goroutines that exit
	// while locked to them, which this package never does.
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return watch(cmd), nil
}

func watch(cmd *exec.Cmd) *process {
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p
}

// stop sends SIGTERM to the process group, then SIGKILL after stopGrace,
// and waits for the process to exit.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	if err := terminateGroup(p.cmd); err != nil {
		_ = killGroup(p.cmd)
	}
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		_ = killGroup(p.cmd)
		<-p.done
	}
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// freePorts returns n distinct free loopback TCP ports.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", loopback+":0")
		if err != nil {
			return nil, fmt.Errorf("find free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

var errExited = errors.New("kratos exited before it was ready")
