// Package netcause describes why an HTTP request got no answer, in the
// plain words the adapters put in their error messages.
package netcause

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
)

// Describe says in plain words why an HTTP request got no answer
// (connection refused, timed out, host not found...), without the request
// URL, which the caller names itself.
func Describe(ctx context.Context, err error) string {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
		recErr  tls.RecordHeaderError
		netErr  net.Error
	)
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return "the request was cancelled"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "timed out waiting for an answer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("host %q not found", dnsErr.Name)
		}
		return fmt.Sprintf("DNS lookup of %q failed", dnsErr.Name)
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &hostErr):
		return "its TLS certificate is not trusted"
	case errors.As(err, &recErr):
		return "the server does not speak TLS"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out waiting for an answer"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed before an answer"
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err.Error()
	}
	return err.Error()
}
