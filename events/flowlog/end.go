package flowlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// EndMagic is the key of a log's end mark: the last line a writer adds on
// a normal close, {"kratos_tui_flow_log_end":true,"records":N}, N the
// number of records before it (as the end mark of a run on NATS,
// adapters/natsrec, carries its count). A log without it was not closed
// normally: the run was killed, its recording failed, or the file was cut
// at a record boundary; its records are whole all the same.
const EndMagic = "kratos_tui_flow_log_end"

// End is a log's end mark.
type End struct {
	Mark    bool `json:"kratos_tui_flow_log_end"`
	Records int  `json:"records"`
}

// ErrNoEndMark says a log ends without its end mark. Readers return every
// record and io.EOF all the same (Reader.Ended tells): a run killed with
// SIGKILL leaves a legitimate log. Commands warn with it.
var ErrNoEndMark = errors.New("the log ends without its end mark: the run was killed, its recording failed, or the file was cut (every record up to there is whole); " +
	"what it shows may stop short of what the run did")

var endPrefix = []byte(`{"` + EndMagic + `"`)

// IsEnd reports whether line (trimmed) is an end mark: as the writer
// writes it, or with its keys in another order or other spacing (a log
// passed through a JSON tool), a JSON object whose top-level
// kratos_tui_flow_log_end is true.
func IsEnd(line []byte) bool {
	if bytes.HasPrefix(line, endPrefix) {
		return true
	}
	if bytes.HasPrefix(line, seqPrefix) || !bytes.Contains(line, endKey) {
		return false
	}
	var e End
	return json.Unmarshal(line, &e) == nil && e.Mark
}

var (
	endKey    = []byte(`"` + EndMagic + `"`)
	seqPrefix = []byte(`{"seq":`)
)

// appendEnd appends the end mark of a log of n records, with its newline.
func appendEnd(b []byte, n int) []byte {
	b = append(b, `{"`+EndMagic+`":true,"records":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, "}\n"...)
}

// CheckEnd decodes the end mark line and checks it counts records
// records.
func CheckEnd(line []byte, records int) error {
	var e End
	if err := json.Unmarshal(line, &e); err != nil || !e.Mark {
		return fmt.Errorf("bad end mark %.80q", line)
	}
	switch {
	case e.Records > records:
		return fmt.Errorf("the end mark counts %d records, the log has %d: records are missing", e.Records, records)
	case e.Records < records:
		return fmt.Errorf("the end mark counts %d records, the log has %d: records were added to the log after it was written, or two logs were joined", e.Records, records)
	}
	return nil
}

// ErrAfterEnd is the error of a line after a log's end mark.
var ErrAfterEnd = errors.New("a line follows the end mark: two logs were joined, or the file was written to after its recording ended")
