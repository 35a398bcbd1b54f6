package replay_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// The corpus ends with end marks; a version 2.0 log (recorded before the
// end mark, testdata/v2.0_sign_in.jsonl) still reads and replays, as a
// log without its end mark; so does a 2.1 log cut at a record boundary
// (a killed run).
func TestEndMarkAndOldLogs(t *testing.T) {
	ctx := context.Background()
	res, err := replay.RunFile(ctx, replay.Resolve("testdata/flows/sign_in.jsonl"), replay.Options{})
	if err != nil || !res.Passed() || !res.Ended || res.Records != 23 {
		t.Fatalf("corpus: %+v, %v", res, err)
	}
	res, err = replay.RunFile(ctx, "testdata/v2.0_sign_in.jsonl", replay.Options{})
	if err != nil || !res.Passed() || res.Ended || res.Records != 23 {
		t.Fatalf("2.0 log: %+v, %v", res, err)
	}
	rec, err := replay.LoadFile("testdata/v2.0_sign_in.jsonl")
	if err != nil || rec.Ended || len(rec.Records) != 23 {
		t.Fatalf("2.0 log loaded: %v", err)
	}
	// Cut after seq 18, the call to Kratos whose answer never came (a run
	// killed while Kratos answered): no end mark.
	lines := strings.SplitAfter(string(corpusBytes(t, "sign_in")), "\n")
	res, err = replay.RunFile(ctx, writeTemp(t, []byte(strings.Join(lines[:19], ""))), replay.Options{})
	if err != nil || res.Ended {
		t.Fatalf("cut log: %+v, %v", res, err)
	}
	// What the replay does past the last record of such a log is not a
	// divergence: the run was killed there. It passes for its records.
	if !res.Passed() || res.Records != 18 || res.Compared != 18 {
		t.Fatalf("cut log mid-call: %+v (divergence %+v)", res, res.Divergence)
	}
	// Cut anywhere else (here after seq 22, before SignedIn: the client's
	// last screen removed), the missing end mark hides nothing: the
	// replay's SignedIn is a divergence.
	res, err = replay.RunFile(ctx, writeTemp(t, []byte(strings.Join(lines[:23], ""))), replay.Options{})
	if err != nil || res.Passed() || res.Divergence.Seq != 23 {
		t.Fatalf("log cut before its last screen: %+v, %v", res, err)
	}
	// The same records closed normally (with their end mark) claim the
	// run ended there: the replay's going on is a divergence.
	closed := strings.Join(lines[:19], "") + `{"kratos_tui_flow_log_end":true,"records":18}` + "\n"
	res, err = replay.RunFile(ctx, writeTemp(t, []byte(closed)), replay.Options{})
	if err != nil || !res.Ended || res.Passed() {
		t.Fatalf("closed log that stops mid-call: %+v, %v", res, err)
	}
}

// A log of only its header (or its header and end mark) does not replay:
// there is nothing to compare, so it would pass testing nothing.
func TestLogWithoutRecordsDoesNotReplay(t *testing.T) {
	header, _, _ := strings.Cut(string(corpusBytes(t, "sign_in")), "\n")
	for name, log := range map[string]string{
		"header only":         header + "\n",
		"header and end mark": header + "\n" + `{"kratos_tui_flow_log_end":true,"records":0}` + "\n",
	} {
		_, err := replay.RunFile(context.Background(), writeTemp(t, []byte(log)), replay.Options{})
		if !errors.Is(err, replay.ErrNoRecords) || !errors.Is(err, replay.ErrUnreadable) || !strings.Contains(err.Error(), "record the flow again") {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := replay.LoadFile(writeTemp(t, []byte(log))); !errors.Is(err, replay.ErrNoRecords) {
			t.Errorf("%s: LoadFile: %v", name, err)
		}
		if _, err := replay.Run(context.Background(), &replay.Recording{}, replay.Options{}); !errors.Is(err, replay.ErrNoRecords) {
			t.Errorf("Run of no records: %v", err)
		}
	}
}

// A replay of a log that stalls (a pipe whose writer neither writes nor
// closes) ends when its context does, with the context's error, instead of
// waiting for the log (Ctrl-C and SIGTERM cancel the CLI's context).
func TestReplayOfAStalledLogEndsWithItsContext(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	lines := strings.SplitAfter(string(corpusBytes(t, "sign_in")), "\n")
	go func() { _, _ = io.WriteString(pw, strings.Join(lines[:6], "")) }() // then nothing
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := replay.RunReader(ctx, pr, "fifo", replay.Options{})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("RunReader: %v, want the context's error", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the replay of a stalled log did not end with its context")
	}
}
