package replay

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// BenchStream writes a log of n records to a temporary file, then streams
// it back through flowlog.Reader, and returns how long the read took and
// the process's peak resident memory (VmHWM) in MiB. Run it in a process
// of its own (kratos-tui replay --bench-stream N) for the peak to be its.
func BenchStream(n int) (time.Duration, float64, error) {
	f, err := os.CreateTemp("", "kratos-tui-bench-*.jsonl")
	if err != nil {
		return 0, 0, fmt.Errorf("bench stream: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := writeSynthetic(f, n); err != nil {
		return 0, 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, fmt.Errorf("bench stream: %w", err)
	}
	start := time.Now()
	r, err := flowlog.NewReader(f)
	if err != nil {
		return 0, 0, err
	}
	got := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		got++
	}
	d := time.Since(start)
	if got != n {
		return 0, 0, fmt.Errorf("bench stream: read %d records of %d", got, n)
	}
	return d, PeakRSSMB(), nil
}

// writeSynthetic writes a log of n records: a small generated run repeated
// with its seqs renumbered, without holding the log in memory.
func writeSynthetic(w io.Writer, n int) error {
	var tmpl bytes.Buffer
	if _, err := generate(context.Background(), &tmpl, 30); err != nil {
		return fmt.Errorf("bench stream: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(tmpl.String()), "\n")
	if flowlog.IsEnd([]byte(lines[len(lines)-1])) {
		lines = lines[:len(lines)-1]
	}
	header, body := lines[0], lines[1:]
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(header + "\n")
	for i := 0; i < n; i++ {
		line := body[i%len(body)]
		// Every record starts with {"seq":N, as events.Marshal writes it.
		rest := line[strings.IndexByte(line, ','):]
		bw.WriteString(`{"seq":` + strconv.Itoa(i+1) + rest + "\n")
	}
	bw.WriteString(`{"` + flowlog.EndMagic + `":true,"records":` + strconv.Itoa(n) + "}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("bench stream: %w", err)
	}
	return nil
}

// PeakRSSMB returns the process's peak resident set size (VmHWM from
// /proc/self/status) in MiB, or 0 where that is not available.
func PeakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}
