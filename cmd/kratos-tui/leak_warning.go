package main

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// warnPlainHTTP warns on stderr when raw is a plain http:// URL to a host
// that is not the loopback: passwords and session tokens would cross the
// network unencrypted. what names the setting. Loopback (127.0.0.0/8, ::1,
// localhost) is the local development setup and gets no warning.
func warnPlainHTTP(stderr io.Writer, what, raw string) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || isLoopback(u.Hostname()) {
		return
	}
	fmt.Fprintf(stderr, "kratos-tui: warning: %s %s uses plain http:// to a host that is not this machine: "+
		"passwords and session tokens will cross the network unencrypted; use https://\n", what, u.Redacted())
}

// isLoopback reports whether host names this machine's loopback.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
