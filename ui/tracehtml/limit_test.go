package tracehtml_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
	"github.com/kratos-tui/kratos-tui/ui/tracehtml"
)

// TestTooLargeForHTML refuses a log of more than MaxRecords records with
// what to use instead, before writing a byte.
func TestTooLargeForHTML(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := replay.WriteCycles(f, replay.CycleTemplate, n); err != nil {
			t.Fatal(err)
		}
		return path
	}
	big := write("big.jsonl", tracehtml.MaxRecords+1)
	var page bytes.Buffer
	err := tracehtml.WriteFile(&page, big, tracehtml.Options{})
	if !errors.Is(err, tracehtml.ErrTooLarge) || !strings.Contains(err.Error(), "--format text") || page.Len() != 0 {
		t.Fatalf("a log over the limit: %v, %d bytes written", err, page.Len())
	}
}
