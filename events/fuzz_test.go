package events_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
)

// flowLines returns every line of the recorded flows in testdata/flows.
func flowLines(f *testing.F) [][]byte {
	f.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "flows", "*.jsonl"))
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			out = append(out, append([]byte(nil), sc.Bytes()...))
		}
	}
	return out
}

// FuzzUnmarshal feeds arbitrary bytes to the envelope decoder: it must not
// panic, and what it accepts must survive a Marshal/Unmarshal round trip
// with the same type, kind and seq.
func FuzzUnmarshal(f *testing.F) {
	for _, l := range flowLines(f) {
		f.Add(l)
	}
	f.Add([]byte(`{"seq":1,"type":"SignInSubmitted","data":null}`))
	f.Add([]byte(`{"type":"SignedIn","kind":"intent"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := events.Unmarshal(b)
		if err != nil {
			return
		}
		if env.Event == nil || env.Type != env.Event.EventType() || env.Kind != env.Event.EventKind() {
			t.Fatalf("accepted an envelope that does not name its event: %+v", env)
		}
		again, err := events.Marshal(env)
		if err != nil {
			t.Fatalf("re-marshal an accepted envelope: %v", err)
		}
		back, err := events.Unmarshal(again)
		if err != nil {
			t.Fatalf("round trip: %v\n%s", err, again)
		}
		if back.Type != env.Type || back.Seq != env.Seq || back.Kind != env.Kind {
			t.Fatalf("round trip changed the envelope: %+v -> %+v", env, back)
		}
	})
}
