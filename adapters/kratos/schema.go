package kratos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// TraitTypes reads the identity schemas from Kratos's public API (GET
// /schemas) and returns the trait types of the one named id ("" or an
// unknown id: "default", else the only one), by node name
// ("traits.address.city"). Kratos's ui.nodes do not tell an integer from a
// number, nor show an enum's values: the schema does.
func (c *Client) TraitTypes(ctx context.Context, id string) (map[string]adapters.TraitType, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+"/schemas?per_page=250", nil)
	if err != nil {
		return nil, fmt.Errorf("kratos: identity schemas: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("kratos: identity schemas: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("kratos: identity schemas: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("kratos: identity schemas: GET /schemas answered %d", resp.StatusCode)
	}
	var list []struct {
		ID     string          `json:"id"`
		Schema json.RawMessage `json:"schema"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("kratos: identity schemas: not the list Kratos sends: %w", err)
	}
	pick := -1
	for i, s := range list {
		if s.ID == id && id != "" {
			pick = i
			break
		}
		if s.ID == "default" && pick < 0 {
			pick = i
		}
	}
	if pick < 0 && len(list) == 1 {
		pick = 0
	}
	if pick < 0 {
		ids := make([]string, len(list))
		for i, s := range list {
			ids[i] = s.ID
		}
		sort.Strings(ids)
		return nil, fmt.Errorf("kratos: identity schemas: none named %q among %v", id, ids)
	}
	return SchemaTraitTypes(list[pick].Schema)
}

// schemaNode is the part of a JSON schema the trait types come from.
type schemaNode struct {
	Type       any                    `json:"type"`
	Enum       []any                  `json:"enum"`
	Properties map[string]*schemaNode `json:"properties"`
}

// SchemaTraitTypes returns the types of the traits of an identity schema,
// by node name; nested objects give dotted names.
func SchemaTraitTypes(schema []byte) (map[string]adapters.TraitType, error) {
	var root schemaNode
	if err := json.Unmarshal(schema, &root); err != nil {
		return nil, fmt.Errorf("kratos: identity schema: %w", err)
	}
	traits := root.Properties["traits"]
	if traits == nil {
		return nil, fmt.Errorf("kratos: identity schema has no traits")
	}
	out := map[string]adapters.TraitType{}
	var walk func(prefix string, n *schemaNode)
	walk = func(prefix string, n *schemaNode) {
		for name, p := range n.Properties {
			if p == nil {
				continue
			}
			path := prefix + "." + name
			t := typeName(p.Type)
			if t == "object" || (t == "" && p.Properties != nil) {
				walk(path, p)
				continue
			}
			out[path] = adapters.TraitType{Type: t, Enum: p.Enum}
		}
	}
	walk("traits", traits)
	return out, nil
}

// typeName is a schema's type: the first that is not "null" of a list.
func typeName(t any) string {
	switch x := t.(type) {
	case string:
		return x
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok && s != "null" {
				return s
			}
		}
	}
	return ""
}
