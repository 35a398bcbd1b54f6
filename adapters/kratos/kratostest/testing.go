package kratostest

import (
	"context"
	"errors"
	"os"
	"testing"
)

// New starts Kratos for the test and stops it when the test ends. When the
// binary is missing it skips the test with a hint to run `make kratos`, or
// fails it when the environment has KRATOS_REQUIRED=1. Any other start
// error fails the test.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*readyTimeout)
	defer cancel()
	s, err := Start(ctx, opts)
	if errors.Is(err, ErrBinaryNotFound) {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("kratos is required (KRATOS_REQUIRED=1): %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("%v", err)
		}
	})
	return s
}
