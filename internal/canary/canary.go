// Package canary scans what a test run wrote (recordings, logs, traces,
// stdout and stderr, crash output, temporary files) for the secret values
// the run used, by kind, and hands the kinds × artifacts table to the
// reliability report.
package canary

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"

	"github.com/kratos-tui/kratos-tui/internal/reliability"
)

// The secret kinds.
const (
	Password     = "password"
	SessionToken = "session token"
	TOTPSecret   = "TOTP secret / otpauth URI"
	BackupCode   = "backup code"
	OneTimeCode  = "one-time code (TOTP, recovery, verification)"
	ExchangeCode = "session-token exchange code"
)

// The artifacts.
const (
	Recording = "recording"
	Log       = "log (debug)"
	Trace     = "trace (text, mermaid, detail)"
	Stdout    = "stdout"
	Stderr    = "stderr"
	Crash     = "crash output"
	TempFiles = "temp files"
	Argv      = "argv (process and children)"
	Environ   = "environment (children)"
)

// Scanner gathers secret values by kind and artifacts by name, and scans
// every artifact for every value. It is safe for concurrent use.
type Scanner struct {
	mu        sync.Mutex
	secrets   map[string][]string
	artifacts map[string][][]byte
}

// New returns an empty scanner.
func New() *Scanner {
	return &Scanner{secrets: map[string][]string{}, artifacts: map[string][][]byte{}}
}

// Secret adds values of a kind; empty values are ignored.
func (s *Scanner) Secret(kind string, values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v != "" {
			s.secrets[kind] = append(s.secrets[kind], v)
		}
	}
}

// Values returns the values of a kind.
func (s *Scanner) Values(kind string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.secrets[kind]...)
}

// Artifact adds data written to an artifact (it may be empty: the
// artifact still counts as scanned).
func (s *Scanner) Artifact(artifact string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.artifacts[artifact] = append(s.artifacts[artifact], data)
}

// File adds the file at path to an artifact; a missing file is empty.
func (s *Scanner) File(artifact, path string) {
	b, _ := os.ReadFile(path)
	s.Artifact(artifact, b)
}

// Glob adds every file matching pattern to an artifact.
func (s *Scanner) Glob(artifact, pattern string) {
	matches, _ := filepath.Glob(pattern)
	s.Artifact(artifact, nil)
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
			s.File(artifact, m)
		}
	}
}

// found counts v in data: anywhere for long values, as a whole word for
// short numeric codes (six digits occur by chance inside a longer number,
// a timestamp's nanoseconds).
func found(data []byte, v string) int {
	if len(v) <= 8 && regexp.MustCompile(`^[0-9A-Za-z]+$`).MatchString(v) {
		re := regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(v) + `($|[^0-9A-Za-z])`)
		return len(re.FindAllIndex(data, -1))
	}
	return bytes.Count(data, []byte(v))
}

// TB is what Check needs of a test.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Check scans every artifact for every value, reports each find on t
// (without the value) and returns the table, one Scan per kind and
// artifact.
func (s *Scanner) Check(t TB) []reliability.Scan {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []reliability.Scan
	for _, kind := range sortedKeys(s.secrets) {
		values := s.secrets[kind]
		for _, art := range sortedKeys(s.artifacts) {
			sc := reliability.Scan{Kind: kind, Artifact: art, Values: len(values)}
			for _, data := range s.artifacts[art] {
				sc.Bytes += len(data)
				for _, v := range values {
					if n := found(data, v); n > 0 {
						sc.Found += n
						t.Errorf("a %s (%d chars, prefix %.4q) is in the %s", kind, len(v), v, art)
					}
				}
			}
			out = append(out, sc)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Table formats scans as a kinds × artifacts table of finds.
func Table(scans []reliability.Scan) string {
	kinds, arts := map[string]bool{}, map[string]bool{}
	cell := map[[2]string]int{}
	for _, sc := range scans {
		kinds[sc.Kind], arts[sc.Artifact] = true, true
		cell[[2]string{sc.Kind, sc.Artifact}] += sc.Found
	}
	var b bytes.Buffer
	ak := sortedKeys(arts)
	fmt.Fprintf(&b, "%-46s", "secret kind \\ artifact")
	for _, a := range ak {
		fmt.Fprintf(&b, " | %s", a)
	}
	b.WriteString("\n")
	for _, k := range sortedKeys(kinds) {
		fmt.Fprintf(&b, "%-46s", k)
		for _, a := range ak {
			if n, ok := cell[[2]string{k, a}]; ok {
				fmt.Fprintf(&b, " | %*d", len(a), n)
			} else {
				fmt.Fprintf(&b, " | %*s", len(a), "-")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
