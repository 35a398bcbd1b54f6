package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// viewerRun is one run of the trace viewer in a pseudo-terminal.
type viewerRun struct {
	open, index, jump time.Duration
	peakMB            float64
}

// benchTraceViewer measures the trace viewer as users run it, `kratos-tui
// trace FILE` in a 120x40 pseudo-terminal, on a log of 1,000,000 records
// (the corpus's real sign-in/sign-out round repeated), reps times
// interleaved with the bare alternatives:
//
//	trace_viewer_cli_1m_open_ms      process start to the first frame showing records (goal < 1000)
//	trace_viewer_cli_1m_index_ms     process start to the whole log indexed (the header's record count)
//	trace_viewer_cli_1m_jump_last_ms the g key to the last record drawn, once indexed
//	trace_viewer_cli_1m_peak_rss_mb  the viewer's peak RSS, /proc VmHWM (goal < 64)
//
// beside process start alone (`kratos-tui version`) and `kratos-tui trace
// --format text` on the same log (a streaming pass that decodes every
// record).
func benchTraceViewer(reps int) func(context.Context, *report) error {
	return func(ctx context.Context, r *report) error {
		bin, err := kratosTUIBinary()
		if err != nil {
			return err
		}
		dir, err := os.MkdirTemp("", "kratos-tui-bench-viewer-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "cycles-1m.jsonl")
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		n, err := replay.WriteCycles(f, replay.CycleTemplate, 1_000_000)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write a log of 1,000,000 records: %w", err)
		}
		var opens, indexes, jumps, starts, texts []time.Duration
		var peaks, textPeaks []float64
		for i := range reps {
			for k := range 3 {
				switch (i + k) % 3 {
				case 0:
					vr, err := measureViewer(ctx, bin, path, n)
					if err != nil {
						return err
					}
					opens, indexes, jumps = append(opens, vr.open), append(indexes, vr.index), append(jumps, vr.jump)
					peaks = append(peaks, vr.peakMB)
				case 1:
					begin := time.Now()
					if err := exec.CommandContext(ctx, bin, "version").Run(); err != nil {
						return err
					}
					starts = append(starts, time.Since(begin))
				case 2:
					tr, _, err := runCLI(bin, "trace", "--format", "text", path)
					if err != nil {
						return err
					}
					texts, textPeaks = append(texts, tr.wall), append(textPeaks, tr.peakMB)
				}
			}
		}
		openRatio := spreadOf(ratios(msAll(opens), msAll(starts)))
		indexRatio := spreadOf(ratios(msAll(indexes), msAll(texts)))
		peak := spreadOf(peaks)
		label := fmt.Sprintf("CLI trace viewer in a pty, %d records", n)
		r.row(label+": process start to first frame with records", spreadMS(opens).unit("ms"), "process start "+spreadMS(starts).unit("ms"), openRatio.String(), "< 1000 ms")
		r.row(label+": whole log indexed", spreadMS(indexes).unit("ms"), "trace --format text "+spreadMS(texts).unit("ms"), indexRatio.String())
		r.row(label+": g to the last record", spreadMS(jumps).unit("ms"))
		r.row(label+": peak RSS (VmHWM)", peak.format("%.1f")+" MiB", "trace --format text "+spreadOf(textPeaks).format("%.1f")+" MiB", "", "< 64 MiB")
		r.spreadFigure("trace_viewer_cli_1m_open_ms", spreadMS(opens))
		r.spreadFigure("trace_viewer_cli_1m_index_ms", spreadMS(indexes))
		r.spreadFigure("trace_viewer_cli_1m_jump_last_ms", spreadMS(jumps))
		r.figure("trace_viewer_cli_1m_peak_rss_mb", maxOf(peaks))
		r.spreadFigure("trace_viewer_cli_1m_open_vs_start_ratio", openRatio)
		r.spreadFigure("trace_viewer_cli_1m_index_vs_text_ratio", indexRatio)
		return nil
	}
}

// measureViewer runs `kratos-tui trace path` in a 120x40 pseudo-terminal:
// the time to the first frame that shows a record, to the header's
// "N records, log v" (the index done), and from the g key to the last
// record's pane; the peak RSS is read from /proc while it runs, then q
// quits it.
func measureViewer(ctx context.Context, bin, path string, n int) (viewerRun, error) {
	cmd := exec.CommandContext(ctx, bin, "trace", path)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	start := time.Now()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		return viewerRun{}, fmt.Errorf("start %s trace in a pty: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = tty.Close()
	}()
	watchdog := time.AfterFunc(120*time.Second, func() { _ = cmd.Process.Kill() })
	defer watchdog.Stop()
	// VmHWM is read while the process lives (it is gone after the exit).
	var peak float64
	stopPoll := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if mb, ok := vmHWM(cmd.Process.Pid); ok && mb > peak {
				peak = mb
			}
			select {
			case <-stopPoll:
				return
			case <-tick.C:
			}
		}
	}()
	var res viewerRun
	screen := newTermGrid(40, 120)
	buf := make([]byte, 64<<10)
	last := strconv.Itoa(n)
	indexed := fmt.Sprintf("%d records, log v", n)
	jumped := "seq " + last + "  "
	var jumpAt time.Time
	for res.jump == 0 {
		k, err := tty.Read(buf)
		at := time.Since(start)
		if k > 0 {
			screen.write(buf[:k])
			if res.open == 0 && screen.contains("AppStarted") {
				res.open = at
			}
			if res.open != 0 && res.index == 0 && screen.contains(indexed) {
				res.index = at
				jumpAt = time.Now()
				if _, err := tty.Write([]byte("g" + last + "\r")); err != nil {
					return res, err
				}
			} else if res.index != 0 && screen.contains(jumped) {
				res.jump = time.Since(jumpAt)
			}
		}
		if err != nil {
			return res, fmt.Errorf("trace viewer: %w; it showed:\n%s", err, screen.String())
		}
	}
	close(stopPoll)
	<-polled
	if mb, ok := vmHWM(cmd.Process.Pid); ok && mb > peak {
		peak = mb
	}
	res.peakMB = peak
	if _, err := tty.Write([]byte("q")); err != nil {
		return res, err
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Signal(syscall.SIGTERM)
		return res, fmt.Errorf("trace viewer: q did not quit")
	}
	return res, nil
}

