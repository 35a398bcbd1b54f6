package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// corpusDocuments returns every JSON document of the repository's
// testdata: Kratos answers captured from the real server, and the
// requests, results and bodies of the recorded flows.
func corpusDocuments(t *testing.T) [][]byte {
	var docs [][]byte
	root := filepath.Join("..", "testdata")
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(path, ".json"):
			docs = append(docs, data)
		case strings.HasSuffix(path, ".jsonl"):
			for _, line := range bytes.Split(data, []byte("\n")) {
				var rec struct {
					Data struct {
						Request, Result json.RawMessage
						HTTP            []struct {
							Request  json.RawMessage `json:"request_body"`
							Response json.RawMessage `json:"response_body"`
						}
					}
				}
				if json.Unmarshal(line, &rec) != nil {
					continue
				}
				docs = append(docs, line, rec.Data.Request, rec.Data.Result)
				for _, h := range rec.Data.HTTP {
					docs = append(docs, h.Request, h.Response)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// shuffled re-encodes a document with its object keys in a random order,
// so that a node's "value" may come before its "name" and "type", and its
// "id" after what it shows.
func shuffled(rng *rand.Rand, v any) []byte {
	var b bytes.Buffer
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			b.WriteString("{")
			for i, k := range keys {
				if i > 0 {
					b.WriteString(" , ")
				}
				kb, _ := json.Marshal(k)
				b.Write(kb)
				b.WriteString(" :\n")
				walk(t[k])
			}
			b.WriteString("}")
		case []any:
			b.WriteString("[ ")
			for i, c := range t {
				if i > 0 {
					b.WriteString(",")
				}
				walk(c)
			}
			b.WriteString("]")
		default:
			vb, _ := json.Marshal(t)
			b.Write(vb)
		}
	}
	walk(v)
	return b.Bytes()
}

// TestRedactTokensSameAsDecoded: on every document of the corpus, in its
// own key order and shuffled, and on made-up documents that put secrets
// everywhere redactWalk looks, the token pass finds the same secrets as
// decoding, walking and encoding did, and writes the same document.
func TestRedactTokensSameAsDecoded(t *testing.T) {
	docs := corpusDocuments(t)
	if len(docs) < 100 {
		t.Fatalf("only %d corpus documents", len(docs))
	}
	docs = append(docs,
		[]byte(`{"ui":{"nodes":[{"attributes":{"value":"pw-1","type":"password","name":"x"}},{"attributes":{"value":"c-1","name":"CODE"}},{"attributes":{"text":{"text":"TOTPSECRET","id":1},"id":"totp_secret_key","node_type":"text"}}]}}`),
		[]byte(`{"traits":{"password":"not-a-secret","code":"x","nested":{"token":"t"}},"password":12345,"code":401,"session_token":"ory_st_1"}`),
		[]byte(`{"body":"{\"password\":\"cut-short","other":"  {\"token\":\"inner\"}","u":"\u00a0{\"code\":\"nbsp\"}"}`),
		[]byte(`[{"name":"password","value":"a"},{"name":5,"type":"password","value":"b"},{"name":"password","name":7,"value":"c"}]`),
		[]byte(`{"id":"lookup_secret_codes","id":"x","attributes":{"text":{"text":"codes"}}}`),
		[]byte(`{"esc\u0061ped":"v","n\u0061me":"password","value":"\u00e9\"<&>","secret":"\ud83d\ude00 é"}`),
		[]byte(`{"a":[],"b":{},"c":[[],{}],"d":null,"e":true,"f":-1.5e3,"password":""}`),
	)
	rng := rand.New(rand.NewSource(7))
	checked := 0
	for _, doc := range docs {
		doc = bytes.TrimSpace(doc)
		var v any
		if len(doc) == 0 || (doc[0] != '{' && doc[0] != '[') || json.Unmarshal(doc, &v) != nil {
			continue
		}
		for round := range 3 {
			in := doc
			if round > 0 {
				in = shuffled(rng, v)
			}
			var gotSecrets, wantSecrets []string
			mark := func(list *[]string) Redactor {
				return func(s string) string { *list = append(*list, s); return "R[" + s + "]" }
			}
			got, ok := redactTokens(in, mark(&gotSecrets), true)
			if !ok {
				t.Fatalf("token pass refused a valid document: %s", in)
			}
			want := redactDecoded(in, mark(&wantSecrets))
			sort.Strings(gotSecrets)
			sort.Strings(wantSecrets)
			if !reflect.DeepEqual(gotSecrets, wantSecrets) {
				t.Fatalf("secrets differ on %s\n got %q\nwant %q", in, gotSecrets, wantSecrets)
			}
			if !sameJSON(got, want) || (!bytes.Contains(in, []byte(`\u00`)) && !bytes.Equal(got, want)) {
				t.Fatalf("documents differ on %s\n got %s\nwant %s", in, got, want)
			}
			if scanned := ScanSecrets(string(in)); len(scanned) != len(wantSecrets) {
				t.Fatalf("ScanSecrets found %d secrets, the walk %d, in %s", len(scanned), len(wantSecrets), in)
			}
			checked++
		}
	}
	t.Logf("%d documents checked", checked)
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y) && fmt.Sprint(x) == fmt.Sprint(y)
}

// FuzzTokenizeValid: the tokenizer accepts exactly what json.Valid
// accepts, so that a document it refuses is decoded (and reported) as
// before, and one it accepts is one encoding/json reads.
func FuzzTokenizeValid(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, ` {"a" : [1, -0.5e+10, true, false, null, "x\u00e9\n"]} `, `{"a":01}`, `{"a":1,}`, `[1 2]`,
		`"\ud800"`, "\"\x01\"", `{"a":"\q"}`, `-`, `1.`, `1e`, `[[[[]]]]`, `{"a":{"b":{}}}x`, `nul`, "\"\xff\"", `{"a" "b"}`,
	} {
		f.Add([]byte(s))
	}
	for _, n := range []int{10000, 10001} { // encoding/json's depth limit
		f.Add([]byte(strings.Repeat("[", n) + strings.Repeat("]", n)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, ok := tokenize(b, nil)
		if ok != json.Valid(b) {
			t.Fatalf("tokenize says %v, json.Valid %v: %q", ok, json.Valid(b), b)
		}
	})
}

// TestScanSecretsBytesAsScanSecrets: reading a document in place finds
// what ScanSecrets finds, whole or cut short or not JSON, and what it
// returns does not change when the document's bytes are reused.
func TestScanSecretsBytesAsScanSecrets(t *testing.T) {
	docs := []string{
		`{"session_token":"ory_st_abc123456","ui":{"nodes":[{"attributes":{"name":"password","type":"password","value":"p-123456"}}]},"traits":{"code":"kept"}}`,
		`{"session_token":"ory_st_cut12`,
		`["a",{"token":"t-123456","url":"http://h/?code=c-654321&x=1"}]`,
		`{"body":"{\"password\":\"in-text-123\"}","n":{"password":123456}}`,
		`"a string"`,
		`not json`,
		``,
	}
	for _, d := range docs {
		raw := []byte(d)
		want := ScanSecrets(d)
		got := scanSecretsBytes(raw)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: scanSecretsBytes %q, ScanSecrets %q", d, got, want)
		}
		for i := range raw {
			raw[i] = 'x'
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the secrets found changed with the document's bytes: %q", d, got)
		}
	}
}
