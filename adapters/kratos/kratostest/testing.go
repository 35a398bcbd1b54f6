package kratostest

import (
	"context"
	"errors"
	"os"
	"sync"
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

var (
	sharedMu  sync.Mutex
	shared    *Server
	sharedErr error
)

// Shared returns a Kratos with default options that every test of the
// test binary shares, started on first use. It skips or fails like New
// when the binary is missing. Call StopShared from TestMain after m.Run.
func Shared(t testing.TB) *Server {
	t.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && sharedErr == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*readyTimeout)
		shared, sharedErr = Start(ctx, Options{})
		cancel()
	}
	if errors.Is(sharedErr, ErrBinaryNotFound) {
		if os.Getenv("KRATOS_REQUIRED") == "1" {
			t.Fatalf("kratos is required (KRATOS_REQUIRED=1): %v", sharedErr)
		}
		t.Skipf("skipping: %v", sharedErr)
	}
	if sharedErr != nil {
		t.Fatalf("start the shared Kratos: %v", sharedErr)
	}
	return shared
}

// StopShared stops the Kratos that Shared started, if any.
func StopShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		_ = shared.Stop()
		shared = nil
	}
}
