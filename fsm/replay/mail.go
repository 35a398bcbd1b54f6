package replay

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

// MailSource reads e-mailed one-time codes for a live re-run.
type MailSource interface {
	// Code returns the one-time code of the newest message to recipient
	// that was sent after since and not used before, waiting until one
	// arrives or ctx ends.
	Code(ctx context.Context, recipient string, since time.Time) (string, error)
}

// CourierAPI reads messages from Kratos's admin courier API
// (GET /admin/courier/messages?recipient=...). Kratos keeps the message
// bodies, which hold the codes, whatever its delivery strategy.
type CourierAPI struct {
	// AdminURL is Kratos's admin API, e.g. http://127.0.0.1:4434.
	AdminURL string
	// HTTP is the client to use; a client with a 10 s timeout when nil.
	HTTP *http.Client
	// Wait bounds how long Code waits for a message; 30 s when zero.
	Wait time.Duration

	mu   sync.Mutex
	used map[string]bool
}

// codeRE finds a one-time code in a message body: Kratos's codes are six
// digits.
var codeRE = regexp.MustCompile(`\b[0-9]{6}\b`)

// Code implements MailSource. It polls every 100 ms.
func (c *CourierAPI) Code(ctx context.Context, recipient string, since time.Time) (string, error) {
	wait := c.Wait
	if wait == 0 {
		wait = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		code, err := c.newest(ctx, recipient, since)
		if err == nil && code != "" {
			return code, nil
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr != nil {
				return "", fmt.Errorf("no message with a code for %s within %s: %w", recipient, wait, lastErr)
			}
			return "", fmt.Errorf("no message with a code for %s within %s (courier API %s)", recipient, wait, c.AdminURL)
		case <-tick.C:
		}
	}
}

type courierMessage struct {
	ID        string    `json:"id"`
	Recipient string    `json:"recipient"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func (c *CourierAPI) newest(ctx context.Context, recipient string, since time.Time) (string, error) {
	u := strings.TrimSuffix(c.AdminURL, "/") + "/admin/courier/messages?recipient=" + url.QueryEscape(recipient)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("courier API: %w", err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("courier API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("courier API %s answered HTTP %d", u, resp.StatusCode)
	}
	var msgs []courierMessage
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		return "", fmt.Errorf("courier API: not a list of messages: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.used == nil {
		c.used = map[string]bool{}
	}
	var best *courierMessage
	for i := range msgs {
		m := &msgs[i]
		// A second of slack for clocks that differ a little.
		if c.used[m.ID] || m.CreatedAt.Before(since.Add(-time.Second)) || !codeRE.MatchString(m.Body) {
			continue
		}
		if best == nil || m.CreatedAt.After(best.CreatedAt) {
			best = m
		}
	}
	if best == nil {
		return "", nil
	}
	c.used[best.ID] = true
	return codeRE.FindString(best.Body), nil
}
