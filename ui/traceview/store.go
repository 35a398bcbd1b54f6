package traceview

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

// The viewer does not hold a log's records. A store keeps, per record, a
// 16-byte index entry (the line's offset in the file, its kind, its
// adapter operation or the state a transition went to, its flow) and
// decodes a record only when it is drawn or selected; the machine's state
// at a record is a fold over the index entries from the nearest checkpoint
// (one every checkpointEvery records). A log of 1,000,000 records takes
// 16 MiB of index.
const (
	chunkSize       = 1 << 16
	checkpointEvery = 1024
	// maxFlows bounds the flow ids the index names (the i key cycles
	// through them); the records of later flows are indexed as "another
	// flow".
	maxFlows = 4096
	// maxNames bounds the distinct operations and state names.
	maxNames = 1 << 15
)

// meta is what the index keeps of one record.
type meta struct {
	off  int64  // the line's offset in the file (file stores)
	flow uint32 // 1 + index into store.flows; 0 none; otherFlow beyond maxFlows
	name uint16 // 1 + index into store.names: the operation, or a transition's target state; 0 none
	kind uint8  // index into kinds
}

const otherFlow = ^uint32(0)

var kinds = []events.Kind{"", events.KindIntent, events.KindTransition, events.KindAdapterCall, events.KindAdapterResult, events.KindState}

func kindIndex(k events.Kind) uint8 {
	for i, x := range kinds {
		if x == k {
			return uint8(i)
		}
	}
	return 0
}

// fold is the view model's state at a point of the log: the machine's
// state and the last state event (the screen the UI showed), -1 for none.
type fold struct {
	state  string
	screen int
}

// store is the records of one log: a file indexed in the background, or
// records held in memory (a small log, or a run followed live). Its
// methods are safe for concurrent use.
type store struct {
	mu     sync.RWMutex
	header flowlog.Header
	file   *os.File // nil: the records are in recs
	size   int64    // the file's size, for the progress
	recs   []flowlog.Record
	chunks [][]meta
	n      int
	end    int64 // the end of the last indexed line
	// names are the operations and target states; flows the flow ids.
	names   []string
	nameIdx map[string]uint16
	flows   []string
	flowIdx map[string]uint32
	ops     []string // the operations, in order of first appearance
	// checkpoints[c] is the fold before record c*checkpointEvery; last
	// is the fold after the last indexed record.
	checkpoints []fold
	last        fold
	lastSeq     uint64
	done        bool  // every record is indexed (a followed run: it ended)
	err         error // what stopped the index before the end, if anything
	ended       bool  // the log's end mark was read (flowlog.EndMagic)
	typeKinds   map[string]events.Kind
	// decoded counts the records decoded from the file or taken from
	// memory for display or search (tests bound it).
	decoded atomic.Int64
}

func newStore(h flowlog.Header) *store {
	return &store{
		header: h, nameIdx: map[string]uint16{}, flowIdx: map[string]uint32{},
		last: fold{state: fsm.StateUninitialized, screen: -1}, typeKinds: map[string]events.Kind{},
	}
}

// memoryStore holds the records given.
func memoryStore(h flowlog.Header, recs []flowlog.Record) *store {
	s := newStore(h)
	for _, r := range recs {
		s.append(r)
	}
	s.done = true
	return s
}

// append adds a decoded record (memory stores).
func (s *store) append(r flowlog.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := operationOf(r)
	if t, ok := r.Event.(events.TransitionMade); ok {
		name = t.To
	}
	s.recs = append(s.recs, r)
	s.add(meta{kind: kindIndex(r.Kind)}, name, r.FlowID, r.Kind)
	s.lastSeq = r.Seq
}

// add appends an index entry; s.mu is held.
func (s *store) add(m meta, name, flow string, kind events.Kind) {
	if s.n%checkpointEvery == 0 {
		s.checkpoints = append(s.checkpoints, s.last)
	}
	if name != "" {
		i, ok := s.nameIdx[name]
		if !ok && len(s.names) < maxNames {
			s.names = append(s.names, name)
			i = uint16(len(s.names))
			s.nameIdx[name] = i
			if kind == events.KindAdapterCall || kind == events.KindAdapterResult {
				s.ops = append(s.ops, name)
			}
		}
		m.name = i
	}
	if flow != "" {
		i, ok := s.flowIdx[flow]
		if !ok {
			i = otherFlow
			if len(s.flows) < maxFlows {
				s.flows = append(s.flows, flow)
				i = uint32(len(s.flows))
				s.flowIdx[flow] = i
			}
		}
		m.flow = i
	}
	if s.n%chunkSize == 0 {
		s.chunks = append(s.chunks, make([]meta, 0, chunkSize))
	}
	c := &s.chunks[len(s.chunks)-1]
	*c = append(*c, m)
	s.n++
	s.last = step(s.last, m, s.n-1, s.names)
}

