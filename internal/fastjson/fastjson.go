// Package fastjson decodes JSON with github.com/segmentio/encoding/json, a
// drop-in replacement for encoding/json that decodes the same documents
// into the same values several times faster, and falls back to
// encoding/json for a document it refuses: every error (its type, offset
// and text, which callers show) is encoding/json's own, and a document
// encoding/json accepts is never refused. Offline replay decodes every
// Kratos answer and most records of a log this way (see docs/flowlog.md).
package fastjson

import (
	"bytes"
	"encoding/json"
	"reflect"

	segjson "github.com/segmentio/encoding/json"
)

// maxFastDepth is the deepest nesting segmentio is given: far more than
// any Kratos answer or flow-log record has (about a dozen levels). A
// deeper document goes to encoding/json, which refuses more than 10,000
// levels: segmentio has no limit, takes time that grows faster than the
// square of the depth, and recurses once per level, so a few MiB of
// brackets (a garbage answer, a corrupt log line) would overflow the stack
// and kill the process.
const maxFastDepth = 128

// Unmarshal decodes data into v as encoding/json.Unmarshal does, v being
// a new value (a pointer to a zero value): when segmentio refuses the
// document, v is zeroed before encoding/json decodes it.
func Unmarshal(data []byte, v any) error {
	if !deeper(data, maxFastDepth) && segjson.Unmarshal(data, v) == nil {
		return nil
	}
	// Refused: encoding/json decides, from a zero value (what segmentio
	// filled before it stopped is dropped), and its error is the one
	// reported (segmentio's quotes the input, which may hold a secret).
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv.Elem().SetZero()
	}
	return json.Unmarshal(data, v)
}

// Valid reports whether data is one valid JSON value, as encoding/json's
// Valid does: segmentio decides what it accepts, encoding/json what it
// refuses (so it is never stricter, and a differential fuzz test checks
// it is never more lenient either).
func Valid(data []byte) bool {
	return !deeper(data, maxFastDepth) && segjson.Valid(data) || json.Valid(data)
}

// deeper reports whether data opens more than limit arrays and objects at
// once, counting the brackets outside strings. Up to the first byte that
// is not JSON it counts exactly what a decoder nests, and a decoder stops
// there: a document it reports as not deeper cannot take segmentio deeper
// than limit.
func deeper(data []byte, limit int) bool {
	// Most documents do not have that many brackets at all: counting them
	// is much faster than reading the document byte by byte.
	if bytes.Count(data, []byte{'['})+bytes.Count(data, []byte{'{'}) <= limit {
		return false
	}
	depth, inString := 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped byte cannot end the string
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			if depth++; depth > limit {
				return true
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return false
}
