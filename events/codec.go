package events

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"github.com/kratos-tui/kratos-tui/internal/fastjson"
)

var (
	registryMu sync.RWMutex
	registry   = map[string]func() Event{}
)

// Register adds event types to the registry so that the codec can decode
// them. Each factory must return a pointer to a zero value. Registering a
// type name twice panics: it is a programming error found at start-up.
func Register(factories ...func() Event) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, f := range factories {
		name := f().EventType()
		if _, dup := registry[name]; dup {
			panic(fmt.Sprintf("events: type %q registered twice", name))
		}
		registry[name] = f
	}
}

// New returns a new zero event of the registered type name.
func New(typeName string) (Event, error) {
	registryMu.RLock()
	f, ok := registry[typeName]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown event type %q", typeName)
	}
	return f(), nil
}

// Types returns the registered type names, sorted.
func Types() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// wireEnvelope is the JSON form of an Envelope.
type wireEnvelope struct {
	Seq           uint64          `json:"seq"`
	ID            string          `json:"id"`
	Kind          Kind            `json:"kind"`
	Type          string          `json:"type"`
	Time          time.Time       `json:"time"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	FlowID        string          `json:"flow_id,omitempty"`
	Data          json.RawMessage `json:"data"`
}

// Marshal encodes an envelope and its event as one JSON object, the event
// under "data".
func Marshal(env Envelope) ([]byte, error) {
	return AppendMarshal(nil, env)
}

// AppendMarshal appends env encoded as Marshal encodes it to dst. The
// envelope's fields are written directly and the event is encoded once,
// straight into dst (Marshal used to encode the event, then the envelope
// around it, which read the event's bytes again to check them); the bytes
// are the same.
func AppendMarshal(dst []byte, env Envelope) ([]byte, error) {
	start := len(dst)
	dst, err := appendHead(dst, env)
	if err != nil {
		return dst, err
	}
	return appendData(dst, start, env.Event)
}

// AppendMarshalRedacted appends to dst what AppendMarshal appends for env
// with its event redacted by r (Redact(env.Event, r)), calling r on the
// same secrets. The raw JSON documents of trace events (adapter requests
// and results, HTTP bodies) are redacted straight into dst, each read
// once, where redacting first copied each and encoding read the copy
// again. data is where the event's data starts in out (after the
// envelope's fields).
func AppendMarshalRedacted(dst []byte, env Envelope, r Redactor) (out []byte, data int, err error) {
	start := len(dst)
	dst, err = appendHead(dst, env)
	if err != nil {
		return dst, 0, err
	}
	data = len(dst)
	if out, ok := appendTraceRedacted(dst, env.Event, r); ok {
		return append(out, '}'), data, nil
	}
	// Left to Redact: r is called again on what it already saw, which
	// only gives the same answers again.
	out, err = appendData(dst[:data], start, Redact(env.Event, r))
	return out, data, err
}

// appendHead appends the envelope's fields up to its event's data
// (`{"seq":…,"data":`); on error dst comes back as it was.
func appendHead(dst []byte, env Envelope) ([]byte, error) {
	if env.Event == nil {
		return dst, fmt.Errorf("marshal envelope %d: no event", env.Seq)
	}
	start := len(dst)
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, env.Seq, 10)
	dst = append(dst, `,"id":`...)
	dst = appendString(dst, env.ID)
	dst = append(dst, `,"kind":`...)
	dst = appendString(dst, string(env.Event.EventKind()))
	dst = append(dst, `,"type":`...)
	dst = appendString(dst, env.Event.EventType())
	dst = append(dst, `,"time":"`...)
	// As MarshalJSON writes it (strict RFC 3339), without its allocation.
	withTime, err := appendTime(dst, env.Time)
	if err != nil {
		return dst[:start], fmt.Errorf("marshal envelope %d: %w", env.Seq, err)
	}
	dst = withTime
	dst = append(dst, '"')
	if env.CorrelationID != "" {
		dst = append(dst, `,"correlation_id":`...)
		dst = appendString(dst, env.CorrelationID)
	}
	if env.CausationID != "" {
		dst = append(dst, `,"causation_id":`...)
		dst = appendString(dst, env.CausationID)
	}
	if env.FlowID != "" {
		dst = append(dst, `,"flow_id":`...)
		dst = appendString(dst, env.FlowID)
	}
	return append(dst, `,"data":`...), nil
}

// appendTime appends t as t.AppendText does (RFC 3339 with the
// nanoseconds that are not zero). A UTC time of years 1970 to 9999 (the
// bus's clock gives UTC) is written here, without the time package's
// general formatting; any other goes to AppendText.
func appendTime(dst []byte, t time.Time) ([]byte, error) {
	const end = 253402300800 // 10000-01-01T00:00:00Z
	sec := t.Unix()
	if t.Location() != time.UTC || sec < 0 || sec >= end {
		return t.AppendText(dst)
	}
	// The civil date of a day count (H. Hinnant's days_from_civil,
	// inverted), from 1970-01-01.
	days, rem := sec/86400, sec%86400
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	year := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month := mp + 3
	if mp >= 10 {
		month = mp - 9
	}
	if month <= 2 {
		year++
	}
	dst = append(dst, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+month/10), byte('0'+month%10), '-', byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+rem/36000), byte('0'+rem/3600%10), ':', byte('0'+rem/600%6), byte('0'+rem/60%10), ':',
		byte('0'+rem%60/10), byte('0'+rem%10))
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i := 9; i >= 1; i-- {
			frac[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' {
			n--
		}
		dst = append(dst, frac[:n]...)
	}
	return append(dst, 'Z'), nil
}

