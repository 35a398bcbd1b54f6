package kratos

import (
	"fmt"
	"io"
	"net/http"
)

// maxBodyBytes bounds a response body. Kratos flows are a few kilobytes;
// anything near this size is not what the API promises.
const maxBodyBytes = 4 << 20

// errBodyTooLarge is returned while reading a body that exceeds maxBodyBytes.
var errBodyTooLarge = fmt.Errorf("response body exceeds %d bytes", maxBodyBytes)

// guardTransport removes the headers native flows must never send and
// bounds the size of response bodies.
type guardTransport struct {
	base    http.RoundTripper
	maxBody int64
}

// RoundTrip implements http.RoundTripper.
func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Cookie") != "" || req.Header.Get("Origin") != "" {
		req = req.Clone(req.Context())
		req.Header.Del("Cookie")
		req.Header.Del("Origin")
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp == nil || resp.Body == nil {
		return resp, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.maxBody}
	return resp, nil
}

// limitedBody fails with errBodyTooLarge once more than its limit is read.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

// Read implements io.Reader.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errBodyTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, errBodyTooLarge
	}
	return n, err
}

// Close implements io.Closer.
func (b *limitedBody) Close() error { return b.rc.Close() }
