package replay

import (
	"strings"
	"testing"
)

// TestBareClientGoCycle checks the floor's inputs: the cycle WriteCycles
// repeats is 25 records with three Kratos exchanges, and the bare
// client-go calls decode those recorded answers.
func TestBareClientGoCycle(t *testing.T) {
	records, xs, err := cycleWire(CycleTemplate)
	if err != nil {
		t.Fatal(err)
	}
	if records != 25 || len(xs) != 3 {
		t.Fatalf("cycle of %s: %d records, %d exchanges; want 25 and 3", CycleTemplate, records, len(xs))
	}
	eps, err := MeasureBareClientGo(CycleTemplate, 20)
	if err != nil || eps <= 0 {
		t.Fatalf("MeasureBareClientGo: %v, %v", eps, err)
	}
	// A log whose cycle is not sign-in/sign-out is refused, not measured.
	if _, err := MeasureBareClientGo("testdata/flows/sign_up.jsonl", 1); err == nil || !strings.Contains(err.Error(), "not create login flow, submit, log out") {
		t.Fatalf("a cycle without a log-out: %v", err)
	}
}
