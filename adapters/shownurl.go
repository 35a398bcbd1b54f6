package adapters

import (
	"net/url"
	"strings"
)

// ShownURL is u as error messages show it: without its credentials, query,
// fragment and opaque part, which may hold secrets (a password, an
// api_key), each marked by an ellipsis where it was.
func ShownURL(u *url.URL) string {
	c := *u
	if c.Opaque != "" {
		// "user:password@host" parses as scheme "user" and an opaque
		// rest: nothing of it is shown.
		c.Opaque = "…"
	}
	c.User, c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = nil, "", false, "", ""
	s := c.String()
	if u.User != nil {
		s = strings.Replace(s, "://", "://…@", 1)
	}
	if u.RawQuery != "" || u.ForceQuery {
		s += "?…"
	}
	if u.Fragment != "" {
		s += "#…"
	}
	return s
}
