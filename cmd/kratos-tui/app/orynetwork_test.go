package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
	"github.com/kratos-tui/kratos-tui/cmd/kratos-tui/app"
)

// recordingTransport answers every request with a fixture captured from
// the real Kratos and keeps the requests.
type recordingTransport struct {
	body     []byte
	requests []*http.Request
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.requests = append(r.requests, req)
	return &http.Response{
		StatusCode: http.StatusOK, Request: req,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   io.NopCloser(bytes.NewReader(r.body)),
	}, nil
}

// TestOryNetworkURLs checks what can be checked without reaching Ory
// Network: its project URLs are accepted, and native-flow requests go to
// the project's host over https with the paths and headers of the API.
func TestOryNetworkURLs(t *testing.T) {
	for _, u := range []string{
		"https://affectionate-hopper-abc123.projects.oryapis.com",
		"https://affectionate-hopper-abc123.projects.oryapis.com/",
		"https://auth.example.com", // a custom domain
	} {
		if err := app.ValidateURL("KRATOS_API", u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "fixtures", "kratos", "login_flow_created_200.json"))
	if err != nil {
		t.Fatal(err)
	}
	rt := &recordingTransport{body: body}
	k, err := kratos.New("https://affectionate-hopper-abc123.projects.oryapis.com/", kratos.Options{Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	flow, err := k.CreateLoginFlow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if flow.ID == "" {
		t.Fatal("no flow id decoded")
	}
	if len(rt.requests) != 1 {
		t.Fatalf("%d requests", len(rt.requests))
	}
	req := rt.requests[0]
	if req.URL.Scheme != "https" || req.URL.Host != "affectionate-hopper-abc123.projects.oryapis.com" ||
		req.URL.Path != "/self-service/login/api" || req.Method != http.MethodGet {
		t.Fatalf("request %s %s", req.Method, req.URL)
	}
	if req.Header.Get("Cookie") != "" || req.Header.Get("Origin") != "" {
		t.Fatal("a native flow must send no Cookie or Origin")
	}
	var _ adapters.Kratos = k
}
