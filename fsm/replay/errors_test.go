package replay_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

func corpusBytes(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(replay.Resolve(filepath.Join(corpusDir, name+".jsonl")))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "log.jsonl")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTruncatedLogReadsUpToLastWholeRecord(t *testing.T) {
	b := corpusBytes(t, "sign_in")
	b = b[:strings.LastIndex(strings.TrimSuffix(string(b), "\n"), "\n")+1] // no end mark: a crash
	lines := strings.Count(string(b), "\n")
	cut := b[:len(b)-40] // mid-way through the last record
	_, recs, err := flowlog.ReadAll(writeTemp(t, cut))
	if !errors.Is(err, flowlog.ErrTruncated) {
		t.Fatalf("want ErrTruncated, got %v", err)
	}
	if len(recs) != lines-2 {
		t.Fatalf("read %d whole records, want %d", len(recs), lines-2)
	}
	if !strings.Contains(err.Error(), "cut short") || !strings.Contains(err.Error(), "line") {
		t.Fatalf("unclear message: %v", err)
	}
	// Replay covers the whole records before the cut line (a run killed
	// while writing it), as a log without its end mark, and says so: here
	// the last whole record is a transition, so the replay's SignedIn, the
	// record that was being written, is compared with nothing: a
	// divergence, not an error.
	res, err := replay.RunFile(context.Background(), writeTemp(t, cut), replay.Options{})
	if err != nil || res.Passed() || res.Ended || res.Records != lines-2 || !errors.Is(res.Cut, flowlog.ErrTruncated) {
		t.Fatalf("replay of a truncated log: %+v, %v", res, err)
	}
	// Cut in the answer of a call (killed while writing it): PASS for the
	// whole records before it.
	all := strings.SplitAfter(string(b), "\n")
	inCall := strings.Join(all[:19], "") + all[19][:len(all[19])/2]
	res, err = replay.RunFile(context.Background(), writeTemp(t, []byte(inCall)), replay.Options{})
	if err != nil || !res.Passed() || res.Records != 18 || !errors.Is(res.Cut, flowlog.ErrTruncated) {
		t.Fatalf("replay of a log cut in a call's answer: %+v, %v", res, err)
	}
	// A cut line in the middle is corruption, not a crash: refused.
	mid := strings.SplitAfter(string(corpusBytes(t, "sign_in")), "\n")
	mid[6] = mid[6][:len(mid[6])/2] + "\n"
	if _, err := replay.RunFile(context.Background(), writeTemp(t, []byte(strings.Join(mid, ""))), replay.Options{}); !errors.Is(err, replay.ErrUnreadable) {
		t.Fatalf("replay of a log cut in the middle: %v", err)
	}
}

func TestCorruptLineNamesItsNumber(t *testing.T) {
	lines := strings.Split(string(corpusBytes(t, "sign_in")), "\n")
	lines[4] = `{"seq":4,"id":"ev-000005","kind":"adapter_call","type":"AdapterCalled","ti` // line 5
	_, _, err := flowlog.ReadAll(writeTemp(t, []byte(strings.Join(lines, "\n"))))
	var le *flowlog.LineError
	if !errors.As(err, &le) || le.Line != 5 || errors.Is(err, flowlog.ErrTruncated) {
		t.Fatalf("want a corrupt-record error on line 5, got %v", err)
	}
	if !strings.Contains(err.Error(), "line 5: corrupt record") {
		t.Fatalf("unclear message: %v", err)
	}
}

func TestUnknownMajorVersionRefused(t *testing.T) {
	b := strings.Replace(string(corpusBytes(t, "sign_in")), `{"kratos_tui_flow_log":2,"schema_version":"2.1"`, `{"kratos_tui_flow_log":3,"schema_version":"3.3"`, 1)
	_, _, err := flowlog.ReadAll(writeTemp(t, []byte(b)))
	var ve *flowlog.VersionError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "version 3") || !strings.Contains(err.Error(), "reads version 2") {
		t.Fatalf("want a clear version error, got %v", err)
	}
}

// TestOlderVersionRefused: a version 1 log (adapter results only, no full
// wire) is refused, and the message says what to do.
func TestOlderVersionRefused(t *testing.T) {
	b := strings.Replace(string(corpusBytes(t, "sign_in")), `{"kratos_tui_flow_log":2,"schema_version":"2.1"`, `{"kratos_tui_flow_log":1,"schema_version":"1.0"`, 1)
	path := writeTemp(t, []byte(b))
	_, err := replay.RunFile(context.Background(), path, replay.Options{})
	var ve *flowlog.VersionError
	if !errors.As(err, &ve) || !errors.Is(err, replay.ErrUnreadable) {
		t.Fatalf("want a version error, got %v", err)
	}
	for _, want := range []string{"version 1", "too old", "Record the flow again", "--record"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("the message lacks %q: %v", want, err)
		}
	}
}

func TestUnknownFieldsIgnored(t *testing.T) {
	b := strings.Replace(string(corpusBytes(t, "sign_in")), `{"seq":1,`, `{"from_the_future":{"x":1},"seq":1,`, 1)
	b = strings.Replace(b, `"schema_version":"2.1"`, `"schema_version":"2.7","new_header_field":true`, 1)
	replay.File(t, writeTemp(t, []byte(b)))
}

func TestNotAFlowLog(t *testing.T) {
	for _, content := range []string{"", "hello\n", `{"seq":1}` + "\n"} {
		_, _, err := flowlog.ReadAll(writeTemp(t, []byte(content)))
		if err == nil || !strings.Contains(err.Error(), "flow log") {
			t.Fatalf("%q: want a clear error, got %v", content, err)
		}
	}
}

// TestChangedTransitionIsReported changes one transition of the machine on
// purpose: a rejected sign-in now leads back to unauthenticated.
func TestChangedTransitionIsReported(t *testing.T) {
	saved := fsm.Transitions
	t.Cleanup(func() { fsm.Transitions = saved })
	changed := append(fsm.Transitions[:0:0], fsm.Transitions...)
	for i, ev := range changed {
		if ev.Name == fsm.EventSignInRejected {
			changed[i].Dst = fsm.StateUnauthenticated
		}
	}
	fsm.Transitions = changed

	res, err := replay.RunFile(context.Background(), replay.Resolve("testdata/flows/sign_in_wrong_password.jsonl"), replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed() {
		t.Fatal("the replay passed with a changed transition")
	}
	d := res.Divergence
	if d.Field != "data.to" || !strings.Contains(d.Reason, `recorded "login", replayed "unauthenticated"`) {
		t.Fatalf("divergence at %q: %s", d.Field, d.Reason)
	}
	report := d.Report()
	if !strings.Contains(report, "DIVERGED at record") || !strings.Contains(report, "! data.to") {
		t.Fatalf("report lacks the side-by-side:\n%s", report)
	}
	t.Logf("\n%s", report)
}
