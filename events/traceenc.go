package events

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The trace events are most of a log's bytes: adapter results carry whole
// Kratos answers as raw JSON. encoding/json checks and compacts every raw
// field byte by byte through its general scanner; appendTrace writes these
// events by hand, copying a raw field that is already what that would give
// (valid, compact, HTML-safe) after one quick check. The bytes are those
// of json.Marshal; anything unusual (an invalid or spaced raw field, a
// float that is not finite) returns ok false and json.Marshal writes the
// event.

// appendTrace appends the JSON of a trace event to dst; ok is false when
// ev is not one or it must go through encoding/json.
func appendTrace(dst []byte, ev Event) (out []byte, ok bool) {
	return appendTraceRedacted(dst, ev, nil)
}

// appendTraceRedacted is appendTrace of Redact(ev, r) when r is not nil:
// the raw JSON fields are redacted straight into dst, each read once
// (Redact copies each redacted document, which appendTrace then read again
// to check it), and r is called on the same secrets, in the same order. ok
// is false for the rare events it leaves to Redact (an AdapterReturned
// with an error, or of the token store); dst then holds what was
// appended so far, and r may have been called.
func appendTraceRedacted(dst []byte, ev Event, r Redactor) (out []byte, ok bool) {
	if r != nil {
		// As Redact calls it: an empty secret stays empty.
		red := r
		r = func(s string) string {
			if s == "" {
				return ""
			}
			return red(s)
		}
	}
	switch e := ev.(type) {
	case TransitionMade:
		dst = append(dst, `{"from":`...)
		dst = appendString(dst, e.From)
		dst = append(dst, `,"event":`...)
		dst = appendString(dst, e.Event)
		dst = append(dst, `,"to":`...)
		dst = appendString(dst, e.To)
		return append(dst, '}'), true
	case AdapterCalled:
		dst = append(dst, `{"operation":`...)
		dst = appendString(dst, e.Operation)
		if len(e.Request) > 0 {
			dst = append(dst, `,"request":`...)
			if dst, ok = appendRawField(dst, e.Request, r); !ok {
				return dst, false
			}
		}
		return append(dst, '}'), true
	case AdapterReturned:
		if r != nil && (e.Error != nil || strings.HasPrefix(e.Operation, "tokens.")) {
			return dst, false
		}
		dst = append(dst, `{"operation":`...)
		dst = appendString(dst, e.Operation)
		if len(e.Result) > 0 {
			dst = append(dst, `,"result":`...)
			if dst, ok = appendRawField(dst, e.Result, r); !ok {
				return dst, false
			}
		}
		if e.Error != nil {
			b, err := json.Marshal(e.Error)
			if err != nil {
				return dst, false
			}
			dst = append(dst, `,"error":`...)
			dst = append(dst, b...)
		}
		dst = append(dst, `,"latency_ms":`...)
		if dst, ok = appendFloat(dst, e.LatencyMS); !ok {
			return dst, false
		}
		if len(e.HTTP) > 0 {
			dst = append(dst, `,"http":[`...)
			for i, h := range e.HTTP {
				if i > 0 {
					dst = append(dst, ',')
				}
				if dst, ok = appendExchange(dst, h, r); !ok {
					return dst, false
				}
			}
			dst = append(dst, ']')
		}
		return append(dst, '}'), true
	}
	return dst, false
}

// appendExchange appends h, redacted by r when r is not nil (as
// AdapterReturned.Redacted redacts it, in the same order).
func appendExchange(dst []byte, h HTTPExchange, r Redactor) (out []byte, ok bool) {
	if r != nil {
		h.URL = RedactURLQuery(h.URL, r)
		h.Error = RedactURLsInText(h.Error, r)
	}
	dst = append(dst, `{"method":`...)
	dst = appendString(dst, h.Method)
	dst = append(dst, `,"url":`...)
	dst = appendString(dst, h.URL)
	if h.Status != 0 {
		dst = append(dst, `,"status":`...)
		dst = strconv.AppendInt(dst, int64(h.Status), 10)
	}
	dst = append(dst, `,"latency_ms":`...)
	if dst, ok = appendFloat(dst, h.LatencyMS); !ok {
		return dst, false
	}
	if len(h.Request) > 0 {
		dst = append(dst, `,"request_body":`...)
		if dst, ok = appendRawField(dst, h.Request, r); !ok {
			return dst, false
		}
	}
	if len(h.Response) > 0 {
		dst = append(dst, `,"response_body":`...)
		if dst, ok = appendRawField(dst, h.Response, r); !ok {
			return dst, false
		}
	}
	if h.RequestText {
		dst = append(dst, `,"request_body_text":true`...)
	}
	if h.ResponseText {
		dst = append(dst, `,"response_body_text":true`...)
	}
	if h.ResponseCut {
		dst = append(dst, `,"response_body_cut":true`...)
	}
	if len(h.Headers) > 0 {
		dst = append(dst, `,"request_headers":`...)
		dst = appendHeaders(dst, h.Headers, r)
	}
	if len(h.ResponseHeaders) > 0 {
		dst = append(dst, `,"response_headers":`...)
		dst = appendHeaders(dst, h.ResponseHeaders, r)
	}
	if h.Error != "" {
		dst = append(dst, `,"error":`...)
		dst = appendString(dst, h.Error)
	}
	if h.ErrorCause != "" {
		dst = append(dst, `,"error_cause":`...)
		dst = appendString(dst, h.ErrorCause)
	}
	return append(dst, '}'), true
}

