package traceview

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSearchSkipsOnlyRecordsWithoutTheQuery: for every record of every
// corpus log and queries cut from the records' own text (the summary and
// the record pane), whenever the text holds the query, mayHold lets the
// record through: the cheap look at the line never hides a match.
func TestSearchSkipsOnlyRecordsWithoutTheQuery(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "flows", "*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	checked, skipped := 0, 0
	for _, path := range paths {
		_, recs, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))[1:]
		entries := Entries(recs)
		texts := make([]string, len(entries))
		var queries []string
		for i, e := range entries {
			texts[i] = strings.ToLower(Summary(e.Record) + "\n" + Detail(e))
			for range 16 {
				r := []rune(texts[i])
				a := rng.IntN(len(r))
				b := min(len(r), a+1+rng.IntN(24))
				queries = append(queries, string(r[a:b]))
			}
		}
		queries = append(queries, "4000032", "bad request", "▶ request   post", `"id": 4000032`, "fsm state:   login", "exchange 1 of")
		for _, q := range queries {
			q = strings.ToLower(q)
			words := searchWords(q)
			for i, e := range entries {
				holds := strings.Contains(texts[i], q)
				may := mayHold(lines[i], e.Kind, e.State, words)
				if holds && !may {
					t.Fatalf("%s seq %d holds %q but the line look skips it (words %+v)", filepath.Base(path), e.Seq, q, words)
				}
				checked++
				if !may {
					skipped++
				}
			}
		}
	}
	t.Logf("%d checks, %d records skipped without rendering", checked, skipped)
	if skipped == 0 {
		t.Fatal("the line look skipped nothing: it saves no work")
	}
}
