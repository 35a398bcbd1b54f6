package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestFarmMeasurementRuns runs the farm and follow measurement through the
// CLI binary at a small size (BENCH_FARM_RECS, BENCH_FARM_SIZE override it)
// so that make test keeps it working; the figures are make bench's job.
func TestFarmMeasurementRuns(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "kratos-tui")
	if out, err := exec.Command("go", "build", "-o", bin, "../kratos-tui").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Setenv("KRATOS_TUI_BIN", bin)
	n, size := 4, 200
	if v, err := strconv.Atoi(os.Getenv("BENCH_FARM_RECS")); err == nil {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("BENCH_FARM_SIZE")); err == nil {
		size = v
	}
	var tw, progress bytes.Buffer
	figures := map[string]any{}
	if err := measureFarm(&tw, &progress, figures, n, size); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"local_replays_per_s", "farm_replays_per_s_1_workers", "farm_replays_per_s_2_workers", "farm_replays_per_s_4_workers", "farm_speedup_2_workers", "follow_latency_p50_ms", "nats_roundtrip_p50_ms", "record_nats_vs_file_ratio"} {
		if v, ok := figures[k].(float64); !ok || v <= 0 {
			t.Errorf("figure %s = %v", k, figures[k])
		}
	}
	t.Logf("\n%s%v", tw.String(), figures)
}
