package natsrec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// RunInfo describes a run on the stream.
type RunInfo struct {
	// Run is the run id.
	Run string
	// Messages is how many messages the run's subject holds (its records,
	// its header line and, once ended, the end mark).
	Messages uint64
}

// Runs lists the runs of t's stream, by run id.
func Runs(ctx context.Context, js jetstream.JetStream, t Target) ([]RunInfo, error) {
	s, err := js.Stream(ctx, t.Stream)
	if err != nil {
		return nil, streamErr(t, err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(t.Stream+".run.>"))
	if err != nil {
		return nil, fmt.Errorf("NATS at %s: stream %s: %w", t.Host(), t.Stream, err)
	}
	prefix := t.Stream + ".run."
	var runs []RunInfo
	for subj, n := range info.State.Subjects {
		runs = append(runs, RunInfo{Run: strings.TrimPrefix(subj, prefix), Messages: n})
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Run < runs[j].Run })
	return runs, nil
}

func streamErr(t Target, err error) error {
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("NATS at %s has no stream %s: record to it first (--record %s)", t.Host(), t.Stream, t)
	}
	return fmt.Errorf("NATS at %s: stream %s: %w", t.Host(), t.Stream, err)
}

// CopyOptions tune Copy.
type CopyOptions struct {
	// Follow waits for records still to come until the run's end mark
	// (or ctx ends); otherwise Copy stops at the last record stored.
	Follow bool
	// OnLine, when set, is called after each line is written (trace
	// --follow flushes its output there).
	OnLine func()
}

// ErrNoRun is returned for a run the stream does not hold.
var ErrNoRun = errors.New("no such run")

// Copy writes run's records to w as a flow log (each message's body and a
// '\n': the same bytes as a file recording), in the stream's order. It
// returns whether the run's end mark was seen.
func Copy(ctx context.Context, js jetstream.JetStream, t Target, run string, w io.Writer, opts CopyOptions) (ended bool, err error) {
	s, err := js.Stream(ctx, t.Stream)
	if err != nil {
		return false, streamErr(t, err)
	}
	subj := t.RunSubject(run)
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(subj))
	if err != nil {
		return false, fmt.Errorf("NATS at %s: %w", t.Host(), err)
	}
	if info.State.Subjects[subj] == 0 && !opts.Follow {
		return false, fmt.Errorf("%w %s on %s (kratos-tui recordings ls %s lists them)", ErrNoRun, run, t, Target{Server: t.Server, Stream: t.Stream})
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subj}})
	if err != nil {
		return false, fmt.Errorf("NATS at %s: %w", t.Host(), err)
	}
	it, err := cons.Messages()
	if err != nil {
		return false, fmt.Errorf("NATS at %s: %w", t.Host(), err)
	}
	defer it.Stop()
	stopOnCtx := context.AfterFunc(ctx, it.Stop)
	defer stopOnCtx()
	total := info.State.Subjects[subj]
	for seen := uint64(0); ; seen++ {
		// Without --follow, stop after what the stream held at the start.
		if !opts.Follow && seen >= total {
			return false, nil
		}
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, fmt.Errorf("NATS at %s: reading %s: %w", t.Host(), subj, err)
		}
		if m.Headers().Get(HeaderRunEnd) != "" {
			return true, nil
		}
		if _, err := w.Write(append(m.Data(), '\n')); err != nil {
			return false, err
		}
		if opts.OnLine != nil {
			opts.OnLine()
		}
	}
}

// RunEnd returns the record count of a run's end mark, or -1 while the run
// has no end mark.
func RunEnd(ctx context.Context, js jetstream.JetStream, t Target, run string) (int, error) {
	s, err := js.Stream(ctx, t.Stream)
	if err != nil {
		return -1, streamErr(t, err)
	}
	m, err := s.GetLastMsgForSubject(ctx, t.RunSubject(run))
	if err != nil {
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return -1, fmt.Errorf("%w %s on %s", ErrNoRun, run, t)
		}
		return -1, err
	}
	v := m.Header.Get(HeaderRunEnd)
	if v == "" {
		return -1, nil
	}
	n, _ := strconv.Atoi(v)
	return n, nil
}
