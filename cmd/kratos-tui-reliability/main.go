// Command kratos-tui-reliability prints the reliability report: faults
// injected and survived, data lost, secrets found, crash kills, fuzz
// targets and executions, load completed. The figures come from the tests
// run in the same invocation: the reliability tests write records into the
// directory named by KRATOS_TUI_RELIABILITY_DIR (see internal/reliability),
// and this command runs each fuzz target for -fuzztime and parses its
// execution count.
//
//	kratos-tui-reliability -dir D -fuzztime 5s   # after `go test ./...` wrote into D (make test)
//	kratos-tui-reliability -run-tests -fuzztime 10s  # run the reliability tests too (make reliability)
//
// It exits 1 when any test or fuzz target failed, data was lost, a secret
// was found, a load client did not complete, or no figures were recorded.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// fuzzTarget is one Fuzz function and its package.
type fuzzTarget struct{ name, pkg string }

// fuzzTargets are every fuzz target of the module.
var fuzzTargets = []fuzzTarget{
	{"FuzzUnmarshal", "./events/"},
	{"FuzzCanonicalUnmarshal", "./events/"},
	{"FuzzMarshalRedacted", "./events/"},
	{"FuzzTokenizeValid", "./events/"},
	{"FuzzReader", "./events/flowlog/"},
	{"FuzzClassify", "./adapters/kratos/"},
	{"FuzzBuild", "./ui/tui/fields/"},
	{"FuzzEnvFile", "./cmd/kratos-tui/"},
	{"FuzzValidateURL", "./cmd/kratos-tui/"},
	{"FuzzSameAsEncodingJSON", "./internal/fastjson/"},
	{"FuzzValidSameAsEncodingJSON", "./internal/fastjson/"},
}

// testPackages and testPattern select the reliability tests for -run-tests.
var testPackages = []string{"./adapters/faultproxy/", "./adapters/kratos/", "./adapters/tokenstore/",
	"./cmd/kratos-tui/", "./cmd/kratos-tui/app/", "./events/bus/", "./fsm/replay/"}

const testPattern = "Fault|Crash|Leak|Canary|Load|Retry|Logout"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kratos-tui-reliability", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "directory of the records written by the tests (default: a new temporary one)")
	runTests := fs.Bool("run-tests", false, "run the reliability tests first (go test -race)")
	fuzzTime := fs.Duration("fuzztime", 5*time.Second, "how long to run each fuzz target; 0 skips fuzzing")
	goBin := fs.String("go", "go", "the go command")
	require := fs.String("require", "faults,crash,secrets,load,bus,fuzz", "suites that must have figures (comma-separated)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "kratos-tui-reliability-")
		if err != nil {
			fmt.Fprintf(stderr, "kratos-tui-reliability: %v\n", err)
			return 2
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	failed := false
	if *runTests {
		args := append([]string{"test", "-race", "-count=1", "-run", testPattern}, testPackages...)
		cmd := exec.CommandContext(ctx, *goBin, args...)
		cmd.Env = append(os.Environ(), reliability.EnvDir+"="+*dir)
		cmd.Stdout, cmd.Stderr = stderr, stderr
		fmt.Fprintf(stderr, "kratos-tui-reliability: go %s\n", strings.Join(args, " "))
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "kratos-tui-reliability: reliability tests failed: %v\n", err)
			failed = true
		}
	}
	if *fuzzTime > 0 {
		for _, ft := range fuzzTargets {
			rec := fuzz(ctx, *goBin, ft, *fuzzTime, stderr)
			if err := reliability.Write(*dir, rec); err != nil {
				fmt.Fprintf(stderr, "kratos-tui-reliability: %v\n", err)
				return 2
			}
		}
	}
	recs, err := reliability.ReadDir(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "kratos-tui-reliability: %v\n", err)
		return 2
	}
	required := map[string]bool{}
	for _, r := range strings.Split(*require, ",") {
		if r = strings.TrimSpace(r); r != "" {
			required[r] = true
		}
	}
	if !printReport(stdout, recs, required) || failed {
		fmt.Fprintln(stdout, "RESULT: FAIL")
		return 1
	}
	fmt.Fprintln(stdout, "RESULT: PASS")
	return 0
}

// execsLine matches the fuzzer's progress lines.
var execsLine = regexp.MustCompile(`execs: (\d+)`)

