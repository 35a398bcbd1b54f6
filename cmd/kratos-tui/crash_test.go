package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// envCrashArgs makes TestCrashHelperMain run kratos-tui with these
// arguments (separated by newlines), as the real command would.
const envCrashArgs = "KRATOS_TUI_CRASH_ARGS"

// TestCrashHelperMain is not a test: it is kratos-tui itself, run as a
// subprocess by TestCrashRecordingKilled.
func TestCrashHelperMain(t *testing.T) {
	args := os.Getenv(envCrashArgs)
	if args == "" {
		t.Skip("helper process only")
	}
	os.Exit(run(context.Background(), strings.Split(args, "\n"), os.Stdin, os.Stdout, os.Stderr))
}

// TestCrashRecordingKilled runs `kratos-tui --ui json --record FILE`
// against a real Kratos in a subprocess, feeds it intents until the log
// has grown, kills it with SIGKILL mid-run and reads the log back: every
// record is whole and gapless up to the last whole line, at most the last
// line is cut, and every event the run had printed (the json UI's lines,
// read to the end of the pipe after the kill) is in the log with its seq,
// id and type: the recorder writes a state event before any UI gets it.
func TestCrashRecordingKilled(t *testing.T) {
	t.Setenv("KRATOS_API", "")
	srv := kratostest.New(t, kratostest.Options{})
	const kills = 3
	lost, survived := 0, 0
	reliability.Report(t, reliability.SuiteCrash, func(r *reliability.Record) {
		r.Tried, r.Survived, r.DataLost = kills, survived, lost
		r.Detail = "recording: SIGKILL of kratos-tui --record mid-run"
	})
	for k := range kills {
		dir := t.TempDir()
		logPath := filepath.Join(dir, "run.flowlog")
		args := []string{"--env-file", os.DevNull, "--kratos-api", srv.PublicURL,
			"--ui", "json", "--token-store", "memory", "--record", logPath}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperMain$", "-test.count=1")
		cmd.Env = append(os.Environ(), envCrashArgs+"="+strings.Join(args, "\n"))
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Ask for a form each time the previous one is shown, so the run
		// is busy (HTTP calls, traces, records) when it is killed.
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 4<<20)
		var printed []string
		forms := 0
		target := 20 + 7*k
		deadline := time.Now().Add(60 * time.Second)
		for sc.Scan() {
			line := sc.Text()
			printed = append(printed, line)
			if strings.Contains(line, `"type":"SignedOut"`) || strings.Contains(line, `"type":"LoginFormShown"`) {
				if strings.Contains(line, `"type":"LoginFormShown"`) {
					forms++
				}
				if forms >= target || time.Now().After(deadline) {
					break
				}
				if _, err := io.WriteString(stdin, `{"type":"LoginFlowRequested"}`+"\n"); err != nil {
					t.Fatal(err)
				}
			}
		}
		// One more request in flight, then kill.
		_, _ = io.WriteString(stdin, `{"type":"LoginFlowRequested"}`+"\n")
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// What the run printed before it died is still in the pipe.
		for sc.Scan() {
			printed = append(printed, sc.Text())
		}
		_ = cmd.Wait()
		if forms < target {
			t.Fatalf("kill %d: only %d forms before the deadline; stderr: %s", k, forms, stderr.String())
		}

		raw, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		wholeLines := bytes.Count(raw, []byte("\n"))
		_, recs, err := flowlog.ReadAll(logPath)
		if err != nil && !errors.Is(err, flowlog.ErrTruncated) {
			t.Errorf("kill %d: log does not read back: %v", k, err)
			lost++
			continue
		}
		// Every whole line after the header is a record.
		if len(recs) != wholeLines-1 {
			t.Errorf("kill %d: %d records read, %d whole lines after the header", k, len(recs), wholeLines-1)
			lost++
			continue
		}
		if missing := notInLog(printed, recs); len(missing) > 0 {
			t.Errorf("kill %d: %d of %d printed events are not in the log (%d records), first: %s", k, len(missing), len(printed), len(recs), missing[0])
			lost++
			continue
		}
		t.Logf("kill %d: %d printed events all in the log of %d records, cut tail: %v", k, len(printed), len(recs), err != nil)
		survived++
	}
}

// notInLog returns the printed json UI lines whose event (seq, id, type)
// is not among the records.
func notInLog(printed []string, recs []flowlog.Record) []string {
	bySeq := make(map[uint64]flowlog.Record, len(recs))
	for _, r := range recs {
		bySeq[r.Seq] = r
	}
	var missing []string
	for _, line := range printed {
		var ev struct {
			Seq  uint64 `json:"seq"`
			ID   string `json:"id"`
			Type string `json:"type"`
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Kind == "error" {
			missing = append(missing, "unreadable line "+line)
			continue
		}
		r, ok := bySeq[ev.Seq]
		if !ok || r.ID != ev.ID || r.Type != ev.Type {
			missing = append(missing, fmt.Sprintf("%s %d (%s)", ev.Type, ev.Seq, ev.ID))
		}
	}
	return missing
}
