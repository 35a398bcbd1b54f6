package kratos

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// TestAServerThatIsNotKratosSaysSo: a URL that answers with a web page is
// called out as not Kratos, with what to check (issue 11, item 9).
func TestAServerThatIsNotKratosSaysSo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>welcome</html>"))
	}))
	defer srv.Close()
	c, err := New(srv.URL, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateLoginFlow(context.Background())
	ae := adapters.AsError(err)
	if ae.Class != adapters.ClassBadResponse || !strings.Contains(ae.Message, "does not look like Kratos") || !strings.Contains(ae.Message, "KRATOS_API") {
		t.Fatalf("got %#v", ae)
	}
}
