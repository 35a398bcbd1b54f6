package tokenstore_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/tokenstore"
	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// envCrashSaver makes TestCrashHelperSaver save tokens in a loop into the
// directory it names, until it is killed.
const envCrashSaver = "KRATOS_TUI_CRASH_SAVER_DIR"

const crashKey = "http://127.0.0.1:4433"

// crashToken is the i-th token the helper saves; lengths vary so that a
// half-written file could not pass for a whole token.
func crashToken(i int) string {
	return fmt.Sprintf("ory_st_%d_%s_end", i, strings.Repeat("x", i%97))
}

// isCrashToken reports whether s is one of the helper's whole tokens.
func isCrashToken(s string) bool {
	var i int
	if _, err := fmt.Sscanf(s, "ory_st_%d_", &i); err != nil {
		return false
	}
	return s == crashToken(i)
}

// TestCrashHelperSaver is not a test: it is the subprocess of
// TestCrashTokenStoreNeverHalfWritten.
func TestCrashHelperSaver(t *testing.T) {
	dir := os.Getenv(envCrashSaver)
	if dir == "" {
		t.Skip("helper process only")
	}
	store := tokenstore.NewFile(dir, crashKey)
	for i := 1; ; i++ {
		if err := store.Save(crashToken(i)); err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(3)
		}
		fmt.Printf("saved %d\n", i)
	}
}

// TestCrashTokenStoreNeverHalfWritten kills a process with SIGKILL while
// it saves tokens in a loop, several times, and checks that the token file
// always holds a whole token, both while it runs (read from outside) and
// after the kill.
func TestCrashTokenStoreNeverHalfWritten(t *testing.T) {
	const kills = 5
	dir := filepath.Join(t.TempDir(), "tokens")
	store := tokenstore.NewFile(dir, crashKey)
	lost, survived, reads := 0, 0, 0
	reliability.Report(t, reliability.SuiteCrash, func(r *reliability.Record) {
		r.Tried, r.Survived, r.DataLost = kills, survived, lost
		r.Detail = fmt.Sprintf("token store: %d SIGKILLs mid-Save, %d concurrent reads", kills, reads)
	})
	for k := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperSaver$", "-test.count=1")
		cmd.Env = append(os.Environ(), envCrashSaver+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		saves := 0
		// Read while it writes; kill after a number of saves that varies
		// from run to run.
		for sc.Scan() && saves < 150+k*37 {
			if !strings.HasPrefix(sc.Text(), "saved ") {
				t.Fatalf("helper: %s", sc.Text())
			}
			saves++
			tok, err := store.Load()
			reads++
			if err != nil || !isCrashToken(tok) {
				t.Errorf("kill %d: while saving, Load gave %q, %v", k, tok, err)
				lost++
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		for sc.Scan() {
		}
		_ = cmd.Wait()
		tok, err := store.Load()
		if err != nil || !isCrashToken(tok) {
			t.Errorf("kill %d: after SIGKILL the store holds %q, %v", k, tok, err)
			lost++
			continue
		}
		survived++
	}
	// Each Load after a kill was a next start: nothing may be left.
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".token-*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary token files left after the next start: %v", leftovers)
	}
}

// envPauseSaver makes TestCrashHelperPausedSave save one token into the
// directory it names and stop, forever, once the temporary file is written.
const envPauseSaver = "KRATOS_TUI_PAUSED_SAVER_DIR"

const pausedToken = "ory_st_" + "PausedSaveCanary0123456789"

// TestCrashHelperPausedSave is not a test: it is the subprocess of
// TestCrashKilledSaveLeavesNothingAtNextStart.
func TestCrashHelperPausedSave(t *testing.T) {
	dir := os.Getenv(envPauseSaver)
	if dir == "" {
		t.Skip("helper process only")
	}
	tokenstore.SetTempHook(func(path string) {
		fmt.Printf("temp %s\n", path)
		select {} // killed here
	})
	_ = tokenstore.NewFile(dir, crashKey).Save(pausedToken)
}

// TestCrashKilledSaveLeavesNothingAtNextStart kills a process in the
// middle of a save, once its temporary file (holding the whole token) is
// written: that file is 0600 in a 0700 directory, and the next start (the
// launch's Load) removes it.
func TestCrashKilledSaveLeavesNothingAtNextStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tokens")
	leftover := -1
	reliability.Report(t, reliability.SuiteSecrets, func(r *reliability.Record) {
		r.Tried, r.Detail = 1, "token store: a save killed mid-way, then the next start"
		if leftover >= 0 {
			r.Scans = []reliability.Scan{{Kind: "session token", Artifact: "temp files", Values: 1, Found: leftover}}
			r.SecretsFound = leftover
		}
		if !t.Failed() {
			r.Survived = 1
		}
	})
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperPausedSave$", "-test.count=1")
	cmd.Env = append(os.Environ(), envPauseSaver+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "temp ") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper did not reach the temporary file: %q", sc.Text())
	}
	tmp := strings.TrimPrefix(sc.Text(), "temp ")
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	st, err := os.Stat(tmp)
	if err != nil {
		t.Fatalf("the killed save left no temporary file to check: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("temporary token file has mode %o, want 600", st.Mode().Perm())
	}
	if dst, err := os.Stat(dir); err != nil || dst.Mode().Perm() != 0o700 {
		t.Errorf("token directory mode: %v, %v; want 700", dst.Mode().Perm(), err)
	}
	if b, _ := os.ReadFile(tmp); string(b) != pausedToken {
		t.Fatalf("the temporary file holds %q, not the token: the save was not killed mid-way", b)
	}
	// The next start.
	tok, err := tokenstore.NewFile(dir, crashKey).Load()
	if err != nil || tok != "" {
		t.Fatalf("next start: Load = %q, %v; want no token (the save never finished)", tok, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".token-*"))
	leftover = len(left)
	if len(left) != 0 {
		t.Fatalf("the next start left %v: each may hold a token", left)
	}
}
