package events

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// decodeTrace decodes the data of a trace event (TransitionMade,
// AdapterCalled, AdapterReturned) from its tokens: the raw JSON fields are
// copied from their spans, nothing is scanned twice. It reads only what
// encoding/json reads the same way (the exact field names, no nulls); ok
// is false for anything else, and the caller decodes with encoding/json.
func decodeTrace(typ string, data []byte) (Event, bool) {
	switch typ {
	case "TransitionMade", "AdapterCalled", "AdapterReturned":
	default:
		return nil, false
	}
	scratch := walkPool.Get().(*walkScratch)
	defer func() {
		if cap(scratch.toks) <= 1<<16 {
			walkPool.Put(scratch)
		}
	}()
	toks, valid := tokenize(data, scratch.toks[:0])
	scratch.toks = toks
	if !valid || len(toks) == 0 || toks[0].kind != '{' {
		return nil, false
	}
	d := traceDecoder{tokenWalk: tokenWalk{raw: data, toks: toks}}
	switch typ {
	case "TransitionMade":
		var e TransitionMade
		ok := d.object(0, func(k string, v int) bool {
			switch k {
			case "from":
				return d.str(v, &e.From)
			case "event":
				return d.str(v, &e.Event)
			case "to":
				return d.str(v, &e.To)
			}
			return false
		})
		return e, ok
	case "AdapterCalled":
		var e AdapterCalled
		ok := d.object(0, func(k string, v int) bool {
			switch k {
			case "operation":
				return d.str(v, &e.Operation)
			case "request":
				return d.rawMsg(v, &e.Request)
			}
			return false
		})
		return e, ok
	default:
		var e AdapterReturned
		ok := d.object(0, func(k string, v int) bool {
			switch k {
			case "operation":
				return d.str(v, &e.Operation)
			case "result":
				return d.rawMsg(v, &e.Result)
			case "latency_ms":
				return d.float(v, &e.LatencyMS)
			case "error":
				if d.toks[v].kind != '{' {
					return false
				}
				var ae adapters.Error
				if json.Unmarshal(d.span(v), &ae) != nil {
					return false
				}
				e.Error = &ae
				return true
			case "http":
				if d.toks[v].kind != '[' {
					return false
				}
				e.HTTP = []HTTPExchange{}
				for j := v + 1; j < int(d.toks[v].close); j = d.next(j) {
					var h HTTPExchange
					if !d.exchange(j, &h) {
						return false
					}
					e.HTTP = append(e.HTTP, h)
				}
				return true
			}
			return false
		})
		return e, ok
	}
}

type traceDecoder struct{ tokenWalk }

// object calls member for each key and the index of its value's token.
func (d *traceDecoder) object(i int, member func(key string, value int) bool) bool {
	if d.toks[i].kind != '{' {
		return false
	}
	var seen [16]string // a repeated key goes to encoding/json
	n := 0
	for j := i + 1; j < int(d.toks[i].close); j = d.next(j + 1) {
		k, ok := d.view(d.toks[j])
		if !ok {
			return false
		}
		for _, s := range seen[:min(n, len(seen))] {
			if s == k {
				return false
			}
		}
		if n >= len(seen) {
			return false
		}
		seen[n] = k
		n++
		if !member(k, j+1) {
			return false
		}
	}
	return true
}

func (d *traceDecoder) span(i int) []byte {
	t := d.toks[i]
	end := t.end
	if t.kind == '{' || t.kind == '[' {
		end = d.toks[t.close].end
	}
	return d.tokenWalk.raw[t.start:end]
}

func (d *traceDecoder) str(i int, dst *string) bool {
	if d.toks[i].kind != 's' {
		return false
	}
	*dst = d.text(d.toks[i])
	return true
}

func (d *traceDecoder) rawMsg(i int, dst *json.RawMessage) bool {
	if d.toks[i].kind == 'l' && string(d.span(i)) == "null" {
		return false
	}
	*dst = append(json.RawMessage(nil), d.span(i)...)
	return true
}

func (d *traceDecoder) float(i int, dst *float64) bool {
	if d.toks[i].kind != 'n' {
		return false
	}
	f, err := strconv.ParseFloat(string(d.span(i)), 64)
	*dst = f
	return err == nil
}

func (d *traceDecoder) boolean(i int, dst *bool) bool {
	switch string(d.span(i)) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return false
	}
	return true
}

func (d *traceDecoder) headers(i int, dst *map[string][]string) bool {
	if d.toks[i].kind != '{' {
		return false
	}
	if *dst == nil {
		*dst = map[string][]string{}
	}
	return d.object(i, func(k string, v int) bool {
		if d.toks[v].kind != '[' {
			return false
		}
		vs := []string{}
		for j := v + 1; j < int(d.toks[v].close); j++ {
			if d.toks[j].kind != 's' {
				return false
			}
			vs = append(vs, d.text(d.toks[j]))
		}
		(*dst)[strings.Clone(k)] = vs // k is a view of the line
		return true
	})
}

func (d *traceDecoder) exchange(i int, h *HTTPExchange) bool {
	return d.object(i, func(k string, v int) bool {
		switch k {
		case "method":
			return d.str(v, &h.Method)
		case "url":
			return d.str(v, &h.URL)
		case "status":
			if d.toks[v].kind != 'n' {
				return false
			}
			n, err := strconv.ParseInt(string(d.span(v)), 10, strconv.IntSize)
			h.Status = int(n)
			return err == nil
		case "latency_ms":
			return d.float(v, &h.LatencyMS)
		case "request_body":
			return d.rawMsg(v, &h.Request)
		case "response_body":
			return d.rawMsg(v, &h.Response)
		case "request_body_text":
			return d.boolean(v, &h.RequestText)
		case "response_body_text":
			return d.boolean(v, &h.ResponseText)
		case "response_body_cut":
			return d.boolean(v, &h.ResponseCut)
		case "request_headers":
			return d.headers(v, &h.Headers)
		case "response_headers":
			return d.headers(v, &h.ResponseHeaders)
		case "error":
			return d.str(v, &h.Error)
		case "error_cause":
			return d.str(v, &h.ErrorCause)
		}
		return false
	})
}