// step folds one record into the view model's state.
func step(f fold, m meta, i int, names []string) fold {
	switch kinds[m.kind] {
	case events.KindTransition:
		if m.name > 0 {
			f.state = names[m.name-1]
		}
	case events.KindState:
		f.screen = i
	}
	return f
}

// metaAt returns record i's index entry; s.mu is held.
func (s *store) metaAt(i int) meta { return s.chunks[i/chunkSize][i%chunkSize] }

// Len is the number of records indexed so far.
func (s *store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.n
}

// progress says how far the index is: records, and the fraction of the
// file read (1 for memory stores), whether it is done, and why it stopped
// early.
func (s *store) progress() (n int, frac float64, done bool, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	frac = 1
	if s.file != nil && s.size > 0 {
		frac = float64(s.end) / float64(s.size)
	}
	return s.n, frac, s.done, s.err
}

// foldAt is the view model's state after record i: the fold from the
// checkpoint before it.
func (s *store) foldAt(i int) fold {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if i < 0 || i >= s.n {
		return fold{state: fsm.StateUninitialized, screen: -1}
	}
	c := i / checkpointEvery
	f := s.checkpoints[c]
	for j := c * checkpointEvery; j <= i; j++ {
		f = step(f, s.metaAt(j), j, s.names)
	}
	return f
}

// Record decodes record i.
func (s *store) Record(i int) (flowlog.Record, error) {
	r, _, err := s.record(i, false)
	return r, err
}

// record decodes record i; with raw, it also returns its line (nil for a
// memory store).
func (s *store) record(i int, raw bool) (flowlog.Record, []byte, error) {
	s.mu.RLock()
	if i < 0 || i >= s.n {
		s.mu.RUnlock()
		return flowlog.Record{}, nil, fmt.Errorf("no record %d", i+1)
	}
	if s.file == nil {
		r := s.recs[i]
		s.mu.RUnlock()
		s.decoded.Add(1)
		return r, nil, nil
	}
	off, end := s.metaAt(i).off, s.end
	if i+1 < s.n {
		end = s.metaAt(i + 1).off
	}
	s.mu.RUnlock()
	line := make([]byte, end-off)
	if _, err := s.file.ReadAt(line, off); err != nil && !errors.Is(err, io.EOF) {
		return flowlog.Record{}, nil, fmt.Errorf("read record %d: %w", i+1, err)
	}
	line = bytes.TrimSpace(line)
	if raw {
		return flowlog.Record{}, line, nil
	}
	s.decoded.Add(1)
	env, err := events.Unmarshal(line)
	if err != nil {
		return flowlog.Record{}, nil, fmt.Errorf("record seq %d: %w", i+1, err)
	}
	return flowlog.Record{Line: i + 2, Envelope: env}, nil, nil
}

// Line returns record i's line as written (nil for a memory store).
func (s *store) Line(i int) ([]byte, error) {
	_, line, err := s.record(i, true)
	return line, err
}

// Decode decodes a line Line returned for record i.
func (s *store) Decode(i int, line []byte) (flowlog.Record, error) {
	s.decoded.Add(1)
	env, err := events.Unmarshal(line)
	if err != nil {
		return flowlog.Record{}, fmt.Errorf("record seq %d: %w", i+1, err)
	}
	return flowlog.Record{Line: i + 2, Envelope: env}, nil
}

// Entry is record i with the machine's state after it.
func (s *store) Entry(i int) (Entry, error) {
	r, err := s.Record(i)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Record: r, State: s.foldAt(i).state}, nil
}

// openStore opens the log at path and checks its header; index indexes
// its records.
func openStore(path string) (*store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("flow log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("flow log: %w", err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	first, err := readLine(br, nil, 1)
	if le := (*flowlog.LineError)(nil); errors.As(err, &le) {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		_ = f.Close()
		return nil, fmt.Errorf("%s: flow log: read header: %w", path, err)
	}
	r, err := flowlog.NewReader(bytes.NewReader(first))
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := newStore(r.Header())
	s.file, s.size, s.end = f, st.Size(), int64(len(first))
	return s, nil
}

// unended reports whether the index read a whole file that ends without
// its end mark (flowlog.ErrNoEndMark).
func (s *store) unended() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.file != nil && s.done && s.err == nil && !s.ended
}

