// Package backend is the client of the project's backend. It implements
// adapters.SessionSource by asking the backend's whoami endpoint who the
// session token belongs to.
package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/netcause"
)

// MaxBodyBytes bounds how much of a response body the client reads.
const MaxBodyBytes = 1 << 20

// DefaultTimeout bounds a whole request when New is given no http.Client.
const DefaultTimeout = 30 * time.Second

// tokenHeader is the request header that carries the session token. It is
// written into the header map directly, under exactly this spelling.
const tokenHeader = "Session_token"

// Client asks the backend who is signed in. It is safe for concurrent use.
type Client struct {
	base   string // base URL for messages, credentials redacted
	whoami string // absolute URL of the whoami endpoint
	http   *http.Client
}

var _ adapters.SessionSource = (*Client)(nil)

// New returns a client for the backend at baseURL, which must be an
// absolute http or https URL with a host and without a query or fragment;
// a path prefix such as "https://api.example.com/v1" is kept.
//
// Requests go through a copy of httpClient (a client with DefaultTimeout
// when nil) that does not follow redirects, so the session token is never
// sent to a URL other than the configured one.
func New(baseURL string, httpClient *http.Client) (*Client, error) {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Timeout: DefaultTimeout}
	if httpClient != nil {
		copied := *httpClient
		hc = &copied
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return &Client{
		base:   strings.TrimSuffix(u.Redacted(), "/"),
		whoami: u.JoinPath("whoami").String(),
		http:   hc,
	}, nil
}

// parseBaseURL checks that raw is a usable backend base URL.
func parseBaseURL(raw string) (*url.URL, error) {
	const want = "want an absolute http or https URL with a host, like http://127.0.0.1:4000"
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("backend URL is empty; %s", want)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the URL, which may hold a secret.
		return nil, fmt.Errorf("backend URL is not valid: %s", want)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("backend URL %q has scheme %q; %s", adapters.ShownURL(u), u.Scheme, want)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("backend URL %q has no host; %s", adapters.ShownURL(u), want)
	case u.User != nil:
		return nil, fmt.Errorf("backend URL %q contains credentials (user:password@); they would be in the command line, the log and the recording, and sent to the backend as basic auth: the backend authenticates the session token, so give the URL without them, like http://127.0.0.1:4000", adapters.ShownURL(u))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("backend URL %q has a query or fragment; %s", adapters.ShownURL(u), want)
	}
	return u, nil
}

// CheckURL reports whether raw is a usable backend base URL, with the
// error New would give.
func CheckURL(raw string) error {
	_, err := parseBaseURL(raw)
	return err
}

// BaseURL returns the backend's base URL as used in messages, with any
// password redacted and without a trailing slash.
func (c *Client) BaseURL() string {
	return c.base
}

// CurrentSession asks the backend's whoami endpoint for the session of
// token. Failures are *adapters.Error values: ClassUnauthorized for an
// invalid token (401), ClassForbidden or ClassAAL2Required for a 403,
// ClassUnavailable when the backend cannot be reached, times out or
// answers 5xx, and ClassBadResponse for an answer that is not what the
// API promises. No message ever contains the token.
func (c *Client) CurrentSession(ctx context.Context, token string) (*adapters.Session, error) {
	if token == "" {
		return nil, &adapters.Error{Class: adapters.ClassUnauthorized,
			Message: "You are not signed in. Please sign in."}
	}
	if !validHeaderValue(token) {
		return nil, &adapters.Error{Class: adapters.ClassUnauthorized,
			Message: "The stored session token is malformed. Please sign in."}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.whoami, nil)
	if err != nil {
		return nil, c.fail(&adapters.Error{Class: adapters.ClassInternal,
			Message: fmt.Sprintf("backend: cannot build the whoami request: %v", err)}, token)
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header[tokenHeader] = []string{token}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.fail(c.unreachable(netcause.Describe(ctx, err)), token)
	}
	body, err := readBody(resp.Body)
	if err != nil {
		return nil, c.fail(c.readError(ctx, resp.StatusCode, err), token)
	}
	ans := &answer{
		status:      resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"),
		location:    resp.Header.Get("Location"),
		body:        body,
	}
	if ans.status >= 200 && ans.status < 300 {
		s, aerr := c.decodeSession(ans)
		if aerr != nil {
			return nil, c.fail(aerr, token)
		}
		return s, nil
	}
	return nil, c.fail(c.errorFrom(ans), token)
}

// answer is one complete HTTP answer from the backend.
type answer struct {
	status      int
	contentType string
	location    string
	body        []byte
}

// errBodyTooLarge reports a body longer than MaxBodyBytes.
var errBodyTooLarge = errors.New("response body too large")

// readBody reads and closes body, failing with errBodyTooLarge past
// MaxBodyBytes.
func readBody(body io.ReadCloser) ([]byte, error) {
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, MaxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBodyBytes {
		return nil, errBodyTooLarge
	}
	return data, nil
}

// validHeaderValue reports whether s can be sent as an HTTP header value
// unchanged: no control characters other than tab, no DEL.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}