// appendData appends ev as the data of the envelope that starts at
// dst[start:], and the envelope's end; on error the envelope is taken
// back out of dst.
func appendData(dst []byte, start int, ev Event) ([]byte, error) {
	if out, ok := appendTrace(dst, ev); ok {
		return append(out, '}'), nil
	}
	enc := encoderPool.Get().(*appendEncoder)
	enc.buf = dst
	err := enc.enc.Encode(ev)
	dst = enc.buf
	enc.buf = nil
	encoderPool.Put(enc)
	if err != nil {
		return dst[:start], fmt.Errorf("marshal %s event: %w", ev.EventType(), err)
	}
	// Encode ends the value with a newline.
	dst = dst[:len(dst)-1]
	return append(dst, '}'), nil
}

// appendEncoder is a json.Encoder (HTML-safe, as json.Marshal) appending
// to buf.
type appendEncoder struct {
	enc *json.Encoder
	buf []byte
}

func (a *appendEncoder) Write(p []byte) (int, error) {
	a.buf = append(a.buf, p...)
	return len(p), nil
}

var encoderPool = sync.Pool{New: func() any {
	a := &appendEncoder{}
	a.enc = json.NewEncoder(a)
	return a
}}

// appendString appends s as a JSON string, as json.Marshal writes it.
func appendString(dst []byte, s string) []byte {
	if !plainString(s) {
		b, _ := json.Marshal(s)
		return append(dst, b...)
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// plainString reports whether every byte of s is a plainByte, eight bytes
// at a time.
func plainString(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if !plainWord(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if !plainByte[s[i]] {
			return false
		}
	}
	return true
}

// plainWord reports whether the eight bytes of w are plainBytes: none
// from 0x80, none below 0x20, none of '"' or '&' (0x22, 0x26: equal with
// bit 2 set), '<' or '>' (0x3C, 0x3E: equal with bit 1 set) or '\\'. Each
// test is exact once no byte has its high bit set.
func plainWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) & ^v & highs } // a byte of v is 0
	bad := w&highs |
		(w-0x20*ones)&^w&highs | // a byte below 0x20
		zero((w|0x04*ones)^0x26*ones) |
		zero((w|0x02*ones)^0x3E*ones) |
		zero(w^0x5C*ones)
	return bad == 0
}

// plainByte says which bytes json.Marshal writes as they are inside a
// string: printable ASCII but for '"', '\\' and the HTML-escaped '<', '>'
// and '&'. A string of such bytes only is written between quotes.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// Unmarshal decodes an envelope written by Marshal. Unknown fields are
// ignored; an unknown event type, or data that does not fit the type, is an
// error.
func Unmarshal(b []byte) (Envelope, error) {
	if env, ok := unmarshalCanonical(b); ok {
		return env, nil
	}
	return unmarshalDecoded(b)
}

