package main

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLiveReplayKratosDownIsAnError: replay --live against a Kratos that
// cannot be reached exits 2 with what to do, not 1 with a DRIFT that
// would blame Kratos's behaviour for an outage.
func TestLiveReplayKratosDownIsAnError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close() // nothing listens there now
	log := filepath.Join("..", "..", "testdata", "flows", "sign_in.jsonl")
	code, stdout, stderr := runCLI(t, "replay", "--live", log, "--kratos-api", down)
	if code != 2 || strings.Contains(stdout, "DRIFT") || !strings.Contains(stderr, "cannot be reached") || !strings.Contains(stderr, "make up") {
		t.Fatalf("replay --live with Kratos down: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// With --record: the outage is found before the recording is
	// created, so no empty recording is left behind.
	rec := filepath.Join(t.TempDir(), "live.jsonl")
	code, _, stderr = runCLI(t, "replay", "--live", log, "--kratos-api", down, "--record", rec)
	if code != 2 || !strings.Contains(stderr, "cannot be reached") {
		t.Fatalf("replay --live --record with Kratos down: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(rec); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("replay --live --record with Kratos down left %s behind (stat: %v)", rec, err)
	}
}
