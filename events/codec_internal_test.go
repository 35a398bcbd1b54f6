package events

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// FuzzCanonicalUnmarshal: what the in-place reader of canonical records
// accepts, encoding/json decodes to the same envelope.
func FuzzCanonicalUnmarshal(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "flows", "*.jsonl"))
	canonical, traced := 0, 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			f.Add(l)
			if _, ok := unmarshalCanonical(l); ok {
				canonical++
			}
			var rec struct {
				Type string
				Data json.RawMessage
			}
			if json.Unmarshal(l, &rec) == nil {
				if _, ok := decodeTrace(rec.Type, rec.Data); ok {
					traced++
				}
			}
		}
	}
	if traced < 200 {
		f.Fatalf("only %d corpus trace events decoded from their tokens", traced)
	}
	if canonical < 300 {
		f.Fatalf("only %d corpus records read in place: the canonical reader misses what AppendMarshal writes", canonical)
	}
	for _, s := range []string{
		`{"seq":1,"id":"a","kind":"intent","type":"AppStarted","time":"2025-01-01T00:00:00Z","data":{}}`,
		`{"seq":1,"id":"a","kind":"intent","type":"AppStarted","time":"2025-01-01T00:00:00Z","data":{}} `,
		`{"seq":1,"id":"a","kind":"intent","type":"AppStarted","time":"2025-01-01T00:00:00Z","data":{},"seq":2}`,
		`{"seq":1,"id":"a","kind":"state","type":"AppStarted","time":"2025-01-01T00:00:00Z","data":{}}`,
		`{"seq":01,"id":"a","kind":"intent","type":"AppStarted","time":"2025-01-01T00:00:00Z","data":null}`,
		`{"seq":1,"id":"a\"","kind":"intent","type":"AppStarted","time":"2025-01-01T00:00:00Z","data":{}}`,
		`{"seq":1,"id":"a","kind":"intent","type":"AppStarted","time":"2025-01-01T00:00:00Z","flow_id":"f","correlation_id":"c","data":{}}`,
		`{"seq":1,"id":"a","kind":"intent","type":"SignInSubmitted","time":"bad","data":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		orig := bytes.Clone(b)
		got, ok := unmarshalCanonical(b)
		if !ok {
			return
		}
		// The reader reuses its line buffer: nothing decoded may point
		// into it.
		for i := range b {
			b[i] = 'X'
		}
		b = orig
		want, err := unmarshalDecoded(b)
		if err != nil {
			t.Fatalf("read in place what encoding/json refuses (%v): %s", err, b)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("in place %+v\nencoding/json %+v\n%s", got, want, b)
		}
	})
}

// TestPlainStringAsTable: the eight-bytes-at-a-time test of plainString
// says what plainByte says of each byte, for every byte value at every
// position of a word, and every pair of byte values at every two positions
// (a borrow from one byte must not hide or invent another).
func TestPlainStringAsTable(t *testing.T) {
	for p1 := 0; p1 < 8; p1++ {
		for p2 := p1; p2 < 8; p2++ {
			for c1 := 0; c1 < 256; c1++ {
				for c2 := 0; c2 < 256; c2++ {
					b := []byte("abcdefgh-x")
					b[p1], b[p2] = byte(c1), byte(c2)
					want := plainByte[c1] && plainByte[c2]
					if p1 == p2 {
						want = plainByte[c2]
					}
					if got := plainString(string(b)); got != want {
						t.Fatalf("bytes %#x at %d, %#x at %d: plainString %v, want %v", c1, p1, c2, p2, got, want)
					}
				}
			}
		}
	}
}

// TestAppendTimeAsAppendText: the UTC times the bus stamps are written
// byte for byte as time.Time.AppendText writes them: every day of leap and
// common years, century rules, the limits, nanoseconds with and without
// trailing zeros; other zones and years go to AppendText itself.
func TestAppendTimeAsAppendText(t *testing.T) {
	check := func(tm time.Time) {
		t.Helper()
		want, werr := tm.AppendText(nil)
		got, err := appendTime(nil, tm)
		if string(got) != string(want) || (err == nil) != (werr == nil) {
			t.Fatalf("%v: appendTime %q (%v), AppendText %q (%v)", tm, got, err, want, werr)
		}
	}
	rng := rand.New(rand.NewSource(1))
	// Every day from 1970 to 2110, then a day in every 29 up to past 9999.
	for sec, step := int64(0), int64(86400); sec < 253402300800+86400*400; sec += step - 1 + rng.Int63n(3) {
		if sec > 4420000000 {
			step = 29 * 86400
		}
		check(time.Unix(sec, 0).UTC())
		check(time.Unix(sec, rng.Int63n(1e9)).UTC())
	}
	for _, ns := range []int64{1, 10, 100, 120, 100000000, 999999999, 500000000, 123456789, 1000} {
		check(time.Unix(1700000000, ns).UTC())
		check(time.Unix(951782400, ns).UTC()) // 2000-02-29
	}
	check(time.Unix(-1, 0).UTC())
	check(time.Unix(253402300799, 999999999).UTC())
	check(time.Unix(253402300800, 0).UTC())
	check(time.Unix(1700000000, 5).In(time.FixedZone("x", 3600)))
	check(time.Unix(1700000000, 5).In(time.FixedZone("z", 0)))
	check(time.Unix(1700000000, 5))
	check(time.Time{})
}
