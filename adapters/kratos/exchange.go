package kratos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/netcause"
)

// exchange is one complete HTTP answer from Kratos.
type exchange struct {
	status      int
	contentType string
	body        []byte
}

// sendFunc performs one client-go call and returns its raw response.
type sendFunc func(ctx context.Context) (*http.Response, error)

// call runs send under the per-call timeout and returns Kratos's answer,
// whatever its status, or an *adapters.Error when no complete answer arrived.
func (c *Client) call(ctx context.Context, send sendFunc) (*exchange, *adapters.Error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	// sent tells "reached but slow" from "cannot reach": the request was
	// written to a connection.
	var sent atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				sent.Store(true)
			}
		},
	})
	ctx, sink := withSink(ctx)
	resp, err := send(ctx)
	if resp == nil {
		if err == nil {
			return nil, &adapters.Error{Class: adapters.ClassInternal,
				Message: "kratos: no response and no error from client-go"}
		}
		// The context's deadline, or the error's (a replay serves a
		// recorded timeout as an error wrapping context.DeadlineExceeded,
		// its context untouched).
		if sent.Load() && (errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)) {
			return nil, c.slow()
		}
		// The context's own state, or the error's (a replay serves a
		// recorded cancel as an error wrapping context.Canceled, its
		// context untouched): the same message either way.
		if errors.Is(ctx.Err(), context.Canceled) || errors.Is(err, context.Canceled) {
			return nil, &adapters.Error{Class: adapters.ClassUnavailable,
				Message: "The request was cancelled before Kratos answered"}
		}
		return nil, c.transportError(ctx, err)
	}
	// client-go has already read the body (into the sink, transport.go)
	// and replaced it with a buffer; a raw request (postJSON) has not.
	body, rerr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if sink.read {
		body, rerr = sink.body, sink.err
	}
	var apiErr *ory.GenericOpenAPIError
	if err != nil && !errors.As(err, &apiErr) {
		// The body could not be read completely.
		return nil, c.readError(ctx, resp.StatusCode, err)
	}
	if rerr != nil {
		return nil, c.readError(ctx, resp.StatusCode, rerr)
	}
	return &exchange{
		status:      resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"),
		body:        body,
	}, nil
}

// slow builds the error for a request Kratos received but did not answer
// within the timeout. It names the timeout, not the time measured, so that
// a replay of the call says the same.
func (c *Client) slow() *adapters.Error {
	return &adapters.Error{
		Class: adapters.ClassUnavailable,
		Message: fmt.Sprintf("Kratos at %s was reached but has not answered (timed out after %s, the --timeout). "+
			"It may just be slow (a password breach check without internet takes 15 s or more): "+
			"try again, or allow longer with --timeout (e.g. --timeout %s).",
			c.baseURL, c.timeout, max(3*c.timeout, 30*time.Second)),
	}
}

// unreachable builds the ClassUnavailable error for a failed exchange.
func (c *Client) unreachable(cause string) *adapters.Error {
	return &adapters.Error{
		Class:   adapters.ClassUnavailable,
		Message: fmt.Sprintf("cannot reach Kratos at %s: %s", c.baseURL, cause),
	}
}

// transportError classifies a failure to get any response.
func (c *Client) transportError(ctx context.Context, err error) *adapters.Error {
	var apiErr *ory.GenericOpenAPIError
	if errors.As(err, &apiErr) {
		// client-go failed before sending (e.g. while building the request).
		return &adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("kratos: cannot build the request: %s", apiErr.Error())}
	}
	return c.unreachable(netcause.Describe(ctx, err))
}

// readError classifies a failure while reading a response body.
func (c *Client) readError(ctx context.Context, status int, err error) *adapters.Error {
	switch {
	case errors.Is(err, errBodyTooLarge):
		return &adapters.Error{Class: adapters.ClassBadResponse, Status: status,
			Message: fmt.Sprintf("Kratos at %s answered HTTP %d with a body larger than %d bytes",
				c.baseURL, status, maxBodyBytes)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &adapters.Error{Class: adapters.ClassBadResponse, Status: status,
			Message: fmt.Sprintf("Kratos at %s answered HTTP %d but the body was cut short",
				c.baseURL, status)}
	}
	e := c.unreachable(netcause.Describe(ctx, err) + " while reading the answer")
	e.Status = status
	return e
}