// termGrid is a terminal screen of runes: what a program drew where,
// following its cursor moves (CUP), clears and line controls; other
// control sequences (colours, modes) are skipped. tcell redraws only the
// cells that changed, so a text on the screen is found on the grid, not in
// the stream.
type termGrid struct {
	cells    [][]rune
	row, col int
	state    int // 0 text, 1 after ESC, 2 in CSI, 3 in an OSC/DCS string, 4 a designator's byte
	params   []byte
	pending  []byte // an incomplete UTF-8 sequence
}

func newTermGrid(rows, cols int) *termGrid {
	g := &termGrid{cells: make([][]rune, rows)}
	for i := range g.cells {
		g.cells[i] = make([]rune, cols)
	}
	g.clear()
	return g
}

func (g *termGrid) clear() {
	for _, r := range g.cells {
		for i := range r {
			r[i] = ' '
		}
	}
}

func (g *termGrid) write(p []byte) {
	for _, c := range p {
		switch g.state {
		case 0:
			switch {
			case c == 0x1b:
				g.state = 1
			case c == '\r':
				g.col = 0
			case c == '\n':
				g.row = min(g.row+1, len(g.cells)-1)
			case c == '\b':
				g.col = max(g.col-1, 0)
			case c >= 0x20:
				g.pending = append(g.pending, c)
				if r, size := utf8.DecodeRune(g.pending); r != utf8.RuneError || size > 1 || len(g.pending) >= 4 {
					g.put(r)
					g.pending = g.pending[:0]
				}
			}
		case 1:
			switch c {
			case '[':
				g.state, g.params = 2, g.params[:0]
			case ']', 'P', '_', '^':
				g.state = 3
			case '(', ')', '*', '+', '#', '%':
				g.state = 4
			default:
				g.state = 0
			}
		case 2:
			if c >= 0x40 && c <= 0x7e {
				g.csi(c)
				g.state = 0
			} else {
				g.params = append(g.params, c)
			}
		case 3:
			if c == 0x07 || c == '\\' {
				g.state = 0
			}
		case 4:
			g.state = 0
		}
	}
}

func (g *termGrid) put(r rune) {
	if g.row < len(g.cells) && g.col < len(g.cells[g.row]) {
		g.cells[g.row][g.col] = r
	}
	g.col++
}

func (g *termGrid) csi(final byte) {
	var ps []int
	for _, f := range strings.Split(strings.TrimLeft(string(g.params), "?"), ";") {
		n, _ := strconv.Atoi(f)
		ps = append(ps, n)
	}
	arg := func(i, def int) int {
		if i < len(ps) && ps[i] > 0 {
			return ps[i]
		}
		return def
	}
	switch final {
	case 'H', 'f':
		g.row, g.col = min(arg(0, 1)-1, len(g.cells)-1), min(arg(1, 1)-1, len(g.cells[0])-1)
	case 'J':
		if arg(0, 0) == 2 {
			g.clear()
		}
	case 'K': // erase to the end of the line
		if g.row < len(g.cells) {
			for i := g.col; i < len(g.cells[g.row]); i++ {
				g.cells[g.row][i] = ' '
			}
		}
	case 'C':
		g.col += arg(0, 1)
	case 'D':
		g.col = max(g.col-arg(0, 1), 0)
	case 'A':
		g.row = max(g.row-arg(0, 1), 0)
	case 'B':
		g.row = min(g.row+arg(0, 1), len(g.cells)-1)
	case 'G':
		g.col = arg(0, 1) - 1
	case 'd':
		g.row = min(arg(0, 1)-1, len(g.cells)-1)
	}
}

// contains reports whether a line of the screen holds s.
func (g *termGrid) contains(s string) bool {
	for _, r := range g.cells {
		if strings.Contains(string(r), s) {
			return true
		}
	}
	return false
}

func (g *termGrid) String() string {
	var sb strings.Builder
	for _, r := range g.cells {
		sb.WriteString(strings.TrimRight(string(r), " ") + "\n")
	}
	return sb.String()
}

func maxOf(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)-1]
}