// unmarshalCanonical decodes a record laid out exactly as AppendMarshal
// writes it (the envelope's fields in order, no escapes in them, the event
// last) by reading the fields in place, so that only the event is decoded
// by encoding/json; ok is false for anything else (Unmarshal then decodes
// it the general way, which says what is wrong).
func unmarshalCanonical(b []byte) (env Envelope, ok bool) {
	end := len(b)
	for end > 0 && (b[end-1] == ' ' || b[end-1] == '\n' || b[end-1] == '\r' || b[end-1] == '\t') {
		end--
	}
	if end == 0 || b[end-1] != '}' {
		return Envelope{}, false
	}
	p := canonicalReader{b: b[:end-1]}
	if !p.lit(`{"seq":`) {
		return Envelope{}, false
	}
	seq, okSeq := p.uint()
	id, okID := p.field(`,"id":`)
	kind, okKind := p.field(`,"kind":`)
	typ, okType := p.field(`,"type":`)
	if !okSeq || !okID || !okKind || !okType || typ == "" || !p.lit(`,"time":`) {
		return Envelope{}, false
	}
	ts := p.pos
	if _, s := p.str(); !s {
		return Envelope{}, false
	}
	var t time.Time
	if t.UnmarshalJSON(p.b[ts:p.pos]) != nil {
		return Envelope{}, false
	}
	corr, _ := p.field(`,"correlation_id":`)
	caus, _ := p.field(`,"causation_id":`)
	flow, _ := p.field(`,"flow_id":`)
	if !p.lit(`,"data":`) {
		return Envelope{}, false
	}
	data := p.b[p.pos:]
	var ev Event
	if traced, ok := decodeTrace(typ, data); ok {
		ev = traced
	} else {
		ptr, err := New(typ)
		if err != nil {
			return Envelope{}, false
		}
		if !bytes.Equal(data, []byte("null")) {
			if fastjson.Unmarshal(data, ptr) != nil {
				return Envelope{}, false
			}
		}
		ev = deref(ptr)
	}
	if Kind(kind) != ev.EventKind() {
		return Envelope{}, false
	}
	return Envelope{
		Seq: seq, ID: id, Kind: ev.EventKind(), Type: typ, Time: t,
		CorrelationID: corr, CausationID: caus, FlowID: flow, Event: ev,
	}, true
}

// canonicalReader reads the fields of a canonical record in order.
type canonicalReader struct {
	b   []byte
	pos int
}

func (p *canonicalReader) lit(s string) bool {
	if len(p.b)-p.pos >= len(s) && string(p.b[p.pos:p.pos+len(s)]) == s {
		p.pos += len(s)
		return true
	}
	return false
}

// uint reads a decimal number without sign, fraction or exponent.
func (p *canonicalReader) uint() (uint64, bool) {
	start := p.pos
	for p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == start || (p.b[start] == '0' && p.pos-start > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.b[start:p.pos]), 10, 64)
	return n, err == nil
}

// str reads a JSON string with no escapes and no control or non-ASCII
// bytes, and returns its text.
func (p *canonicalReader) str() (string, bool) {
	if p.pos >= len(p.b) || p.b[p.pos] != '"' {
		return "", false
	}
	for i := p.pos + 1; i < len(p.b); i++ {
		c := p.b[i]
		if c == '"' {
			s := string(p.b[p.pos+1 : i])
			p.pos = i + 1
			return s, true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return "", false
		}
	}
	return "", false
}

// field reads key then a string; when key is not next, it reads nothing.
func (p *canonicalReader) field(key string) (string, bool) {
	save := p.pos
	if !p.lit(key) {
		return "", false
	}
	s, ok := p.str()
	if !ok {
		p.pos = save
		p.b = p.b[:0] // nothing after a bad field is canonical
	}
	return s, ok
}

// unmarshalDecoded is Unmarshal by encoding/json.
func unmarshalDecoded(b []byte) (Envelope, error) {
	var w wireEnvelope
	if err := json.Unmarshal(b, &w); err != nil {
		return Envelope{}, fmt.Errorf("decode envelope: %w", err)
	}
	if w.Type == "" {
		return Envelope{}, fmt.Errorf("decode envelope: no event type")
	}
	ev, err := New(w.Type)
	if err != nil {
		return Envelope{}, fmt.Errorf("decode envelope %d: %w", w.Seq, err)
	}
	if len(w.Data) > 0 && !bytes.Equal(w.Data, []byte("null")) {
		if err := json.Unmarshal(w.Data, ev); err != nil {
			return Envelope{}, fmt.Errorf("decode %s event %d: %w", w.Type, w.Seq, err)
		}
	}
	if w.Kind != "" && w.Kind != ev.EventKind() {
		return Envelope{}, fmt.Errorf("decode %s event %d: kind %q, want %q", w.Type, w.Seq, w.Kind, ev.EventKind())
	}
	return Envelope{
		Seq: w.Seq, ID: w.ID, Kind: ev.EventKind(), Type: w.Type, Time: w.Time,
		CorrelationID: w.CorrelationID, CausationID: w.CausationID, FlowID: w.FlowID,
		Event: deref(ev),
	}, nil
}

// DecodeEvent decodes the data of one event of the given type. It is what a
// UI uses to read an intent written as {"type": ..., "data": {...}}.
func DecodeEvent(typeName string, data []byte) (Event, error) {
	ev, err := New(typeName)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 && !bytes.Equal(data, []byte("null")) {
		if err := json.Unmarshal(data, ev); err != nil {
			return nil, fmt.Errorf("decode %s: %w", typeName, err)
		}
	}
	return deref(ev), nil
}

// deref turns the pointer a factory made back into the value type that
// publishers use, so that a decoded event compares equal to the original.
func deref(ev Event) Event {
	v := reflect.ValueOf(ev)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if e, ok := v.Elem().Interface().(Event); ok {
			return e
		}
	}
	return ev
}
