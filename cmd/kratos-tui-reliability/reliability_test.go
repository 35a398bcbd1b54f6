package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

var all = map[string]bool{"faults": true, "crash": true, "load": true, "bus": true, "fuzz": true}

func TestReportPassAndFail(t *testing.T) {
	good := []reliability.Record{
		{Suite: reliability.SuiteFaults, Name: "a", Tried: 3, Survived: 3},
		{Suite: reliability.SuiteCrash, Name: "b", Tried: 2, Survived: 2},
		{Suite: reliability.SuiteFuzz, Name: "FuzzX", Execs: 1000},
		{Suite: reliability.SuiteLoad, Name: "c", Clients: 50, Completed: 50},
		{Suite: reliability.SuiteBus, Name: "d", Events: 100, Tried: 1, Survived: 1},
	}
	var out bytes.Buffer
	if !printReport(&out, good, all) {
		t.Fatalf("good records failed:\n%s", out.String())
	}
	for _, want := range []string{"faults survived", "3/3", "FuzzX", "1000", "50/50"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	for name, bad := range map[string]reliability.Record{
		"lost":    {Suite: reliability.SuiteCrash, Tried: 1, Survived: 1, DataLost: 1},
		"secret":  {Suite: reliability.SuiteSecrets, Tried: 1, Survived: 1, SecretsFound: 1},
		"failed":  {Suite: reliability.SuiteFuzz, Name: "FuzzY", Failed: true},
		"load":    {Suite: reliability.SuiteLoad, Clients: 50, Completed: 49},
		"unmoved": {Suite: reliability.SuiteFaults, Tried: 2, Survived: 1},
	} {
		out.Reset()
		if printReport(&out, append(append([]reliability.Record(nil), good...), bad), all) {
			t.Errorf("%s: report passed:\n%s", name, out.String())
		}
	}
	if printReport(&out, nil, nil) {
		t.Error("no records passed")
	}
	// A required suite without figures fails; one not required is "not run".
	out.Reset()
	if printReport(&out, good[:1], map[string]bool{"faults": true, "load": true}) {
		t.Errorf("missing required load passed:\n%s", out.String())
	}
	out.Reset()
	if !printReport(&out, good[:1], map[string]bool{"faults": true}) || !strings.Contains(out.String(), "not run") {
		t.Errorf("suites not required:\n%s", out.String())
	}
}

func TestReportReadsTheDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, r := range []reliability.Record{
		{Suite: reliability.SuiteFaults, Name: "x", Tried: 1, Survived: 1},
		{Suite: reliability.SuiteLoad, Name: "y", Clients: 1, Completed: 1},
	} {
		if err := reliability.Write(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"-dir", dir, "-fuzztime", "0", "-require", "faults,load"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "RESULT: PASS") {
		t.Fatalf("%s", out.String())
	}
}

// The secrets row is a table of secret kinds × artifacts; one find in one
// cell fails the report.
func TestReportSecretsTable(t *testing.T) {
	clean := []reliability.Scan{
		{Kind: "password", Artifact: "recording", Values: 1, Bytes: 10},
		{Kind: "password", Artifact: "log (debug)", Values: 1, Bytes: 10},
		{Kind: "session token", Artifact: "recording", Values: 2, Bytes: 10},
	}
	recs := []reliability.Record{{Suite: reliability.SuiteSecrets, Name: "s", Tried: 1, Survived: 1, Scans: clean}}
	var out bytes.Buffer
	if !printReport(&out, recs, map[string]bool{"secrets": true}) {
		t.Fatalf("clean scans failed:\n%s", out.String())
	}
	for _, want := range []string{"kind \\ artifact", "log (debug)", "recording", "session token"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(out.String(), " -") {
		t.Errorf("an artifact not scanned for a kind is not marked:\n%s", out.String())
	}
	dirty := append([]reliability.Scan(nil), clean...)
	dirty[2].Found = 1
	out.Reset()
	if printReport(&out, []reliability.Record{{Suite: reliability.SuiteSecrets, Name: "s", Tried: 1, Survived: 1, Scans: dirty}}, map[string]bool{"secrets": true}) {
		t.Errorf("a secret in a recording passed:\n%s", out.String())
	}
	t.Logf("\n%s", out.String())
}
