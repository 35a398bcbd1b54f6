package kratos

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters/kratos/kratostest"
)

// updateSelfServiceFixtures makes the self-service integration tests write
// the real answers they meet into testdata/fixtures/kratos, redacted.
var updateSelfServiceFixtures = flag.Bool("update-selfservice-fixtures", false,
	"write the self-service answers of the real Kratos into testdata/fixtures/kratos")

// captures collects redacted answers of the real Kratos by fixture name.
type captures struct {
	mu      sync.Mutex
	bodies  map[string][]byte
	secrets []string // values that must not survive redaction
}

// selfServiceCaptures is shared by the self-service integration tests.
var selfServiceCaptures = &captures{bodies: map[string][]byte{}}

// secret registers a value that must never appear in a fixture.
func (c *captures) secret(values ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range values {
		if len(v) >= 6 {
			c.secrets = append(c.secrets, v)
		}
	}
}

// add redacts body and stores it as <name>_<status>; with
// -update-selfservice-fixtures it also writes the file.
func (c *captures) add(t *testing.T, name string, status int, body []byte) {
	t.Helper()
	out, err := kratostest.RedactFixture(body)
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	full := fmt.Sprintf("%s_%d", name, status)
	c.mu.Lock()
	c.bodies[full] = out
	c.mu.Unlock()
	if *updateSelfServiceFixtures {
		if err := os.WriteFile(filepath.Join(fixtureDir, full+".json"), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkLeaks fails when a captured fixture holds a registered secret.
func (c *captures) checkLeaks(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.bodies))
	for n := range c.bodies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, s := range c.secrets {
			if bytes.Contains(c.bodies[n], []byte(s)) {
				t.Errorf("fixture %s holds a secret after redaction", n)
			}
		}
	}
}

var fixtureUnredactedRe = regexp.MustCompile(`ory_st_[A-Za-z0-9]{20,}`)

// TestSelfServiceFixturesClean checks every self-service fixture in
// testdata: valid JSON and no unredacted token, secret or code.
func TestSelfServiceFixturesClean(t *testing.T) {
	matches, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range matches {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		if !json.Valid(b) {
			t.Errorf("%s is not valid JSON", name)
		}
		if fixtureUnredactedRe.Match(b) {
			t.Errorf("%s holds an unredacted session token", name)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			continue
		}
		checkRedacted(t, name, v)
	}
}

// checkRedacted fails for a secret-bearing field that is not REDACTED.
func checkRedacted(t *testing.T, name string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && (k == "secret" || k == "recovery_code" || k == "verification_code") &&
				s != "REDACTED" {
				t.Errorf("%s: %s is not redacted", name, k)
			}
			checkRedacted(t, name, e)
		}
		if id, _ := x["id"].(string); kratostest.IsSecretNode(id) {
			if txt, ok := x["text"].(map[string]any); ok && txt["text"] != "REDACTED" {
				t.Errorf("%s: node %s text is not redacted", name, id)
			}
		}
	case []any:
		for _, e := range x {
			checkRedacted(t, name, e)
		}
	}
}
