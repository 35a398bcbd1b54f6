package httplog

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// The kinds of transport failure a recording names, so that replay gives
// the adapter an error it classifies the same way (see adapters/netcause).
const (
	CauseCanceled = "canceled"
	CauseTimeout  = "timeout"
	// CauseTimeoutAfterRequest: the request was written, and no answer
	// came in time (CauseTimeout: no connection in time).
	CauseTimeoutAfterRequest = "timeout_after_request"
	CauseRefused             = "connection_refused"
	CauseReset               = "connection_reset"
	CauseHostUnreach         = "host_unreachable"
	CauseNetUnreach          = "network_unreachable"
	CauseDNSNotFound         = "dns_not_found"
	CauseEOF                 = "eof"
	CauseUnexpectedEOF       = "unexpected_eof"
	CauseOther               = "other"
)

// Cause names the kind of a transport failure.
func Cause(ctx context.Context, err error) string {
	var (
		dnsErr *net.DNSError
		netErr net.Error
	)
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return CauseCanceled
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return CauseTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return CauseRefused
	case errors.Is(err, syscall.ECONNRESET):
		return CauseReset
	case errors.Is(err, syscall.EHOSTUNREACH):
		return CauseHostUnreach
	case errors.Is(err, syscall.ENETUNREACH):
		return CauseNetUnreach
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return CauseDNSNotFound
	case errors.As(err, &netErr) && netErr.Timeout():
		return CauseTimeout
	case errors.Is(err, io.ErrUnexpectedEOF):
		return CauseUnexpectedEOF
	case errors.Is(err, io.EOF):
		return CauseEOF
	}
	return CauseOther
}

// ErrorFor rebuilds a transport failure of the recorded kind, carrying
// the recorded message, for replay.
func ErrorFor(cause, message string) error {
	op := func(errno error) error { return &wrapped{msg: message, err: errno} }
	switch cause {
	case CauseCanceled:
		return &wrapped{msg: message, err: context.Canceled}
	case CauseTimeout, CauseTimeoutAfterRequest:
		return &wrapped{msg: message, err: context.DeadlineExceeded}
	case CauseRefused:
		return op(syscall.ECONNREFUSED)
	case CauseReset:
		return op(syscall.ECONNRESET)
	case CauseHostUnreach:
		return op(syscall.EHOSTUNREACH)
	case CauseNetUnreach:
		return op(syscall.ENETUNREACH)
	case CauseDNSNotFound:
		return &net.DNSError{Err: "no such host", Name: dnsName(message), IsNotFound: true}
	case CauseEOF:
		return &wrapped{msg: message, err: io.EOF}
	case CauseUnexpectedEOF:
		return &wrapped{msg: message, err: io.ErrUnexpectedEOF}
	}
	return errors.New(message)
}

// wrapped is an error of a given kind with the recorded text.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// dnsName finds the host name in a recorded "lookup NAME ..." message.
func dnsName(message string) string {
	const p = "lookup "
	for i := 0; i+len(p) <= len(message); i++ {
		if message[i:i+len(p)] == p {
			rest := message[i+len(p):]
			for j := 0; j < len(rest); j++ {
				if rest[j] == ' ' || rest[j] == ':' {
					return rest[:j]
				}
			}
			return rest
		}
	}
	return ""
}
