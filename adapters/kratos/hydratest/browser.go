package hydratest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"time"
)

// Browser stands in for the user's web browser: an HTTP client with a
// cookie jar that follows every redirect (Kratos → Hydra → the login and
// consent handler → Hydra → Kratos → the client's loopback callback), as a
// browser does. Its cookies persist between Opens, as a browser's do.
type Browser struct {
	client *http.Client
	// Visited are the URLs requested by the last Open, in order.
	Visited []string
}

// NewBrowser returns a browser with an empty cookie jar.
func NewBrowser() *Browser {
	jar, _ := cookiejar.New(nil)
	b := &Browser{}
	b.client = &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 20 {
				return errors.New("stopped after 20 redirects")
			}
			b.Visited = append(b.Visited, req.URL.String())
			return nil
		},
	}
	return b
}

// Page is where a browser ended.
type Page struct {
	// URL is the address the browser ended at: the last page, or the
	// address it could not load (a loopback callback no one listens on:
	// what a user sees in the address bar and can paste).
	URL string
	// Status is the last page's HTTP status; 0 when it could not load.
	Status int
	// Body is the start of the last page.
	Body string
	// Err says why the last address could not load, if it could not.
	Err error
}

// Open loads u and follows its redirects.
func (b *Browser) Open(ctx context.Context, u string) Page {
	b.Visited = []string{u}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Page{URL: u, Err: err}
	}
	resp, err := b.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return Page{URL: ue.URL, Err: fmt.Errorf("load %s: %w", ue.URL, ue.Err)}
		}
		return Page{URL: b.Visited[len(b.Visited)-1], Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return Page{URL: resp.Request.URL.String(), Status: resp.StatusCode, Body: string(body)}
}
