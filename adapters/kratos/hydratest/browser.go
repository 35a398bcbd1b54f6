package hydratest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
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

// SignInAtKratos signs the browser in at Kratos itself with a browser
// flow and the provider, as a user of a web app of the same Kratos would:
// the browser then holds a Kratos session cookie. It returns the page the
// browser ended at.
func (b *Browser) SignInAtKratos(ctx context.Context, kratosPublicURL string) (Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, kratosPublicURL+"/self-service/login/browser", nil)
	if err != nil {
		return Page{}, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return Page{}, fmt.Errorf("create browser login flow: %w", err)
	}
	defer resp.Body.Close()
	var flow struct {
		ID string `json:"id"`
		UI struct {
			Nodes []struct {
				Attributes struct {
					Name  string `json:"name"`
					Value any    `json:"value"`
				} `json:"attributes"`
			} `json:"nodes"`
		} `json:"ui"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&flow); err != nil || flow.ID == "" {
		return Page{}, fmt.Errorf("create browser login flow: HTTP %d, %v", resp.StatusCode, err)
	}
	csrf := ""
	for _, n := range flow.UI.Nodes {
		if n.Attributes.Name == "csrf_token" {
			csrf, _ = n.Attributes.Value.(string)
		}
	}
	form := url.Values{"method": {"oidc"}, "provider": {ProviderID}, "csrf_token": {csrf}}
	post, err := http.NewRequestWithContext(ctx, http.MethodPost, kratosPublicURL+"/self-service/login?flow="+flow.ID, strings.NewReader(form.Encode()))
	if err != nil {
		return Page{}, err
	}
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b.Visited = []string{post.URL.String()}
	r2, err := b.client.Do(post)
	if err != nil {
		return Page{URL: b.Visited[len(b.Visited)-1]}, fmt.Errorf("browser sign-in: %w", err)
	}
	defer r2.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(r2.Body, 4096))
	return Page{URL: r2.Request.URL.String(), Status: r2.StatusCode, Body: string(body)}, nil
}

// HasKratosSession reports whether the browser holds a Kratos session
// cookie for kratosPublicURL.
func (b *Browser) HasKratosSession(kratosPublicURL string) bool {
	u, err := url.Parse(kratosPublicURL)
	if err != nil {
		return false
	}
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "ory_kratos_session" {
			return true
		}
	}
	return false
}
