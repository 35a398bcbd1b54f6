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
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".token-*.tmp"))
	t.Logf("%d temporary files left by the kills (harmless: never read)", len(leftovers))
}