// fuzz runs one fuzz target and returns its record.
func fuzz(ctx context.Context, goBin string, ft fuzzTarget, d time.Duration, stderr io.Writer) reliability.Record {
	rec := reliability.Record{Suite: reliability.SuiteFuzz, Name: ft.name}
	// Minimizing each new interesting input of a large seed (a recorded
	// flow) can take the whole budget; a short minimization keeps the
	// fuzzer executing.
	cmd := exec.CommandContext(ctx, goBin, "test", "-run", "^$", "-fuzz", "^"+ft.name+"$",
		"-fuzztime", d.String(), "-fuzzminimizetime", "50x", ft.pkg)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if m := execsLine.FindAllStringSubmatch(out.String(), -1); len(m) > 0 {
		rec.Execs, _ = strconv.ParseInt(m[len(m)-1][1], 10, 64)
	}
	if err != nil {
		rec.Failed = true
		rec.Detail = lastLines(out.String(), 15)
		fmt.Fprintf(stderr, "kratos-tui-reliability: %s failed:\n%s\n", ft.name, out.String())
	}
	return rec
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// totals sums the records of one suite.
type totals struct {
	records, failed, tried, survived, lost, secrets int
	execs                                           int64
	clients, completed, events, eventsLost          int
	details                                         []string
}

// printReport prints the table and reports whether everything passed.
// A suite without records fails when it is required and is "not run"
// otherwise.
func printReport(w io.Writer, recs []reliability.Record, required map[string]bool) bool {
	by := map[string]*totals{}
	var fuzzRecs []reliability.Record
	var scans []reliability.Scan
	for _, r := range recs {
		scans = append(scans, r.Scans...)
		t := by[r.Suite]
		if t == nil {
			t = &totals{}
			by[r.Suite] = t
		}
		t.records++
		if r.Failed {
			t.failed++
		}
		t.tried += r.Tried
		t.survived += r.Survived
		t.lost += r.DataLost + r.EventsLost
		t.secrets += r.SecretsFound
		for _, sc := range r.Scans {
			t.secrets += sc.Found
		}
		t.execs += r.Execs
		t.clients += r.Clients
		t.completed += r.Completed
		t.events += r.Events
		t.eventsLost += r.EventsLost
		if r.Detail != "" && r.Suite != reliability.SuiteFuzz {
			t.details = append(t.details, r.Detail)
		}
		if r.Suite == reliability.SuiteFuzz {
			fuzzRecs = append(fuzzRecs, r)
		}
	}
	get := func(s string) *totals {
		if t := by[s]; t != nil {
			return t
		}
		return &totals{}
	}
	ok := len(recs) > 0
	status := func(suite string, pass bool) string {
		switch {
		case suite == "":
			if pass {
				return "ok"
			}
		case by[suite] == nil && !required[suite]:
			return "not run"
		case by[suite] != nil && pass:
			return "ok"
		}
		ok = false
		return "FAIL"
	}
	f, c, s, l, b, z := get(reliability.SuiteFaults), get(reliability.SuiteCrash), get(reliability.SuiteSecrets),
		get(reliability.SuiteLoad), get(reliability.SuiteBus), get(reliability.SuiteFuzz)
	lostTotal := f.lost + c.lost + s.lost + l.lost + b.lost
	secretsTotal := f.secrets + c.secrets + s.secrets + l.secrets + b.secrets

	fmt.Fprintln(w, "kratos-tui reliability report")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tvalue\tstatus")
	fmt.Fprintf(tw, "faults tried\t%d\t%s\n", f.tried, status(reliability.SuiteFaults, f.tried > 0))
	fmt.Fprintf(tw, "faults survived\t%d/%d\t%s\n", f.survived, f.tried, status(reliability.SuiteFaults, f.survived == f.tried && f.failed == 0))
	fmt.Fprintf(tw, "crash kills survived (SIGKILL)\t%d/%d\t%s\n", c.survived, c.tried, status(reliability.SuiteCrash, c.survived == c.tried && c.failed == 0))
	fmt.Fprintf(tw, "data lost (tokens, records)\t%d\t%s\n", lostTotal, status("", lostTotal == 0))
	fmt.Fprintf(tw, "secrets found\t%d\t%s\n", secretsTotal, status(reliability.SuiteSecrets, secretsTotal == 0 && s.failed == 0))
	fmt.Fprintf(tw, "fuzz targets\t%d (%d failed)\t%s\n", z.records, z.failed, status(reliability.SuiteFuzz, z.failed == 0))
	fmt.Fprintf(tw, "fuzz executions\t%d\t%s\n", z.execs, status(reliability.SuiteFuzz, z.execs > 0 && z.failed == 0))
	fmt.Fprintf(tw, "load clients completed\t%d/%d\t%s\n", l.completed, l.clients, status(reliability.SuiteLoad, l.completed == l.clients && l.failed == 0))
	fmt.Fprintf(tw, "bus events delivered in order\t%d/%d\t%s\n", b.events-b.eventsLost, b.events, status(reliability.SuiteBus, b.eventsLost == 0 && b.failed == 0))
	_ = tw.Flush()
	if len(scans) > 0 {
		fmt.Fprintln(w)
		printScans(w, scans)
	}
	if len(fuzzRecs) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "fuzz target\texecutions\tstatus")
		for _, r := range fuzzRecs {
			st := "ok"
			if r.Failed {
				st = "FAIL"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\n", r.Name, r.Execs, st)
		}
		_ = tw.Flush()
	}
	var notes []string
	for _, suite := range []string{reliability.SuiteCrash, reliability.SuiteLoad} {
		notes = append(notes, get(suite).details...)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, "note:", n)
		}
	}
	for _, r := range recs {
		if r.Failed {
			ok = false
			fmt.Fprintf(w, "failed: %s %s\n", r.Suite, r.Name)
		}
	}
	if len(recs) == 0 {
		fmt.Fprintln(w, "no figures were recorded: were the tests run with "+reliability.EnvDir+" set?")
	}
	return ok
}

// printScans prints the secrets found as a table of secret kinds (rows) ×
// artifacts scanned (columns), summed over the tests; "-" marks an
// artifact not scanned for that kind.
func printScans(w io.Writer, scans []reliability.Scan) {
	type key struct{ kind, artifact string }
	found := map[key]int{}
	kinds, artifacts := map[string]bool{}, map[string]bool{}
	for _, sc := range scans {
		found[key{sc.Kind, sc.Artifact}] += sc.Found
		kinds[sc.Kind], artifacts[sc.Artifact] = true, true
	}
	sorted := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	ks, as := sorted(kinds), sorted(artifacts)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "secrets found: kind \\ artifact\t")
	for _, a := range as {
		fmt.Fprintf(tw, "%s\t", a)
	}
	fmt.Fprintln(tw)
	for _, k := range ks {
		fmt.Fprintf(tw, "%s\t", k)
		for _, a := range as {
			if n, ok := found[key{k, a}]; ok {
				fmt.Fprintf(tw, "%d\t", n)
			} else {
				fmt.Fprint(tw, "-\t")
			}
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}
