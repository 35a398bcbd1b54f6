package fastjson_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/internal/fastjson"
)

// nested is a Kratos flow whose node value nests n arrays: what a broken
// or hostile server (or a corrupt flow-log record) may send.
func nested(n int) []byte {
	return []byte(`{"id":"x","ui":{"nodes":[{"attributes":{"value":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}}]}}`)
}

// TestTooDeepIsEncodingJSONs: encoding/json refuses a document nested
// deeper than 10000; segmentio accepts it, so fastjson must not.
func TestTooDeepIsEncodingJSONs(t *testing.T) {
	for _, n := range []int{10000, 10001} {
		data := nested(n)
		errStd := json.Unmarshal(data, &adapters.Flow{})
		errFast := fastjson.Unmarshal(data, &adapters.Flow{})
		if (errStd == nil) != (errFast == nil) || errStd != nil && errStd.Error() != errFast.Error() {
			t.Errorf("depth %d: encoding/json says %v, fastjson %v", n, errStd, errFast)
		}
		if fastjson.Valid(data) != json.Valid(data) {
			t.Errorf("depth %d: Valid says %v, encoding/json %v", n, fastjson.Valid(data), json.Valid(data))
		}
		var a, b any
		errStd, errFast = json.Unmarshal(data, &a), fastjson.Unmarshal(data, &b)
		if (errStd == nil) != (errFast == nil) || errStd != nil && errStd.Error() != errFast.Error() {
			t.Errorf("depth %d into any: encoding/json says %v, fastjson %v", n, errStd, errFast)
		}
	}
}

// TestVeryDeepIsRefusedNotACrash: a 4 MiB body (the Kratos adapter's
// limit) of nested arrays is refused with encoding/json's error; segmentio
// recurses once per level and the process dies of a stack overflow, which
// no recover catches. Run in a child process so that a crash fails this
// test instead of killing the run.
func TestVeryDeepIsRefusedNotACrash(t *testing.T) {
	if os.Getenv("FASTJSON_DEEP_CHILD") == "1" {
		err := fastjson.Unmarshal(nested(2_000_000), &adapters.Flow{})
		if err == nil || !strings.Contains(err.Error(), "exceeded max depth") {
			t.Fatalf("2M-deep document: error %v, want encoding/json's max depth error", err)
		}
		if fastjson.Valid(nested(2_000_000)) {
			t.Fatal("2M-deep document: Valid says yes, encoding/json no")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestVeryDeepIsRefusedNotACrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FASTJSON_DEEP_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s := string(out)
		if len(s) > 400 {
			s = s[:400]
		}
		t.Fatalf("decoding a 2M-deep document: child failed (%v):\n%s", err, s)
	}
}

// TestDeepAmongManyBrackets: a document with more brackets than the limit
// in all, side by side or in strings, is not too deep; one that nests
// them is.
func TestDeepAmongManyBrackets(t *testing.T) {
	flat := []byte("[" + strings.Repeat("[],", 300) + `"` + strings.Repeat("[", 300) + `"]`)
	var a, b any
	if errStd, errFast := json.Unmarshal(flat, &a), fastjson.Unmarshal(flat, &b); errStd != nil || errFast != nil || len(a.([]any)) != len(b.([]any)) {
		t.Fatalf("300 empty arrays side by side: encoding/json %v, fastjson %v", errStd, errFast)
	}
	deep := nested(300)
	if errStd, errFast := json.Unmarshal(deep, &adapters.Flow{}), fastjson.Unmarshal(deep, &adapters.Flow{}); (errStd == nil) != (errFast == nil) {
		t.Fatalf("300 levels: encoding/json %v, fastjson %v", errStd, errFast)
	}
}
