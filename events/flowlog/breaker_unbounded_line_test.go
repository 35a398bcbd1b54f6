package flowlog_test

// BREAKER finding: Reader.next uses bufio.Reader.ReadBytes('\n') with no
// bound, so one line without a newline (a corrupt or hostile log, or
// `kratos-tui replay /dev/zero`) is read whole into memory: a 300 MB line
// costs ~600 MB RSS in `replay`, `trace --format text` and `diff`, and a
// longer one kills the process with "fatal error: out of memory" and a
// goroutine dump instead of a clear error ("the reader streams: memory
// does not grow with the log"). The biggest legitimate line is bounded
// (8 MiB bodies, escaped), so the reader can refuse a line past a limit.
//
// Found by a breaker pass: it failed before the fix and guards it (the reader consumes the whole
// 256 MiB budget without returning an error).

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// endless is a header line, then 'A' bytes with no newline, up to limit
// bytes (then EOF, so the test ends either way).
type endless struct {
	header string
	n      int64
	limit  int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.header != "" {
		n := copy(p, e.header)
		e.header = e.header[n:]
		return n, nil
	}
	if e.n >= e.limit {
		return 0, io.EOF
	}
	k := int64(len(p))
	if e.limit-e.n < k {
		k = e.limit - e.n
	}
	for i := range p[:k] {
		p[i] = 'A'
	}
	e.n += k
	return int(k), nil
}

func TestBreakerUnboundedLine(t *testing.T) {
	hdr := `{"kratos_tui_flow_log":2,"schema_version":"2.0","app_version":"x","started_at":"2025-06-01T12:00:00Z"}` + "\n"
	src := &endless{header: hdr, limit: 256 << 20}
	r, err := flowlog.NewReader(src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	if src.n >= src.limit {
		t.Fatalf("the reader read all %d MiB of one line before answering (%v): a longer line exhausts memory", src.n>>20, err)
	}
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "line") {
		t.Fatalf("want a clear error naming the over-long line, got %v", err)
	}
}
