package flowlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// lineLimitLog is a header, a record, then a record of n bytes (a string
// field padded), then another record.
func lineLimitLog(t *testing.T, n int) ([]byte, int) {
	t.Helper()
	hdr := `{"kratos_tui_flow_log":2,"schema_version":"2.0","app_version":"x","started_at":"2025-06-01T12:00:00Z"}`
	rec := func(seq int, pad string) string {
		return fmt.Sprintf(`{"seq":%d,"id":"ev-%d","kind":"state","type":"SignedOut","time":"2025-06-01T12:00:00Z","data":{"reason":"no_session%s"}}`, seq, seq, pad)
	}
	short := len(rec(2, ""))
	big := rec(2, strings.Repeat("A", n-short))
	if len(big) != n {
		t.Fatalf("record of %d bytes, want %d", len(big), n)
	}
	return []byte(hdr + "\n" + rec(1, "") + "\n" + big + "\n" + rec(3, "") + "\n"), len(big)
}

// A line of exactly the limit is read; one byte more is refused with a
// LineError naming the line and the limit, after the records before it,
// both in place (shorter than the read buffer) and gathered (longer).
func TestReaderLineLimit(t *testing.T) {
	for _, n := range []int{4 << 10, readBufferSize + 1000, 3*readBufferSize + 17} {
		data, size := lineLimitLog(t, n)
		for _, limit := range []int{size, size - 1} {
			t.Run(fmt.Sprintf("line %d limit %d", size, limit), func(t *testing.T) {
				defer func(old int) { maxLine = old }(maxLine)
				maxLine = limit
				r, err := NewReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				var seqs []uint64
				for {
					rec, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						var le *LineError
						if limit >= size || !errors.As(err, &le) || le.Line != 3 || !errors.Is(err, ErrLineTooLong) ||
							!strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "64 MiB") {
							t.Fatalf("after seqs %v: %v", seqs, err)
						}
						break
					}
					seqs = append(seqs, rec.Seq)
				}
				want := "[1 2 3]"
				if limit < size {
					want = "[1]"
				}
				if fmt.Sprint(seqs) != want {
					t.Errorf("read seqs %v, want %s", seqs, want)
				}
				if _, err := r.Next(); limit < size && !errors.Is(err, ErrLineTooLong) {
					t.Errorf("Next after the error: %v, want the same error", err)
				}
			})
		}
	}
}

// A header line past the limit is refused the same way.
func TestReaderHeaderLineLimit(t *testing.T) {
	defer func(old int) { maxLine = old }(maxLine)
	maxLine = 1 << 20
	_, err := NewReader(io.LimitReader(zeros{}, 8<<20))
	var le *LineError
	if !errors.As(err, &le) || le.Line != 1 || !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("got %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
