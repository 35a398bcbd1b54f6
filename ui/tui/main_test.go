package tui_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

var (
	sharedOnce sync.Once
	shared     *kratostest.Server
	sharedErr  error
)

// kratosServer returns a real Kratos shared by the tests of the package;
// it skips (or fails with KRATOS_REQUIRED=1) without the binary.
func kratosServer(t testing.TB) *kratostest.Server {
	t.Helper()
	if _, err := kratostest.BinaryPath(); err != nil {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("KRATOS_REQUIRED=1 but %v", err)
		}
		t.Skipf("no Kratos binary (%v); run `make kratos`", err)
	}
	sharedOnce.Do(func() {
		shared, sharedErr = kratostest.Start(context.Background(), kratostest.Options{})
	})
	if sharedErr != nil {
		t.Fatalf("start Kratos: %v", sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		_ = shared.Stop()
	}
	os.Exit(code)
}
