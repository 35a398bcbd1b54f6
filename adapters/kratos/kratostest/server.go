package kratostest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Server is a running (or stopped) Kratos started by Start or New.
type Server struct {
	// PublicURL is the public (frontend) API base URL, without a trailing
	// slash, for example "http://127.0.0.1:40123".
	PublicURL string
	// AdminURL is the admin API base URL, without a trailing slash.
	AdminURL string
	// DataDir holds the SQLite database and the rendered config.
	DataDir string
	// ConfigPath is the rendered kratos.yml.
	ConfigPath string

	bin     string
	env     []string // Options.Env as NAME=value, sorted
	ownsDir bool
	tail    *logTail
	http    *http.Client

	mu      sync.Mutex
	proc    *process // nil while Kratos is not running
	stopped bool
}

// Start migrates a fresh SQLite database and runs `kratos serve --dev
// --watch-courier` on free loopback ports, and returns once both APIs
// answer GET /health/ready with 200. The wait is bounded by ctx and by 30s.
// ctx bounds only the start: the server runs until Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if !supported {
		return nil, errors.New("start kratos: not supported on this platform")
	}
	bin, err := BinaryPath()
	if err != nil {
		return nil, fmt.Errorf("start kratos: %w", err)
	}
	td, err := testdataDir()
	if err != nil {
		return nil, fmt.Errorf("start kratos: %w", err)
	}
	opts = opts.withDefaults()
	env, err := configEnv(opts.Env)
	if err != nil {
		return nil, fmt.Errorf("start kratos: %w", err)
	}
	s := &Server{bin: bin, env: env, tail: &logTail{w: opts.LogWriter}, http: &http.Client{Timeout: 10 * time.Second}}
	if opts.DataDir == "" {
		dir, err := makeTempDir()
		if err != nil {
			return nil, fmt.Errorf("start kratos: %w", err)
		}
		opts.DataDir, s.ownsDir = dir, true
	} else if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("start kratos: %w", err)
	}
	if abs, err := filepath.Abs(opts.DataDir); err == nil {
		opts.DataDir = abs
	}
	s.DataDir = opts.DataDir
	s.ConfigPath = filepath.Join(opts.DataDir, configFile)

	if err := s.start(ctx, opts, td); err != nil {
		s.cleanupDir()
		return nil, fmt.Errorf("start kratos: %w", err)
	}
	return s, nil
}

// start renders the config, migrates and serves, retrying with new ports
// when a port was taken between choosing and binding it.
func (s *Server) start(ctx context.Context, opts Options, td string) error {
	const attempts = 3
	var err error
	for i := range attempts {
		var ports []int
		if ports, err = freePorts(3); err != nil {
			return err
		}
		data := newConfigData(opts, ports[0], ports[1], ports[2], schemaPath(td, opts.IdentitySchema), filepath.Join(td, jwksFile))
		if err = renderConfig(td, s.ConfigPath, data); err != nil {
			return err
		}
		if i == 0 {
			if err = prepareDatabase(ctx, s.bin, s.ConfigPath, filepath.Join(s.DataDir, dbFile), s.tail); err != nil {
				return s.withTail(err)
			}
		}
		s.PublicURL, s.AdminURL = data.PublicURL, data.AdminURL
		if err = s.serve(ctx); err == nil {
			return nil
		}
		if !strings.Contains(s.tail.String(), "address already in use") {
			return err
		}
	}
	return err
}

// serve starts the process and waits until it is ready; on failure the
// process is stopped and the error carries the log tail.
func (s *Server) serve(ctx context.Context) error {
	p, err := startServe(s.bin, s.ConfigPath, s.tail, s.env)
	if err != nil {
		return s.withTail(err)
	}
	if err := s.waitReady(ctx, p); err != nil {
		p.stop()
		return s.withTail(err)
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return nil
}

func (s *Server) withTail(err error) error {
	return fmt.Errorf("%w\n--- kratos log tail ---\n%s--- end of kratos log ---", err, s.tail.String())
}

// waitReady polls GET /health/ready on both APIs until both answer 200.
func (s *Server) waitReady(ctx context.Context, p *process) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(readyPoll)
	defer tick.Stop()
	for {
		if s.ready(ctx, client, s.PublicURL) && s.ready(ctx, client, s.AdminURL) {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%w: %v", errExited, p.err)
		case <-ctx.Done():
			return fmt.Errorf("wait for %s/health/ready: %w", s.PublicURL, ctx.Err())
		case <-tick.C:
		}
	}
}

func (s *Server) ready(ctx context.Context, client *http.Client, base string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/health/ready", nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Halt stops the Kratos process (SIGTERM, then SIGKILL after a grace
// period) but keeps its ports and database, so that Restart can bring it
// back: use it to test "Kratos is down". Halting a halted server is a no-op.
func (s *Server) Halt() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.halt()
	return nil
}

func (s *Server) halt() {
	if s.proc != nil {
		s.proc.stop()
		s.proc = nil
	}
}

// Restart stops Kratos if it is running and starts it again on the same
// ports with the same database and config, waiting until it is ready.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return errors.New("restart kratos: server was stopped")
	}
	s.halt()
	p, err := startServe(s.bin, s.ConfigPath, s.tail, s.env)
	if err != nil {
		return fmt.Errorf("restart kratos: %w", s.withTail(err))
	}
	if err := s.waitReady(ctx, p); err != nil {
		p.stop()
		return fmt.Errorf("restart kratos: %w", s.withTail(err))
	}
	s.proc = p
	return nil
}

// Running reports whether the Kratos process is running.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil && !s.proc.exited()
}

// Stop stops Kratos (SIGTERM to its process group, SIGKILL after a grace
// period), waits for it to exit and removes DataDir when Start created it.
// Stop is idempotent.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	s.halt()
	if err := s.cleanupDir(); err != nil {
		return fmt.Errorf("stop kratos: %w", err)
	}
	return nil
}

func (s *Server) cleanupDir() error {
	if !s.ownsDir {
		return nil
	}
	return os.RemoveAll(s.DataDir)
}

// LogTail returns the last 64 KiB of Kratos's output.
func (s *Server) LogTail() string { return s.tail.String() }

// schemaPath is the identity schema's file: name in td, an absolute name,
// or the default schema.
func schemaPath(td, name string) string {
	switch {
	case name == "":
		return filepath.Join(td, schemaFile)
	case filepath.IsAbs(name):
		return name
	}
	return filepath.Join(td, name)
}
