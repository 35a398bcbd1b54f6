package kratos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// DefaultTimeout bounds each HTTP call to Kratos when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// userAgent is sent with every request.
const userAgent = "kratos-tui"

// Options configures a Client. The zero value is usable.
type Options struct {
	// HTTPClient is the client to send requests with. It is copied; its
	// cookie jar is dropped. Nil means a fresh client.
	HTTPClient *http.Client
	// Transport, when set, carries every request (for example a recording
	// transport that wraps http.DefaultTransport). It takes precedence over
	// HTTPClient.Transport.
	Transport http.RoundTripper
	// Timeout bounds each HTTP call (DefaultTimeout when zero). A call that
	// continues an expired flow makes two HTTP calls, each with its own
	// timeout.
	Timeout time.Duration
}

// Client talks to the Kratos public API with native flows. It implements
// adapters.Kratos and adapters.SessionSource and is safe for concurrent use.
type Client struct {
	baseURL string
	timeout time.Duration
	api     ory.FrontendAPI
	http    *http.Client // the client client-go uses, for raw requests
}

var (
	_ adapters.Kratos        = (*Client)(nil)
	_ adapters.SessionSource = (*Client)(nil)
)

// New returns a Client for the Kratos public API at publicURL, an absolute
// http or https URL with a host (a trailing slash is tolerated).
func New(publicURL string, opts Options) (*Client, error) {
	base, err := normalizeURL(publicURL)
	if err != nil {
		return nil, fmt.Errorf("kratos: invalid public URL: %w", err)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("kratos: negative timeout %s", opts.Timeout)
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	cfg := ory.NewConfiguration()
	cfg.Servers = ory.ServerConfigurations{{URL: base}}
	cfg.UserAgent = userAgent
	cfg.HTTPClient = buildHTTPClient(opts)
	return &Client{
		baseURL: base,
		timeout: timeout,
		api:     ory.NewAPIClient(cfg).FrontendAPI,
		http:    cfg.HTTPClient,
	}, nil
}

// URL returns the Kratos public URL the client talks to, without a trailing
// slash.
func (c *Client) URL() string { return c.baseURL }

// normalizeURL checks that raw is an absolute http(s) URL with a host and
// no credentials, query or fragment, and strips trailing slashes.
func normalizeURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("empty URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the URL, which may hold a secret.
		return "", errors.New("cannot parse the URL: want an absolute http or https URL like http://127.0.0.1:4433")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%q: scheme must be http or https", adapters.ShownURL(u))
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("%q: missing host", adapters.ShownURL(u))
	}
	if u.User != nil {
		return "", fmt.Errorf("%q: the URL must not contain credentials (user:password@): they would be in the command line and the recording; Kratos's public API needs none", adapters.ShownURL(u))
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("%q: must not have a query or fragment", adapters.ShownURL(u))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// buildHTTPClient returns a client without a cookie jar whose transport
// strips Cookie and Origin headers and bounds response bodies.
func buildHTTPClient(opts Options) *http.Client {
	var hc http.Client
	if opts.HTTPClient != nil {
		hc = *opts.HTTPClient
	}
	hc.Jar = nil
	base := opts.Transport
	if base == nil {
		base = hc.Transport
	}
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &guardTransport{base: base, maxBody: maxBodyBytes}
	return &hc
}

// callContext derives the per-call context with the client's timeout.
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}

// CheckURL reports whether raw is a usable Kratos public URL (an absolute
// http(s) URL with a host and no credentials, query or fragment), with
// the error NewClient would give.
func CheckURL(raw string) error {
	_, err := normalizeURL(raw)
	return err
}
