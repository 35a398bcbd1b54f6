package events

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// The address a browser comes back to at the end of a social sign-in (the
// loopback callback, or what the user pastes) is read in one way by
// everyone: the state machine that takes its code and the recorder that
// redacts it use ParseCallback, so that no form of the address is taken by
// one and missed by the other.

// NotAnAddress replaces, in what is recorded, a callback address that
// does not parse: it may hold a code in any shape, and the machine refuses
// it anyway (ParseCallback fails on the marker too).
const NotAnAddress = "«redacted: not an address»"

// ErrNotAnAddress is ParseCallback's error for text that is not an
// address with a host.
var ErrNotAnAddress = errors.New("not an address")

// ParseCallback reads raw as the address a browser came back to: spaces
// around it are dropped and an address without its scheme
// ("127.0.0.1:4446/callback?code=…", "[::1]:4446/callback?…") is read as
// http. It fails on anything that is not an absolute address with a host
// (quoted or <…>-wrapped text, a bare code, an address with user
// information: a callback has none).
func ParseCallback(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, ErrNotAnAddress
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" || u.User != nil || !isHost(u) {
		return nil, ErrNotAnAddress
	}
	return u, nil
}

// hostRE is a DNS name: labels of letters, digits and hyphens.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// isHost says u's host is one a callback can have: an IP address, or a
// name with a dot, a port or "localhost" (a bare word, such as a code
// pasted alone, is not an address).
func isHost(u *url.URL) bool {
	h := u.Hostname()
	if net.ParseIP(h) != nil {
		return true
	}
	if !hostRE.MatchString(h) {
		return false
	}
	return strings.Contains(h, ".") || u.Port() != "" || strings.EqualFold(h, "localhost")
}

// publicCallbackKeys are the query parameters of a callback address that
// are not secrets: the flow Kratos sends the browser back with (account
// linking) and an OAuth error's words. Every other parameter (code, state,
// anything unknown) is redacted.
var publicCallbackKeys = map[string]bool{
	"flow": true, "error": true, "error_description": true, "error_hint": true,
	"error_reason": true, "error_debug": true, "error_uri": true,
	// Kratos adds no_org_ui=true to the return of a linking flow.
	"no_org_ui": true,
}

// RedactCallbackURL returns the callback address raw as it may be
// recorded: when it parses (ParseCallback), every query parameter but the
// known public ones has its value passed through r (so that a Redactor
// that learns, learns the code by value), a fragment and user
// information too; when it does not parse, NotAnAddress.
func RedactCallbackURL(raw string, r Redactor) string {
	if _, err := ParseCallback(raw); err != nil {
		return NotAnAddress
	}
	s := strings.TrimSpace(raw)
	head, query, hasQuery := strings.Cut(s, "?")
	frag := ""
	if hasQuery {
		if i := strings.IndexByte(query, '#'); i >= 0 {
			query, frag = query[:i], query[i+1:]
		}
	} else if i := strings.IndexByte(head, '#'); i >= 0 {
		head, frag = head[:i], head[i+1:]
	}
	out := head
	if hasQuery {
		parts := strings.Split(query, "&")
		for i, kv := range parts {
			if kv == "" {
				continue
			}
			k, v, hasV := strings.Cut(kv, "=")
			key, kerr := url.QueryUnescape(k)
			public := kerr == nil && publicCallbackKeys[key] && !strings.Contains(kv, ";")
			switch {
			case public:
			case !hasV:
				parts[i] = redactQueryValue(unescapeOr(kv), r)
			case v == "":
			default:
				parts[i] = k + "=" + redactQueryValue(unescapeOr(v), r)
			}
		}
		out += "?" + strings.Join(parts, "&")
	}
	if frag != "" {
		out += "#" + redactQueryValue(unescapeOr(frag), r)
	}
	return out
}

func unescapeOr(v string) string {
	if d, err := url.QueryUnescape(v); err == nil {
		return d
	}
	return v
}

// redactQueryValue is r(v), escaped for a query if the replacement needs
// it (a placeholder does not, and stays readable).
func redactQueryValue(v string, r Redactor) string {
	red := r(v)
	if strings.ContainsAny(red, "&#=+% ;") {
		red = url.QueryEscape(red)
	}
	return red
}
