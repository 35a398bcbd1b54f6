package kratostest

import (
	"io"
	"sync"
)

const logTailSize = 64 << 10

// logTail forwards writes to w and keeps the last logTailSize bytes.
type logTail struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if over := len(l.buf) - logTailSize; over > 0 {
		l.buf = append(l.buf[:0:0], l.buf[over:]...)
	}
	if l.w != nil {
		// A failing log sink must not stop Kratos's output being drained.
		_, _ = l.w.Write(p)
	}
	return len(p), nil
}

// String returns the kept tail.
func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}
