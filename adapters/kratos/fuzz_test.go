package kratos

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// knownClasses are the classes the error mapping may return.
var knownClasses = map[adapters.Class]bool{
	adapters.ClassValidation: true, adapters.ClassUnauthorized: true, adapters.ClassSessionAlreadyAvailable: true,
	adapters.ClassAAL2Required: true, adapters.ClassAAL1Required: true, adapters.ClassRefreshRequired: true,
	adapters.ClassFlowExpired: true, adapters.ClassFlowReplaced: true, adapters.ClassFlowNotFound: true,
	adapters.ClassForbidden: true, adapters.ClassBrowserRequired: true, adapters.ClassUnavailable: true,
	adapters.ClassBadResponse: true, adapters.ClassInternal: true,
}

// FuzzClassify feeds arbitrary answers (status, content type, body; seeded
// with every Kratos response captured in testdata/fixtures/kratos) to the
// decoders and the error mapping of every operation: no panic; an error is
// an *adapters.Error of a known class with a message; a decoded flow or
// session is not nil.
func FuzzClassify(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "fixtures", "kratos", "*.json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(p), ".json")
		status, _ := strconv.Atoi(base[strings.LastIndex(base, "_")+1:])
		f.Add(uint16(status), "application/json; charset=utf-8", b)
	}
	f.Add(uint16(502), "text/html", []byte("<html>bad gateway</html>"))
	f.Add(uint16(400), "application/problem+json", []byte(`{"id":"x","ui":{"nodes":null}}`))
	c, err := New("http://127.0.0.1:4433", Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status uint16, contentType string, body []byte) {
		x := &exchange{status: int(status), contentType: contentType, body: body}
		check := func(what string, e *adapters.Error) {
			if e == nil {
				return
			}
			if !knownClasses[e.Class] || strings.TrimSpace(e.Message) == "" {
				t.Fatalf("%s: unclear error %+v", what, e)
			}
			if e.Class == adapters.ClassValidation && e.Flow == nil {
				t.Fatalf("%s: validation error without its flow", what)
			}
		}
		if status >= 300 || status < 200 {
			for _, op := range []operation{opCreateFlow, opSubmit, opWhoami, opLogout} {
				e := c.errorFrom(op, x)
				if e == nil {
					t.Fatalf("errorFrom(%d) returned nil for status %d", op, status)
				}
				check("errorFrom", e)
			}
			return
		}
		flow, e := c.decodeFlow(x)
		check("decodeFlow", e)
		if e == nil && flow == nil {
			t.Fatal("decodeFlow: no flow, no error")
		}
		s, e := c.decodeLogin(x)
		check("decodeLogin", e)
		if e == nil && s == nil {
			t.Fatal("decodeLogin: no session, no error")
		}
		s, e = c.decodeRegistration(x)
		check("decodeRegistration", e)
		if e == nil && s == nil {
			t.Fatal("decodeRegistration: no session, no error")
		}
		s, e = c.decodeSession(x, "ory_st_fuzz")
		check("decodeSession", e)
		if e == nil && s == nil {
			t.Fatal("decodeSession: no session, no error")
		}
	})
}