// index reads the file from the first record to the end, adding an index
// entry per record, until stop is closed. It decodes no event: it reads
// the envelope's fields and the data's operation or target state (peek).
// A corrupt or cut-short record stops it; s.err says why.
func (s *store) index(stop <-chan struct{}, notify func(last bool)) {
	defer func() {
		s.mu.Lock()
		s.done = true
		s.mu.Unlock()
		notify(true)
	}()
	s.mu.RLock()
	off := s.end
	s.mu.RUnlock()
	sr := io.NewSectionReader(s.file, off, s.size-off)
	br := bufio.NewReaderSize(sr, 256<<10)
	var long []byte
	lineNo := 1
	const batch = 4096
	pending := make([]pendingMeta, 0, batch)
	// ended: the end mark was read, at endAt: the last record ends there.
	ended, endAt := false, int64(0)
	flush := func(end int64) {
		if ended {
			end = endAt
		}
		s.mu.Lock()
		for _, p := range pending {
			s.add(p.m, p.name, p.flow, p.kind)
		}
		s.end = end
		s.mu.Unlock()
		pending = pending[:0]
	}
	fail := func(end int64, err error) {
		flush(end)
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
	}
	lastSeq := uint64(0)
	for k := 0; ; k++ {
		if k%batch == 0 {
			select {
			case <-stop:
				flush(off)
				return
			default:
			}
		}
		line, err := readLine(br, &long, lineNo+1)
		if le := (*flowlog.LineError)(nil); errors.As(err, &le) {
			fail(off, err)
			return
		}
		if err != nil && !errors.Is(err, io.EOF) {
			fail(off, fmt.Errorf("flow log: read line %d: %w", lineNo+1, err))
			return
		}
		if len(line) > 0 {
			lineNo++
		}
		start := off
		off += int64(len(line))
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) > 0 && (ended || flowlog.IsEnd(trimmed)) {
			perr := flowlog.ErrAfterEnd
			if !ended {
				perr = flowlog.CheckEnd(trimmed, int(lastSeq))
			}
			if perr != nil {
				if !bytes.HasSuffix(line, []byte("\n")) {
					perr = flowlog.ErrTruncated
				}
				fail(start, &flowlog.LineError{Line: lineNo, Err: perr})
				return
			}
			flush(start)
			ended, endAt = true, start
			s.mu.Lock()
			s.ended = true
			s.mu.Unlock()
		} else if len(trimmed) > 0 {
			p, perr := s.peek(trimmed)
			if perr == nil && p.seq != lastSeq+1 {
				perr = fmt.Errorf("seq %d follows seq %d: records are missing or out of order", p.seq, lastSeq)
			}
			if perr != nil {
				if !bytes.HasSuffix(line, []byte("\n")) {
					perr = flowlog.ErrTruncated
				}
				fail(start, &flowlog.LineError{Line: lineNo, Err: perr})
				return
			}
			lastSeq = p.seq
			p.m.off = start
			pending = append(pending, p)
			if len(pending) == batch {
				flush(off)
				notify(false)
			}
		}
		if errors.Is(err, io.EOF) {
			flush(off)
			return
		}
	}
}

// maxLineBytes is the longest line the index reads (flowlog.MaxLineBytes,
// as every reader of a log); tests lower it.
var maxLineBytes = flowlog.MaxLineBytes

// readLine reads line lineNo from br with its newline: in place from br's
// buffer, or gathered in *long (reused; nil: a new buffer). A line longer
// than maxLineBytes is not read further: the error is a
// *flowlog.LineError wrapping flowlog.ErrLineTooLong.
func readLine(br *bufio.Reader, long *[]byte, lineNo int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		if len(bytes.TrimSuffix(line, []byte("\n"))) > maxLineBytes {
			return nil, &flowlog.LineError{Line: lineNo, Err: flowlog.ErrLineTooLong}
		}
		return line, err
	}
	var buf []byte
	if long != nil {
		buf = (*long)[:0]
	}
	buf = append(buf, line...)
	for errors.Is(err, bufio.ErrBufferFull) {
		line, err = br.ReadSlice('\n')
		if len(buf)+len(bytes.TrimSuffix(line, []byte("\n"))) > maxLineBytes {
			if long != nil {
				*long = nil
			}
			return nil, &flowlog.LineError{Line: lineNo, Err: flowlog.ErrLineTooLong}
		}
		buf = append(buf, line...)
	}
	if long != nil {
		*long = buf
	}
	return buf, err
}

type pendingMeta struct {
	m          meta
	seq        uint64
	name, flow string
	kind       events.Kind
}

