package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestOfflineReplayTuning checks that an offline replay runs on one P with
// GOGC 800 and a memory limit, that the environment wins, and that the settings are put back
// (the command may run inside a longer-lived process).
func TestOfflineReplayTuning(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	procs := runtime.GOMAXPROCS(0)
	gc := debug.SetGCPercent(100)
	defer debug.SetGCPercent(gc)
	limit := debug.SetMemoryLimit(-1)

	restore := tuneOfflineReplay()
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("GOMAXPROCS during an offline replay = %d, want 1", got)
	}
	if got := debug.SetGCPercent(offlineReplayGOGC); got != offlineReplayGOGC {
		t.Errorf("GOGC during an offline replay = %d, want %d", got, offlineReplayGOGC)
	}
	if got := debug.SetMemoryLimit(-1); got != offlineReplayMemoryLimit {
		t.Errorf("memory limit during an offline replay = %d, want %d", got, offlineReplayMemoryLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit after the replay = %d, want %d back", got, limit)
	}
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS after the replay = %d, want %d back", got, procs)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC after the replay = %d, want 100 back", got)
	}

	// Set in the environment: left alone.
	t.Setenv("GOMAXPROCS", "2")
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	restore = tuneOfflineReplay()
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS with GOMAXPROCS set = %d, want %d (the environment wins)", got, procs)
	}
	if got := debug.SetGCPercent(50); got != 50 {
		t.Errorf("GOGC with GOGC set = %d, want 50 (the environment wins)", got)
	}
	restore()
}
