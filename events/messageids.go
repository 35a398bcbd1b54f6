package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// KratosMessageIDs finds Kratos's message ids (ui.messages[].id,
// ui.nodes[].messages[].id) and error ids (error.id) in a response body,
// in order, without repeats.
func KratosMessageIDs(body json.RawMessage) []string {
	if len(body) == 0 {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil
	}
	seen := map[string]bool{}
	var ids []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch t := v.(type) {
		case map[string]any:
			if key == "messages" || key == "error" {
				if id, ok := t["id"]; ok {
					s := fmt.Sprint(id)
					if !seen[s] {
						seen[s] = true
						ids = append(ids, s)
					}
				}
			}
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(k, t[k])
			}
		case []any:
			for _, x := range t {
				walk(key, x)
			}
		}
	}
	walk("", v)
	return ids
}
