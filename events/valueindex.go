package events

import (
	"encoding/binary"
	"slices"
	"sync"
	"unsafe"
)

// ValueIndex finds the registered secrets of a Secrets registry by value,
// in every encoding (see Encodings), in one pass over a text. It replaces
// the per-text replacers that were rebuilt whenever the registry grew
// (quadratic over a long run that learns a session token per sign-in):
// the index only grows, each secret's encodings are computed once, and a
// text that holds no secret is read once, with no allocation.
//
// Matching is that of a Replacer built of every encoding, longest first:
// at each position the longest pattern that stands as a token of its own
// (see bounded) wins. The protect patterns (the start of a placeholder,
// Redacted) match and map to themselves, so that nothing is replaced inside
// one. It is safe for concurrent use.
type ValueIndex struct {
	mu   sync.RWMutex
	pats []indexPattern
	// byText finds a pattern by its text; lens lists, by the first four
	// bytes of a pattern, the lengths of the patterns that start with
	// them, longest first. A position of a text is matched with one
	// lookup per length, however many patterns share their start (the
	// session tokens a long run learns, all "ory_st_…"). filter has the
	// bit of each key's hash set, so that most positions of a text cost
	// one load.
	byText map[string]int32
	lens   map[uint32][]int32
	filter []uint64
	// blocks has the bit of the hash of every pattern's four-byte blocks
	// at offsets 0 to minPattern-4: a text read at a stride of
	// minPattern-3 bytes meets one of them wherever a pattern starts.
	blocks []uint64
	// secrets is how many of the registry's secrets are indexed.
	secrets int
}

// indexPattern is one encoding of a secret: secret is its number in the
// registry, or -1 for a protect pattern that maps to itself.
type indexPattern struct {
	text   string
	secret int
}

const filterBits = 1 << 16

// minPattern is the length of the shortest indexed pattern: every encoding
// of a secret of MinValueLen bytes is at least that long.
const minPattern = MinValueLen

// stride is how far Contains steps between the blocks it reads.
const stride = minPattern - 4 + 1

// protectPatterns are kept as they are wherever they appear.
var protectPatterns = []string{"«secret:", "«unrecorded-secret:", Redacted}

func newValueIndex() *ValueIndex {
	ix := &ValueIndex{byText: map[string]int32{}, lens: map[uint32][]int32{}, filter: make([]uint64, filterBits/64), blocks: make([]uint64, filterBits/64)}
	for _, p := range protectPatterns {
		ix.add(p, -1)
	}
	return ix
}

func keyHash(k uint32) uint32 { return (k * 2654435761) >> 16 }

// add indexes one pattern; the caller holds mu (or owns ix).
func (ix *ValueIndex) add(text string, secret int) {
	if len(text) < minPattern {
		// Every encoding of a secret of MinValueLen bytes is as long; a
		// shorter pattern would need another scan, so none is indexed.
		return
	}
	if _, ok := ix.byText[text]; ok {
		return // the same text already maps to an earlier secret
	}
	ix.pats = append(ix.pats, indexPattern{text: text, secret: secret})
	ix.byText[text] = int32(len(ix.pats) - 1)
	k := binary.LittleEndian.Uint32([]byte(text[:4]))
	lens := ix.lens[k]
	if i, found := slices.BinarySearchFunc(lens, int32(len(text)), func(a, b int32) int { return int(b - a) }); !found {
		ix.lens[k] = slices.Insert(lens, i, int32(len(text))) // longest first
	}
	h := keyHash(k)
	ix.filter[h/64] |= 1 << (h % 64)
	for off := 0; off+4 <= minPattern; off++ {
		h := keyHash(binary.LittleEndian.Uint32([]byte(text[off : off+4])))
		ix.blocks[h/64] |= 1 << (h % 64)
	}
}

// sync indexes the secrets of values from number ix.secrets on.
func (ix *ValueIndex) sync(values []string) {
	ix.mu.RLock()
	done := ix.secrets >= len(values)
	ix.mu.RUnlock()
	if done {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := ix.secrets; i < len(values); i++ {
		v := values[i]
		if len(v) < MinValueLen || IsProtocolWord(v) {
			continue
		}
		for _, e := range Encodings(v) {
			ix.add(e, i)
		}
	}
	ix.secrets = max(ix.secrets, len(values))
}

// Secrets returns how many secrets of the registry are indexed (those
// shorter than MinValueLen and protocol words count but have no pattern).
func (ix *ValueIndex) Secrets() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.secrets
}

// match returns the pattern that stands as a token at s[i:], or -1. The
// caller holds mu for reading.
func (ix *ValueIndex) match(s string, i int) int {
	if i+4 > len(s) {
		return -1
	}
	k := binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(s[i:]), 4))
	h := keyHash(k)
	if ix.filter[h/64]&(1<<(h%64)) == 0 {
		return -1
	}
	// The longest pattern that stands as a token wins: patterns of one
	// length that match here are one and the same text.
	for _, n := range ix.lens[k] {
		if end := i + int(n); end <= len(s) {
			if j, ok := ix.byText[s[i:end]]; ok && bounded(s, i, end) {
				return int(j)
			}
		}
	}
	return -1
}

// Contains reports whether s holds a registered secret (not merely a
// protect pattern) by value, standing as a token of its own.
func (ix *ValueIndex) Contains(s string) bool {
	return ix.containsFrom(s, 0)
}

// containsFrom is Contains of the secrets that start at s[from:] or
// later, read with what comes before (a secret stands as a token of its
// own in s, not merely in s[from:]).
func (ix *ValueIndex) containsFrom(s string, from int) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if len(ix.pats) == len(protectPatterns) || len(s)-from < minPattern {
		return false
	}
	// Where a pattern starts at i, it covers [i, i+minPattern), so one of
	// the blocks read at every stride-th position is one of its first
	// blocks; only there are the positions before it tried.
	tried := from - 1 // positions up to tried were tried
	for p := from; p+4 <= len(s); p += stride {
		h := keyHash(binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(s[p:]), 4)))
		if ix.blocks[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for i := max(p-stride+1, tried+1, from); i <= p; i++ {
			if j := ix.match(s, i); j >= 0 && ix.pats[j].secret >= 0 {
				return true
			}
		}
		tried = p
	}
	return false
}

// ContainsBytes is Contains of b, read in place.
func (ix *ValueIndex) ContainsBytes(b []byte) bool {
	return ix.containsFrom(unsafe.String(unsafe.SliceData(b), len(b)), 0)
}

// ContainsBytesFrom is Contains of b, read in place, for the secrets that
// start at b[from:] or later; what comes before is read only to see
// whether a secret found stands as a token of its own.
func (ix *ValueIndex) ContainsBytesFrom(b []byte, from int) bool {
	return ix.containsFrom(unsafe.String(unsafe.SliceData(b), len(b)), from)
}

// AppendReplace appends s to dst with every registered secret replaced by
// repl(its number) and reports whether anything was replaced.
func (ix *ValueIndex) AppendReplace(dst []byte, s string, repl func(secret int) string) ([]byte, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	last, changed := 0, false
	for i := 0; i+4 <= len(s); {
		j := ix.match(s, i)
		if j < 0 {
			i++
			continue
		}
		p := ix.pats[j]
		if p.secret >= 0 {
			dst = append(dst, s[last:i]...)
			dst = append(dst, repl(p.secret)...)
			last, changed = i+len(p.text), true
		}
		i += len(p.text)
	}
	return append(dst, s[last:]...), changed
}
