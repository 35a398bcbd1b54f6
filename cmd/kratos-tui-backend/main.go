// Command kratos-tui-backend is the project's small backend: GET /whoami
// tells who is signed in with a Kratos session token (see package whoami),
// and GET /healthz answers 200 once the server is listening.
//
// Usage:
//
//	kratos-tui-backend [--listen 127.0.0.1:4000] [--kratos-api URL] [--kratos-timeout 10s] [--log-level info]
//
// --kratos-api defaults to $KRATOS_API. Logs go to stderr as JSON; session
// tokens are never logged.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "kratos-tui-backend:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	listen        string
	kratosAPI     string
	kratosTimeout time.Duration
	logLevel      string
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("kratos-tui-backend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:4000", "address to listen on")
	fs.StringVar(&c.kratosAPI, "kratos-api", getenv("KRATOS_API"), "Kratos public API base URL (default $KRATOS_API)")
	fs.DurationVar(&c.kratosTimeout, "kratos-timeout", 10*time.Second, "timeout of each call to Kratos")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if c.kratosAPI == "" {
		return c, errors.New("no Kratos URL: set --kratos-api or KRATOS_API")
	}
	u, err := url.Parse(c.kratosAPI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("invalid --kratos-api %q: want an http(s) URL", c.kratosAPI)
	}
	if c.kratosTimeout <= 0 {
		return c, fmt.Errorf("invalid --kratos-timeout %s: must be positive", c.kratosTimeout)
	}
	return c, nil
}

// run serves until ctx is done. When ready is not nil it receives the
// listening address once the server accepts connections.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- string) error {
	c, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	level, err := zerolog.ParseLevel(c.logLevel)
	if err != nil {
		return fmt.Errorf("invalid --log-level: %w", err)
	}
	logger := zerolog.New(stderr).Level(level).With().Timestamp().Logger()

	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := newServer(c, logger)
	logger.Info().Str("listen", ln.Addr().String()).Str("kratos_api", c.kratosAPI).Msg("serving")
	if ready != nil {
		ready <- ln.Addr().String()
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info().Msg("stopped")
	return nil
}
