package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
	"github.com/kratos-tui/kratos-tui/ui/tui"
)

// tuiResult holds the terminal UI's figures.
type tuiResult struct {
	keyP50, keyP99            time.Duration
	firstFrame, firstForm     time.Duration
	bareCreateFlow            time.Duration
	binaryStart               time.Duration
	binaryStartMeasured       bool
	startupRounds, keypresses int
}

// measureTUI measures keypress-to-frame latency on a simulation screen, and
// the start of the client to its first frame and to its sign-in form,
// interleaved with the bare HTTP call that creates a login flow.
func measureTUI(ctx context.Context, srv *kratostest.Server, keypresses, rounds int) (tuiResult, error) {
	res := tuiResult{keypresses: keypresses, startupRounds: rounds}
	var err error
	if res.keyP50, res.keyP99, err = tui.MeasureKeypressFrames(keypresses); err != nil {
		return res, fmt.Errorf("keypress frames: %w", err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var frames, forms, bare []time.Duration
	for i := range rounds + 2 {
		f, err := tui.MeasureFirstFrame(ctx, srv.PublicURL)
		if err != nil {
			return res, fmt.Errorf("first frame: %w", err)
		}
		g, err := tui.MeasureFirstForm(ctx, srv.PublicURL)
		if err != nil {
			return res, fmt.Errorf("first form: %w", err)
		}
		start := time.Now()
		resp, err := client.Get(srv.PublicURL + "/self-service/login/api")
		if err != nil {
			return res, fmt.Errorf("bare create flow: %w", err)
		}
		drain(resp)
		b := time.Since(start)
		if i >= 2 { // warm-up
			frames, forms, bare = append(frames, f), append(forms, g), append(bare, b)
		}
	}
	res.firstFrame, res.firstForm, res.bareCreateFlow = median(frames), median(forms), median(bare)

	// The process start itself: exec the built client (make bench builds
	// it) with a command that does no I/O.
	if root, err := kratostest.RepoRoot(); err == nil {
		bin := filepath.Join(root, ".bin", "kratos-tui")
		if _, err := os.Stat(bin); err == nil {
			var starts []time.Duration
			for range rounds {
				start := time.Now()
				if err := exec.CommandContext(ctx, bin, "version").Run(); err != nil {
					return res, fmt.Errorf("exec %s: %w", bin, err)
				}
				starts = append(starts, time.Since(start))
			}
			res.binaryStart, res.binaryStartMeasured = median(starts), true
		}
	}
	return res, nil
}
