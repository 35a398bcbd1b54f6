package replay

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// CycleTemplate is the corpus recording WriteCycles repeats: a launch,
// then sign in and sign out against the real Kratos.
const CycleTemplate = "testdata/flows/sign_out.jsonl"

// WriteCycles writes a replayable log of at least n records: the launch of
// the recording at template (see CycleTemplate), then its sign-in/sign-out
// round (from its second intent on) repeated, the seqs renumbered. Every
// record, its HTTP exchanges included, comes from the real recording, so
// the log replays through the real adapters like the recording does. It
// returns the number of records written; memory does not grow with n.
func WriteCycles(w io.Writer, template string, n int) (int, error) {
	data, err := os.ReadFile(Resolve(template))
	if err != nil {
		return 0, fmt.Errorf("write cycles: %w", err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > 0 && flowlog.IsEnd(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1] // the end mark: written anew below
	}
	if len(lines) < 3 {
		return 0, errors.New("write cycles: the template has no records")
	}
	header, body := lines[0], lines[1:]
	intents, start := 0, -1
	for i, l := range body {
		if bytes.Contains(l, []byte(`"kind":"intent"`)) {
			intents++
			if intents == 2 {
				start = i
				break
			}
		}
	}
	if start < 0 {
		return 0, fmt.Errorf("write cycles: %s has no second intent to repeat", template)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.Write(header)
	bw.WriteByte('\n')
	seq := 0
	put := func(l []byte) {
		seq++
		// Every record starts with {"seq":N, as events.Marshal writes it.
		bw.WriteString(`{"seq":` + strconv.Itoa(seq))
		bw.Write(l[bytes.IndexByte(l, ','):])
		bw.WriteByte('\n')
	}
	for _, l := range body[:start] {
		put(l)
	}
	for seq < n {
		for _, l := range body[start:] {
			put(l)
		}
	}
	bw.WriteString(`{"` + flowlog.EndMagic + `":true,"records":` + strconv.Itoa(seq) + "}\n")
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("write cycles: %w", err)
	}
	return seq, nil
}
