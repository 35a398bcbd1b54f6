package tui_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/tui")

// golden compares a frame with testdata/tui/<Test>.golden.
func golden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "tui", strings.ReplaceAll(t.Name(), "/", "_")+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui/tui -run %s -update)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("screen differs from %s (- want, + got; -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

// diff is a line diff: equal lines with two spaces, others with - or +.
func diff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	// Longest common subsequence table.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			fmt.Fprintf(&out, "  %3d |%s\n", j+1, a[i])
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "+ %3d |%s\n", j+1, b[j])
			j++
		default:
			fmt.Fprintf(&out, "- %3d |%s\n", i+1, a[i])
			i++
		}
	}
	return out.String()
}
