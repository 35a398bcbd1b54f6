package kratos

import (
	"context"
	"errors"
	"net/http"
	"syscall"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// retryBackoff are the waits before each retry of an idempotent GET (flow
// creation, whoami): two retries, 50 and 150 ms. Only a refused or reset
// connection or a 5xx answer is retried; a timeout is not (the user has
// waited long enough), and no POST or DELETE ever is: a password submit or
// a logout is sent exactly once.
var retryBackoff = []time.Duration{50 * time.Millisecond, 150 * time.Millisecond}

// callIdempotent is call for requests that are safe to repeat.
func (c *Client) callIdempotent(ctx context.Context, send sendFunc) (*exchange, *adapters.Error) {
	for attempt := 0; ; attempt++ {
		var transportErr error
		x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
			resp, err := send(ctx)
			if resp == nil {
				transportErr = err
			}
			return resp, err
		})
		if attempt >= len(retryBackoff) || !retryable(x, transportErr) {
			return x, aerr
		}
		t := time.NewTimer(retryBackoff[attempt])
		select {
		case <-ctx.Done():
			t.Stop()
			return x, aerr
		case <-t.C:
		}
	}
}

// retryable reports whether a GET that ended with x or transportErr may be
// sent again.
func retryable(x *exchange, transportErr error) bool {
	if x != nil {
		return x.status >= 500 && x.status <= 599
	}
	return errors.Is(transportErr, syscall.ECONNREFUSED) || errors.Is(transportErr, syscall.ECONNRESET)
}
