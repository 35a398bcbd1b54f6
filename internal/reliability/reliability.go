// Package reliability carries the figures of the reliability tests (fault
// injection, crash safety, secret scans, load, fuzzing) from the tests that
// measure them to the report that cmd/kratos-tui-reliability prints.
//
// A test writes one Record per measurement into the directory named by the
// KRATOS_TUI_RELIABILITY_DIR environment variable (nothing is written when
// it is unset); the report reads every record of that directory, so the
// figures are those of the tests run in the same invocation.
package reliability

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// EnvDir names the environment variable holding the records directory.
const EnvDir = "KRATOS_TUI_RELIABILITY_DIR"

// The suites a record belongs to; the report has one section per suite.
const (
	SuiteFaults  = "faults"
	SuiteCrash   = "crash"
	SuiteSecrets = "secrets"
	SuiteLoad    = "load"
	SuiteBus     = "bus"
	SuiteFuzz    = "fuzz"
)

// Record is one measurement.
type Record struct {
	// Suite is one of the Suite constants.
	Suite string `json:"suite"`
	// Name names the test or fuzz target.
	Name string `json:"name"`
	// Tried and Survived count faults injected (or crashes, or scans) and
	// those the client came through as the test expects.
	Tried    int `json:"tried,omitempty"`
	Survived int `json:"survived,omitempty"`
	// DataLost counts lost tokens or records: must be 0.
	DataLost int `json:"data_lost,omitempty"`
	// SecretsFound counts secrets found where they must not be: must be 0.
	SecretsFound int `json:"secrets_found,omitempty"`
	// Execs is the number of fuzz executions.
	Execs int64 `json:"execs,omitempty"`
	// Clients and Completed count load clients started and finished.
	Clients   int `json:"clients,omitempty"`
	Completed int `json:"completed,omitempty"`
	// Events and EventsLost count bus events published and lost or
	// reordered.
	Events     int `json:"events,omitempty"`
	EventsLost int `json:"events_lost,omitempty"`
	// Scans are the canary scans of the test: each secret kind looked for
	// in each artifact, and how often it was found (must be 0).
	Scans []Scan `json:"scans,omitempty"`
	// Failed is set when the test failed.
	Failed bool `json:"failed,omitempty"`
	// Detail is a short free text.
	Detail string `json:"detail,omitempty"`
}

// Scan is one secret kind looked for in one kind of artifact.
type Scan struct {
	// Kind is the secret's kind (password, session token, ...).
	Kind string `json:"kind"`
	// Artifact is what was scanned (recording, log, trace, stdout, ...).
	Artifact string `json:"artifact"`
	// Values and Bytes count the secret values and the bytes scanned.
	Values int `json:"values"`
	Bytes  int `json:"bytes"`
	// Found counts occurrences of a value: must be 0.
	Found int `json:"found"`
}

// TB is the part of testing.TB that Report needs.
type TB interface {
	Helper()
	Name() string
	Failed() bool
	Cleanup(func())
	Errorf(format string, args ...any)
}

var seq atomic.Int64

// Report writes r when the test ends (so that Failed is known), if
// EnvDir is set. fill is called at that time to complete the record.
func Report(t TB, suite string, fill func(r *Record)) {
	t.Helper()
	dir := os.Getenv(EnvDir)
	if dir == "" {
		return
	}
	t.Cleanup(func() {
		r := Record{Suite: suite, Name: t.Name()}
		if fill != nil {
			fill(&r)
		}
		r.Failed = r.Failed || t.Failed()
		if err := Write(dir, r); err != nil {
			t.Errorf("reliability record: %v", err)
		}
	})
}

// Write stores r as a file of its own in dir.
func Write(dir string, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	name := fmt.Sprintf("%s-%d-%d-%d.json", r.Suite, os.Getpid(), time.Now().UnixNano(), seq.Add(1))
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	return nil
}

// ReadDir reads every record in dir, sorted by suite and name.
func ReadDir(dir string) ([]Record, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	var out []Record
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			errs = append(errs, fmt.Errorf("record %s: %w", e.Name(), err))
			continue
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Suite != out[j].Suite {
			return out[i].Suite < out[j].Suite
		}
		return out[i].Name < out[j].Name
	})
	return out, errors.Join(errs...)
}
