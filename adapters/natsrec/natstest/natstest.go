// Package natstest starts a real nats-server with JetStream on a free
// loopback port, in process, for tests.
package natstest

import (
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server is a running nats-server with JetStream.
type Server struct {
	*server.Server
	// StoreDir is where JetStream keeps its streams.
	StoreDir string
}

// URL returns the client URL, nats://127.0.0.1:PORT.
func (s *Server) URL() string { return s.ClientURL() }

// Start starts a server with JetStream on a free loopback port, storing in
// dir (a fresh temp dir when empty), and stops it when the test ends.
func Start(t testing.TB, dir string) *Server {
	t.Helper()
	return StartWith(t, dir, nil)
}

// StartWith is Start with options changed by edit (e.g. MaxPayload).
func StartWith(t testing.TB, dir string, edit func(*server.Options)) *Server {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := startAt(dir, -1, edit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// StartAt starts a server storing in dir on port (-1: a free port). The
// caller stops it.
func StartAt(dir string, port int) (*Server, error) { return startAt(dir, port, nil) }

func startAt(dir string, port int, edit func(*server.Options)) (*Server, error) {
	if dir == "" {
		return nil, fmt.Errorf("natstest: a store dir is required")
	}
	opts := &server.Options{
		Host:      "127.0.0.1",
		Port:      port,
		JetStream: true,
		StoreDir:  dir,
		NoLog:     true,
		NoSigs:    true,
	}
	if edit != nil {
		edit(opts)
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natstest: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("natstest: nats-server not ready after 10s")
	}
	return &Server{Server: s, StoreDir: dir}, nil
}

// Stop shuts the server down and waits for it.
func (s *Server) Stop() {
	s.Shutdown()
	s.WaitForShutdown()
}
