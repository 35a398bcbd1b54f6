package adapters_test

import (
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestCheckBrowserURL(t *testing.T) {
	for _, ok := range []string{"https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=y", "http://127.0.0.1:4444/oauth2/auth?x=1", "HTTPS://Provider.Example/"} {
		if err := adapters.CheckBrowserURL(ok); err != nil {
			t.Errorf("CheckBrowserURL(%q) = %v, want it opened", ok, err)
		}
	}
	for _, bad := range []string{"", "file:///etc/passwd", "--new-instance", "-a", "smb://attacker.example/share", "javascript:alert(1)",
		"data:text/html,x", "/relative", "//host/x", "http:/x", "http://", "https://u:p@host/", "https://host/a b", "https://host/\n", "ftp://host/"} {
		if err := adapters.CheckBrowserURL(bad); err == nil {
			t.Errorf("CheckBrowserURL(%q) accepted it", bad)
		}
	}
}
