package flowlog_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// FuzzReader feeds arbitrary bytes to the flow log reader: it must not
// panic or loop, and the records it returns must have gapless seqs and
// increasing line numbers, ending in io.EOF or an error.
func FuzzReader(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "flows", "*.jsonl"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)*2/3]) // cut mid-record, as a crash leaves it
	}
	f.Add([]byte(""))
	f.Add([]byte("{\"kratos_tui_flow_log\":2}\n"))
	f.Add([]byte("{\"kratos_tui_flow_log\":1}\n\n\n{\"seq\":1,\"type\":\"AppStarted\"}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := flowlog.NewReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		var lastSeq uint64
		lastLine := 1
		for i := 0; ; i++ {
			if i > len(b) {
				t.Fatalf("more records than bytes: the reader loops")
			}
			rec, err := r.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					var le *flowlog.LineError
					if !errors.As(err, &le) && !bytes.Contains([]byte(err.Error()), []byte("flow log")) {
						t.Fatalf("error without context: %v", err)
					}
				}
				if _, err2 := r.Next(); err2 == nil {
					t.Fatalf("Next succeeded after an error")
				}
				return
			}
			if rec.Seq != lastSeq+1 || rec.Line <= lastLine {
				t.Fatalf("record seq %d line %d after seq %d line %d", rec.Seq, rec.Line, lastSeq, lastLine)
			}
			lastSeq, lastLine = rec.Seq, rec.Line
		}
	})
}
