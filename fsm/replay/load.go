// Package replay re-runs a recorded flow log through the current state
// machine, offline, and reports the first record where the new run departs
// from the recording. It also re-runs a log's intents against a live Kratos
// to catch drift, and measures replay throughput.
package replay

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// Recording is a flow log loaded for replay.
type Recording struct {
	// Header is the log's header.
	Header flowlog.Header
	// Records are the log's records in order.
	Records []flowlog.Record
	// Ended says the log ends with its end mark (flowlog.EndMagic); a
	// log without it (a killed run, a cut file) replays all the same.
	Ended bool
}

// ErrNoRecords says a log holds no record: replaying it would compare
// nothing and pass, testing nothing.
var ErrNoRecords = errors.New("the log has no records (only its header: the run stopped right after it began recording, or the file was emptied): " +
	"there is nothing to replay, so it would test nothing; record the flow again (kratos-tui --record FILE ...) or remove the file")

// Load reads a whole log from r. A log that cannot be read completely (cut
// short, corrupt, of another version) is an error: replaying part of a run
// would report a false divergence. So is a log without records
// (ErrNoRecords).
func Load(r io.Reader) (*Recording, error) {
	fr, err := flowlog.NewReader(r)
	if err != nil {
		return nil, err
	}
	rec := &Recording{Header: fr.Header()}
	for {
		next, err := fr.Next()
		if errors.Is(err, io.EOF) {
			if len(rec.Records) == 0 {
				return nil, ErrNoRecords
			}
			rec.Ended = fr.Ended()
			return rec, nil
		}
		if err != nil {
			return nil, err
		}
		rec.Records = append(rec.Records, next)
	}
}

// LoadFile reads the whole log at path.
func LoadFile(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer f.Close()
	rec, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", path, err)
	}
	return rec, nil
}

// Intents returns the recorded intents in order.
func (r *Recording) Intents() []flowlog.Record {
	var out []flowlog.Record
	for _, rec := range r.Records {
		if rec.Kind == events.KindIntent {
			out = append(out, rec)
		}
	}
	return out
}

// times returns the time of every record in order: the bus reads the clock
// once per published event.
func (r *Recording) times() []time.Time {
	out := make([]time.Time, len(r.Records))
	for i, rec := range r.Records {
		out[i] = rec.Time
	}
	return out
}

// ids returns the ids in the order the bus asked for them: for an intent
// that starts a flow (or the first intent), the correlation id, then for
// every event its own id.
func (r *Recording) ids() []string {
	out := make([]string, 0, len(r.Records)+8)
	corr := ""
	for _, rec := range r.Records {
		if rec.Kind == events.KindIntent {
			fs, ok := rec.Event.(events.FlowStarter)
			if ok && fs.StartsFlow() || corr == "" {
				out = append(out, rec.CorrelationID)
			}
			corr = rec.CorrelationID
		}
		out = append(out, rec.ID)
	}
	return out
}

// results returns the recorded adapter results in order.
func (r *Recording) results() []events.AdapterReturned {
	var out []events.AdapterReturned
	for _, rec := range r.Records {
		if ret, ok := rec.Event.(events.AdapterReturned); ok {
			out = append(out, ret)
		}
	}
	return out
}
