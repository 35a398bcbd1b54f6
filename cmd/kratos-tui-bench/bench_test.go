package main

import "testing"

// TestMeasurementsRun runs the in-memory measurements at a small size so
// that make test keeps them working; the figures are make bench's job.
func TestMeasurementsRun(t *testing.T) {
	p, err := measurePipeline(20)
	if err != nil {
		t.Fatal(err)
	}
	if p.events != uint64(20*25) {
		t.Fatalf("pipeline carried %d events for 20 cycles, want %d", p.events, 20*25)
	}
	if _, err := measureBareFSM(20); err != nil {
		t.Fatal(err)
	}
	if d, err := measureGoChannel(100); err != nil || d <= 0 {
		t.Fatalf("gochannel: %v %v", d, err)
	}
}

func BenchmarkPipeline(b *testing.B) {
	for b.Loop() {
		if _, err := measurePipeline(100); err != nil {
			b.Fatal(err)
		}
	}
}
