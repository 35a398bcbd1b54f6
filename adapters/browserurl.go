package adapters

import (
	"fmt"
	"net/url"
	"strings"
)

// CheckBrowserURL says whether u may be opened in the user's browser: only
// an absolute http or https address with a host, with no user
// information, spaces or control characters. Anything else (file:, smb:,
// javascript:, a custom scheme's handler, text starting with "-" that a
// browser would read as an option) is refused with an error that says
// so: the address comes from a server (Kratos's redirect_browser_to), and
// a provider's sign-in page is always a web page.
func CheckBrowserURL(u string) error {
	if u == "" {
		return fmt.Errorf("no address to open in the browser")
	}
	if strings.IndexFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return fmt.Errorf("will not open %q in the browser: it holds spaces or control characters", u)
	}
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("will not open %q in the browser: it is not an address (%v)", u, err)
	}
	if s := strings.ToLower(p.Scheme); s != "http" && s != "https" {
		return fmt.Errorf("will not open %q in the browser: only http and https pages are opened, not %q", u, p.Scheme+":")
	}
	if p.Host == "" || p.Opaque != "" {
		return fmt.Errorf("will not open %q in the browser: it names no host", u)
	}
	if p.User != nil {
		return fmt.Errorf("will not open %q in the browser: it holds a user name or password", u)
	}
	return nil
}