// peek reads what the index keeps of a record line without decoding its
// event.
func (s *store) peek(line []byte) (pendingMeta, error) {
	var p pendingMeta
	var typ string
	var op, to string
	sc := scanner{b: line}
	err := sc.object(func(key []byte) error {
		switch string(key) {
		case "seq":
			n, err := sc.uint()
			p.seq = n
			return err
		case "kind":
			k, err := sc.str()
			p.kind = events.Kind(k)
			return err
		case "type":
			t, err := sc.str()
			typ = t
			return err
		case "flow_id":
			f, err := sc.str()
			p.flow = f
			return err
		case "data":
			sc.ws()
			if sc.peek() != '{' {
				return sc.skip()
			}
			return sc.object(func(k []byte) error {
				switch string(k) {
				case "operation":
					v, err := sc.str()
					op = v
					return err
				case "to":
					v, err := sc.str()
					to = v
					return err
				}
				return sc.skip()
			})
		}
		return sc.skip()
	})
	if err != nil {
		return p, fmt.Errorf("corrupt record: %w", err)
	}
	if typ == "" {
		return p, errors.New("corrupt record: no event type")
	}
	kind, ok := s.typeKinds[typ]
	if !ok {
		ev, err := events.New(typ)
		if err != nil {
			return p, fmt.Errorf("corrupt record: %w", err)
		}
		kind = ev.EventKind()
		s.typeKinds[typ] = kind
	}
	if p.kind != "" && p.kind != kind {
		return p, fmt.Errorf("corrupt record: %s event of kind %q, want %q", typ, p.kind, kind)
	}
	p.kind = kind
	p.m.kind = kindIndex(kind)
	switch kind {
	case events.KindTransition:
		p.name = to
	case events.KindAdapterCall, events.KindAdapterResult:
		p.name = op
	}
	return p, nil
}

// scanner walks JSON text without building values.
type scanner struct {
	b []byte
	i int
}

var errSyntax = errors.New("invalid JSON")

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// object walks an object, calling member with each key with the scanner
// before its value; member must consume the value.
func (s *scanner) object(member func(key []byte) error) error {
	s.ws()
	if s.peek() != '{' {
		return errSyntax
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		s.ws()
		key, err := s.rawString()
		if err != nil {
			return err
		}
		s.ws()
		if s.peek() != ':' {
			return errSyntax
		}
		s.i++
		if err := member(key); err != nil {
			return err
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// rawString reads a string and returns its bytes between the quotes,
// escapes left as they are.
func (s *scanner) rawString() ([]byte, error) {
	if s.peek() != '"' {
		return nil, errSyntax
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			s.i++
			return s.b[start : s.i-1], nil
		}
		s.i++
	}
	return nil, errSyntax
}

func (s *scanner) str() (string, error) {
	s.ws()
	if s.peek() == 'n' { // null
		return "", s.skip()
	}
	start := s.i
	raw, err := s.rawString()
	if err != nil {
		return "", err
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), nil
	}
	var out string
	if err := json.Unmarshal(s.b[start:s.i], &out); err != nil {
		return "", err
	}
	return out, nil
}

func (s *scanner) uint() (uint64, error) {
	s.ws()
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		n = n*10 + uint64(s.b[s.i]-'0')
		s.i++
	}
	if s.i == start {
		return 0, errSyntax
	}
	return n, nil
}

// skip passes one value of any type.
func (s *scanner) skip() error {
	s.ws()
	switch c := s.peek(); {
	case c == '"':
		_, err := s.rawString()
		return err
	case c == '{' || c == '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, err := s.rawString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return nil
				}
			}
			s.i++
		}
		return errSyntax
	case c == 0:
		return errSyntax
	default: // a number, true, false or null
		start := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if s.i == start {
					return errSyntax
				}
				return nil
			}
			s.i++
		}
		if s.i == start {
			return errSyntax
		}
		return nil
	}
}

// seqOf is record i's seq: a file's records are numbered from 1 without
// gaps (the index checks it).
func (s *store) seqOf(i int) uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.file == nil && i >= 0 && i < len(s.recs) {
		return s.recs[i].Seq
	}
	return uint64(i + 1)
}

// indexOfSeq is the index of the record of seq, or of the first after it;
// n (Len) when none is indexed yet.
func (s *store) indexOfSeq(seq uint64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.file != nil {
		return min(max(int(seq)-1, 0), s.n)
	}
	lo, hi := 0, len(s.recs)
	for lo < hi {
		m := (lo + hi) / 2
		if s.recs[m].Seq < seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// states is the machine's state after each record of [from, to), folded
// once from the checkpoint before from.
func (s *store) states(from, to int) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	to = min(to, s.n)
	if from >= to {
		return nil
	}
	c := from / checkpointEvery
	f := s.checkpoints[c]
	out := make([]string, 0, to-from)
	for j := c * checkpointEvery; j < to; j++ {
		f = step(f, s.metaAt(j), j, s.names)
		if j >= from {
			out = append(out, f.state)
		}
	}
	return out
}

// lists returns the operations and flow ids indexed so far.
func (s *store) lists() (ops, flows []string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ops[:len(s.ops):len(s.ops)], s.flows[:len(s.flows):len(s.flows)]
}

// close stops using the file.
func (s *store) close() {
	if s.file != nil {
		_ = s.file.Close()
	}
}

// kindOf is record i's kind, from the index.
func (s *store) kindOf(i int) events.Kind {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if i < 0 || i >= s.n {
		return ""
	}
	return kinds[s.metaAt(i).kind]
}
