package kratos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// Real Kratos servers shared by the integration tests, one per config
// variant, started on first use and stopped by TestMain.
var (
	serversMu sync.Mutex
	servers   = map[string]*sharedServer{}
)

// sharedServer is a lazily started Kratos for one config variant.
type sharedServer struct {
	once sync.Once
	srv  *kratostest.Server
	err  error
}

// Config variants of the shared servers.
var variants = map[string]kratostest.Options{
	"default":     {},
	"short-flows": {LoginLifespan: "1s", RegistrationLifespan: "1s"},
	"no-hook":     {NoSessionHookAfterRegistration: true},
}

func TestMain(m *testing.M) {
	code := m.Run()
	serversMu.Lock()
	for name, s := range servers {
		if s.srv != nil {
			if err := s.srv.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "stop kratos %s: %v\n", name, err)
			}
		}
	}
	serversMu.Unlock()
	os.Exit(code)
}

// kratosServer returns the shared real Kratos of the named variant,
// starting it on first use. It skips the test under -short or when the
// binary is missing (fails it when KRATOS_REQUIRED=1).
func kratosServer(t *testing.T, variant string) *kratostest.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping integration test in -short mode")
	}
	opts, ok := variants[variant]
	if !ok {
		t.Fatalf("unknown kratos variant %q", variant)
	}
	serversMu.Lock()
	s := servers[variant]
	if s == nil {
		s = &sharedServer{}
		servers[variant] = s
	}
	serversMu.Unlock()
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s.srv, s.err = kratostest.Start(ctx, opts)
	})
	if errors.Is(s.err, kratostest.ErrBinaryNotFound) && os.Getenv("KRATOS_REQUIRED") != "1" {
		t.Skipf("skipping: %v", s.err)
	}
	if s.err != nil {
		t.Fatalf("start kratos (%s): %v", variant, s.err)
	}
	return s.srv
}

// emailSeq makes test email addresses unique within a run.
var emailSeq atomic.Int64

// uniqueEmail returns an address no other test uses.
func uniqueEmail() string {
	return fmt.Sprintf("u%d-%d@example.org", time.Now().UnixNano(), emailSeq.Add(1))
}

// testCtx returns a context bounded for one integration test.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
