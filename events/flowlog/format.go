// Package flowlog writes and reads kratos-tui flow logs: JSON Lines files
// that record every event of a run (intents, transitions, adapter calls and
// results, state events) with secrets replaced at write time by stable
// placeholders, so that a log can be shared, viewed and replayed.
//
// A log is a header line followed by one record per event; each record is
// an envelope exactly as events.Marshal writes it. See docs/flowlog.md.
package flowlog

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/events"
)

// Magic is the header key that marks a file as a flow log; its value is
// the format's major version.
const Magic = "kratos_tui_flow_log"

// MajorVersion is the major version of the format this package writes and
// the only one it reads. A reader refuses another major version; minor
// versions only add fields, which readers ignore.
//
// Version 2 records every HTTP exchange in full (response headers, bodies
// of any size, the kind of a transport failure) and the URLs the client
// talked to, so that offline replay runs the real adapters on the
// recorded wire; a version 1 log holds only adapter results and cannot be
// replayed that way.
const MajorVersion = 2

// SchemaVersion is the full version this package writes. Version 2.1
// adds the end mark (EndMagic), the last line of a log closed normally;
// this package reads 2.0 logs as logs without it.
const SchemaVersion = "2.1"

// Header is the first line of a flow log.
type Header struct {
	// Format is the major version (the value of the "kratos_tui_flow_log"
	// key).
	Format int `json:"kratos_tui_flow_log"`
	// SchemaVersion is "major.minor".
	SchemaVersion string `json:"schema_version"`
	// AppVersion is the version of the client that wrote the log.
	AppVersion string `json:"app_version"`
	// StartedAt is when recording began.
	StartedAt time.Time `json:"started_at"`
	// Redaction describes how secrets were replaced.
	Redaction RedactionPolicy `json:"redaction"`
	// KratosAPI is the Kratos public URL the client talked to; replay
	// builds the Kratos adapter with it, since the adapter's messages name
	// it.
	KratosAPI string `json:"kratos_api,omitempty"`
	// Backend is the backend URL, when the client used one for sessions.
	Backend string `json:"backend,omitempty"`
	// CallbackURL is the social sign-in callback the client was configured
	// with (--callback-port); replay configures the machine with it, so
	// that a client listening elsewhere diverges.
	CallbackURL string `json:"callback_url,omitempty"`
	// TimeoutMS is the client's bound on each HTTP call (--timeout), in
	// milliseconds; replay builds the adapters with it, since a call that
	// timed out says how long it was allowed. Absent in logs written
	// before it was recorded: replay then uses the default (10 s).
	TimeoutMS int64 `json:"timeout_ms,omitempty"`
}

// RedactionPolicy describes how secrets were replaced in a log.
type RedactionPolicy struct {
	// Scheme is "placeholder-v1": each distinct secret becomes
	// «secret:N», N counting distinct secrets by first appearance.
	Scheme string `json:"scheme"`
	// Placeholder shows the placeholder's form.
	Placeholder string `json:"placeholder"`
	// Keys are the JSON keys and header names (matched whole, without
	// case) whose string values are secrets outside identity traits.
	Keys []string `json:"keys"`
	// Fields are the form field names (matched whole) whose values are
	// secrets; an input node of type password is secret too.
	Fields []string `json:"fields"`
	// ByValue says every secret the run learned was also replaced by
	// value inside every string; MinValueLen is the shortest so replaced.
	ByValue     bool `json:"by_value,omitempty"`
	MinValueLen int  `json:"min_value_len,omitempty"`
	// PII says identifiers, e-mail addresses and name traits were
	// replaced by pseudonyms (user-N@example.invalid, name-N).
	PII bool `json:"pii,omitempty"`
}

// SchemePlaceholder is the redaction scheme of this version.
const SchemePlaceholder = "placeholder-v1"

// DefaultPolicy is the redaction policy this package applies.
func DefaultPolicy() RedactionPolicy {
	return RedactionPolicy{
		Scheme:      SchemePlaceholder,
		Placeholder: "«secret:N»",
		Keys:        events.SecretKeys(),
		Fields:      events.SecretFields(),
		ByValue:     true,
		MinValueLen: events.MinValueLen,
	}
}

// NewHeader returns the header of a log written now by appVersion.
func NewHeader(appVersion string, startedAt time.Time) Header {
	if appVersion == "" {
		appVersion = "dev"
	}
	return Header{
		Format: MajorVersion, SchemaVersion: SchemaVersion, AppVersion: appVersion,
		StartedAt: startedAt.UTC(), Redaction: DefaultPolicy(),
	}
}

// parseHeader decodes and checks a header line.
func parseHeader(line []byte) (Header, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(line, &probe); err != nil {
		return Header{}, fmt.Errorf("line 1: not a flow log header (not a JSON object): %w", err)
	}
	if _, ok := probe[Magic]; !ok {
		return Header{}, fmt.Errorf("line 1: not a flow log: the header has no %q key", Magic)
	}
	var h Header
	if err := json.Unmarshal(line, &h); err != nil {
		return Header{}, fmt.Errorf("line 1: bad flow log header: %w", err)
	}
	major := h.Format
	if h.SchemaVersion != "" {
		m, _, ok := parseVersion(h.SchemaVersion)
		if !ok {
			return Header{}, fmt.Errorf("line 1: bad schema_version %q", h.SchemaVersion)
		}
		if m != major {
			return Header{}, fmt.Errorf("line 1: %s is %d but schema_version is %q", Magic, major, h.SchemaVersion)
		}
	}
	if major != MajorVersion {
		return Header{}, &VersionError{Got: major, SchemaVersion: h.SchemaVersion}
	}
	return h, nil
}

// VersionError says a log has a major version this build cannot read.
type VersionError struct {
	Got           int
	SchemaVersion string
}

// Error implements error.
func (e *VersionError) Error() string {
	if e.Got < MajorVersion {
		return fmt.Sprintf("flow log format version %d (schema %q) is too old: this kratos-tui reads version %d, which records every HTTP exchange in full so that replay runs the real adapters; a version %d log lacks that wire and cannot be migrated. Record the flow again with this kratos-tui (kratos-tui --record FILE ...), or read the old log with the kratos-tui release that wrote it",
			e.Got, e.SchemaVersion, MajorVersion, e.Got)
	}
	return fmt.Sprintf("flow log format version %d (schema %q) is not supported: this kratos-tui reads version %d only; use a kratos-tui release that writes version %d",
		e.Got, e.SchemaVersion, MajorVersion, e.Got)
}

// Current reports whether h is to be read as the version this package
// writes (SchemaVersion): a log whose records have every field the client
// writes. Only a log that names an older minor version of this major
// ("2.0") is not; a missing or unreadable version is read as current, so
// that editing the header cannot loosen what a replay compares.
func (h Header) Current() bool {
	major, minor, ok := parseVersion(h.SchemaVersion)
	cmajor, cminor, _ := parseVersion(SchemaVersion)
	return !ok || major != cmajor || minor >= cminor
}

// parseVersion reads "major.minor" ("major" alone is minor 0).
func parseVersion(v string) (major, minor int, ok bool) {
	a, b, found := strings.Cut(v, ".")
	major, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, false
	}
	if found {
		if minor, err = strconv.Atoi(b); err != nil {
			return 0, 0, false
		}
	}
	return major, minor, true
}
