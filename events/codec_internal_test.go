package events

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
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
