package kratos

import (
	"context"
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
	var body io.ReadCloser = &limitedBody{rc: resp.Body, left: t.maxBody}
	if sink, ok := req.Context().Value(sinkKey{}).(*bodySink); ok {
		body = &sinkBody{rc: body, sink: sink}
	}
	resp.Body = body
	return resp, nil
}

// The adapter decodes every answer from its raw body (responses.go,
// convert.go); client-go's Execute would decode it too, into its generated
// models (whose nested UnmarshalJSON parses each level several times: most
// of a call's CPU), only to have the result thrown away. So, for a call
// made through Client.call, the body is read whole into a bodySink the
// call passes in its context, and client-go reads an empty body, which it
// does not decode. The bytes, and any error while reading them (cut short,
// too large, timed out), are those client-go would have read: the reading
// happens at the same moment, inside client-go's read of the body, and a
// read error reaches client-go unchanged. The request, and so the HTTP
// wire (and the exchange the recording transport below keeps), is
// unchanged.

// sinkKey is the context key of a call's bodySink.
type sinkKey struct{}

// bodySink receives the body of a call's answer.
type bodySink struct {
	// read: the body was read (to its end, or to an error).
	read bool
	body []byte
	err  error
}

// withSink returns ctx carrying a fresh bodySink.
func withSink(ctx context.Context) (context.Context, *bodySink) {
	s := &bodySink{}
	return context.WithValue(ctx, sinkKey{}, s), s
}

// sinkBody is a response body whose first Read reads the whole body into
// its sink and returns no bytes, with the error of that read (io.EOF when
// none).
type sinkBody struct {
	rc   io.ReadCloser
	sink *bodySink
}

// Read implements io.Reader.
func (b *sinkBody) Read([]byte) (int, error) {
	if !b.sink.read {
		b.sink.read = true
		b.sink.body, b.sink.err = io.ReadAll(b.rc)
	}
	if b.sink.err != nil {
		return 0, b.sink.err
	}
	return 0, io.EOF
}

// Close implements io.Closer.
func (b *sinkBody) Close() error { return b.rc.Close() }

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
