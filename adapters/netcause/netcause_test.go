package netcause

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"testing"
)

func TestDescribe(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		ctx  context.Context
		err  error
		want string
	}{
		{context.Background(), &url.Error{Op: "Get", URL: "http://x", Err: syscall.ECONNREFUSED}, "connection refused"},
		{context.Background(), fmt.Errorf("read: %w", syscall.ECONNRESET), "connection reset by the server"},
		{context.Background(), context.DeadlineExceeded, "timed out waiting for an answer"},
		{cancelled, errors.New("whatever"), "the request was cancelled"},
		{context.Background(), &net.DNSError{Name: "nowhere.invalid", IsNotFound: true}, `host "nowhere.invalid" not found`},
		{context.Background(), io.ErrUnexpectedEOF, "the connection closed before an answer"},
		{context.Background(), &url.Error{Op: "Get", URL: "http://x", Err: errors.New("odd")}, "odd"},
	} {
		if got := Describe(c.ctx, c.err); got != c.want {
			t.Errorf("Describe(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
