package kratos

// BREAKER finding (low, defence in depth): StartSocialSignIn returns
// Kratos's redirect_browser_to as it is, and the UIs hand it to
// ui.OpenInBrowser: exec.Command($BROWSER, url) or xdg-open/open. A Kratos
// that is not what it should be (a plain-http Kratos URL on a network, a
// proxy) can make the client open any scheme xdg-open knows (file:,
// smb:, a custom URL handler) or pass an option to $BROWSER (an address
// starting with "-"). Only http and https provider pages make sense.
//
// Fixed: only absolute http(s) addresses pass adapters.CheckBrowserURL.
// Failed at e06a090.

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestRedirectBrowserToSchemeChecked(t *testing.T) {
	created, err := os.ReadFile(filepath.Join(fixtureDir, "oidc/login_oidc_flow_created_200.json"))
	if err != nil {
		t.Fatal(err)
	}
	browserReq, err := os.ReadFile(filepath.Join(fixtureDir, "oidc/login_oidc_browser_required_422.json"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"redirect_browser_to": *"[^"]*"`)
	for _, evil := range []string{"file:///etc/passwd", "--new-instance", "smb://attacker.example/share", "javascript:alert(1)", "http:/no-host", "https://user:pw@provider.example/auth", "https://provider.example/a b", "HTTPS://provider.example/\\u0000", "vbscript:x", "data:text/html,x", "//provider.example/auth", "ms-settings:"} {
		body := re.ReplaceAll(browserReq, []byte(`"redirect_browser_to": "`+evil+`"`))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			switch {
			case r.Method == http.MethodGet && r.URL.Path == "/self-service/login/api":
				_, _ = w.Write(created)
			case r.Method == http.MethodPost && r.URL.Path == "/self-service/login":
				w.WriteHeader(http.StatusUnprocessableEntity)
				_, _ = w.Write(body)
			default:
				http.NotFound(w, r)
			}
		}))
		c, err := New(srv.URL, Options{})
		if err != nil {
			t.Fatal(err)
		}
		start, err := c.StartSocialSignIn(t.Context(), adapters.SocialSignInRequest{Provider: "hydra", ReturnTo: "http://127.0.0.1:4446/callback"})
		srv.Close()
		if err == nil {
			t.Errorf("redirect_browser_to %q accepted as the page to open: %q", evil, start.RedirectTo)
		} else if ae := adapters.AsError(err); ae.Class != adapters.ClassBadResponse || !strings.Contains(ae.Message, "redirect_browser_to") {
			t.Errorf("redirect_browser_to %q: error %+v, want a bad response that names redirect_browser_to", evil, ae)
		}
	}
}
