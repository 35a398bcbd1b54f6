package kratos

import (
	"context"
	"net/http"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// A 2xx with a body at logout is not Kratos (which answers 204 with none):
// the session was not revoked, so Logout must fail rather than let the
// caller delete the token and tell the user they are signed out.
func TestLogoutWithABodyIsNotASignOut(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"html 200": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>Welcome to the hotel Wi-Fi</html>"))
		},
		"garbage json 200": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("\x00{{{"))
		},
	} {
		srv := fakeServer(t, h)
		c := newTestClient(t, srv.URL, Options{})
		ae := wantClass(t, c.Logout(context.Background(), "ory_st_x"), adapters.ClassBadResponse)
		if ae.Status != http.StatusOK {
			t.Errorf("%s: status %d", name, ae.Status)
		}
	}
	// 204, and a 200 with no body, are still a sign-out.
	for _, status := range []int{http.StatusNoContent, http.StatusOK} {
		srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) })
		if err := newTestClient(t, srv.URL, Options{}).Logout(context.Background(), "ory_st_x"); err != nil {
			t.Errorf("%d: %v", status, err)
		}
	}
}