// appendHeaders writes a header map as encoding/json does: keys sorted, a
// nil list as null. With r, the values are redacted as redactHeaders
// redacts them: a secret header's values by r, a Location's query by
// meaning (and a redacted list is never nil).
func appendHeaders(dst []byte, hs map[string][]string, r Redactor) []byte {
	keys := make([]string, 0, len(hs))
	for k := range hs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		vs := hs[k]
		if r != nil {
			switch {
			case IsSecretKey(k):
				dst = appendList(dst, vs, r)
				continue
			case strings.EqualFold(k, "location"):
				// A redirect's address: its query's secrets (a code,
				// OAuth's state) by meaning.
				dst = appendList(dst, vs, func(v string) string { return RedactURLQuery(v, r) })
				continue
			}
		}
		if vs == nil {
			dst = append(dst, "null"...)
			continue
		}
		dst = appendList(dst, vs, nil)
	}
	return append(dst, '}')
}

// appendList writes a list of strings, each passed through redact when it
// is not nil.
func appendList(dst []byte, vs []string, redact func(string) string) []byte {
	dst = append(dst, '[')
	for j, v := range vs {
		if j > 0 {
			dst = append(dst, ',')
		}
		if redact != nil {
			v = redact(v)
		}
		dst = appendString(dst, v)
	}
	return append(dst, ']')
}

// appendFloat writes a float64 as encoding/json does.
func appendFloat(dst []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9, as encoding/json writes it.
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, true
}

// appendRawField appends the raw JSON value of a trace event's field:
// as it is (appendRaw) when r is nil, else redacted by r as RedactJSON
// redacts it.
func appendRawField(dst []byte, raw []byte, r Redactor) ([]byte, bool) {
	if r == nil {
		return appendRaw(dst, raw)
	}
	if out, ok := redactTokensTo(dst, raw, r, true); ok {
		return out, true
	}
	return appendRaw(dst, redactDecoded(raw, r))
}

// appendRaw copies a raw JSON value that is valid, compact and HTML-safe
// (what encoding/json would write for it); ok is false otherwise.
func appendRaw(dst []byte, raw []byte) ([]byte, bool) {
	v := rawChecker{b: raw}
	if !v.value() || v.i != len(raw) {
		return dst, false
	}
	return append(dst, raw...), true
}

// rawChecker reads one JSON value with no space around or inside it but in
// strings, and no '<', '>', '&', U+2028 or U+2029 anywhere.
type rawChecker struct {
	b     []byte
	i     int
	depth int
}

func (c *rawChecker) value() bool {
	if c.i >= len(c.b) {
		return false
	}
	switch ch := c.b[c.i]; {
	case ch == '{':
		if c.depth++; c.depth > 10000 {
			return false
		}
		c.i++
		if c.i < len(c.b) && c.b[c.i] == '}' {
			c.i++
			c.depth--
			return true
		}
		for {
			if !c.str() || c.i >= len(c.b) || c.b[c.i] != ':' {
				return false
			}
			c.i++
			if !c.value() || c.i >= len(c.b) {
				return false
			}
			if c.b[c.i] == '}' {
				c.i++
				c.depth--
				return true
			}
			if c.b[c.i] != ',' {
				return false
			}
			c.i++
		}
	case ch == '[':
		if c.depth++; c.depth > 10000 {
			return false
		}
		c.i++
		if c.i < len(c.b) && c.b[c.i] == ']' {
			c.i++
			c.depth--
			return true
		}
		for {
			if !c.value() || c.i >= len(c.b) {
				return false
			}
			if c.b[c.i] == ']' {
				c.i++
				c.depth--
				return true
			}
			if c.b[c.i] != ',' {
				return false
			}
			c.i++
		}
	case ch == '"':
		return c.str()
	case ch == '-' || (ch >= '0' && ch <= '9'):
		return c.number()
	case ch == 't':
		return c.lit("true")
	case ch == 'f':
		return c.lit("false")
	case ch == 'n':
		return c.lit("null")
	}
	return false
}

func (c *rawChecker) lit(s string) bool {
	if len(c.b)-c.i >= len(s) && string(c.b[c.i:c.i+len(s)]) == s {
		c.i += len(s)
		return true
	}
	return false
}

func (c *rawChecker) str() bool {
	if c.i >= len(c.b) || c.b[c.i] != '"' {
		return false
	}
	for i := c.i + 1; i < len(c.b); i++ {
		switch ch := c.b[i]; {
		case ch == '"':
			c.i = i + 1
			return true
		case ch < 0x20, ch == '<', ch == '>', ch == '&':
			return false
		case ch == 0xE2 && i+2 < len(c.b) && c.b[i+1] == 0x80 && (c.b[i+2] == 0xA8 || c.b[i+2] == 0xA9):
			return false
		case ch == '\\':
			i++
			if i >= len(c.b) {
				return false
			}
			switch c.b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(c.b) {
					return false
				}
				for _, h := range c.b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

func (c *rawChecker) number() bool {
	b, i := c.b, c.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	c.i = i
	return true
}
