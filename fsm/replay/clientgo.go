package replay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// wireExchange is one recorded HTTP exchange of a flow log, as much of it
// as a bare client needs: the answer.
type wireExchange struct {
	Method          string              `json:"method"`
	URL             string              `json:"url"`
	Status          int                 `json:"status"`
	ResponseHeaders map[string][]string `json:"response_headers"`
	ResponseBody    json.RawMessage     `json:"response_body"`
}

// MeasureBareClientGo measures the floor that ory/client-go alone sets
// under replay of the log WriteCycles writes from template (see
// CycleTemplate): the cycle's Kratos calls (create a native login flow,
// submit the password, log out) made with bare client-go, each answered
// in memory with the recorded response (no network, no adapter, machine,
// bus, recorder or comparison), cycles times. It returns the records of
// the log that this pace covers per second: the cycle's record count
// times cycles over the time taken. Replay runs these same client-go
// calls, which decode every body into client-go's generated models, so
// its events per second cannot exceed this figure.
func MeasureBareClientGo(template string, cycles int) (float64, error) {
	records, exchanges, err := cycleWire(template)
	if err != nil {
		return 0, fmt.Errorf("bare client-go: %w", err)
	}
	var create, submit, logout *wireExchange
	for i := range exchanges {
		x := &exchanges[i]
		switch {
		case x.Method == http.MethodGet && strings.HasPrefix(x.URL, "/self-service/login/api"):
			create = x
		case x.Method == http.MethodPost && strings.HasPrefix(x.URL, "/self-service/login?"):
			submit = x
		case x.Method == http.MethodDelete && strings.HasPrefix(x.URL, "/self-service/logout/api"):
			logout = x
		}
	}
	if create == nil || submit == nil || logout == nil || len(exchanges) != 3 {
		return 0, fmt.Errorf("bare client-go: %s's cycle is not create login flow, submit, log out (%d exchanges)", template, len(exchanges))
	}
	rt := &answerTransport{}
	cfg := ory.NewConfiguration()
	cfg.Servers = ory.ServerConfigurations{{URL: "http://kratos.invalid"}}
	cfg.HTTPClient = &http.Client{Transport: rt}
	c := ory.NewAPIClient(cfg)
	ctx := context.Background()
	body := ory.UpdateLoginFlowWithPasswordMethodAsUpdateLoginFlowBody(&ory.UpdateLoginFlowWithPasswordMethod{
		Method: "password", Identifier: "bench@example.org", Password: "not a secret",
	})
	start := time.Now()
	for range cycles {
		rt.answer = create
		flow, _, err := c.FrontendAPI.CreateNativeLoginFlow(ctx).Execute()
		if err != nil {
			return 0, fmt.Errorf("bare client-go: create login flow: %w", err)
		}
		rt.answer = submit
		ok, _, err := c.FrontendAPI.UpdateLoginFlow(ctx).Flow(flow.Id).UpdateLoginFlowBody(body).Execute()
		if err != nil {
			return 0, fmt.Errorf("bare client-go: submit: %w", err)
		}
		rt.answer = logout
		token := ""
		if ok.SessionToken != nil {
			token = *ok.SessionToken
		}
		if _, err := c.FrontendAPI.PerformNativeLogout(ctx).PerformNativeLogoutBody(ory.PerformNativeLogoutBody{SessionToken: token}).Execute(); err != nil {
			return 0, fmt.Errorf("bare client-go: log out: %w", err)
		}
	}
	return float64(records*cycles) / time.Since(start).Seconds(), nil
}

// answerTransport answers every request with one recorded response.
type answerTransport struct{ answer *wireExchange }

func (t *answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	x := t.answer
	var body []byte
	if len(x.ResponseBody) > 0 && string(x.ResponseBody) != "null" {
		body = x.ResponseBody
	}
	h := http.Header{}
	for k, v := range x.ResponseHeaders {
		h[http.CanonicalHeaderKey(k)] = v
	}
	return &http.Response{
		StatusCode: x.Status, Status: http.StatusText(x.Status), Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Request: req, ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

// cycleWire reads the part of template that WriteCycles repeats (from its
// second intent on) and returns its record count and its HTTP exchanges in
// order.
func cycleWire(template string) (int, []wireExchange, error) {
	f, err := os.Open(Resolve(template))
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), flowlog.MaxLineBytes)
	var (
		intents, records int
		out              []wireExchange
	)
	for line := 0; sc.Scan(); line++ {
		l := sc.Bytes()
		if line == 0 || flowlog.IsEnd(l) {
			continue // the header, the end mark
		}
		var r struct {
			Kind string `json:"kind"`
			Data struct {
				HTTP []wireExchange `json:"http"`
			} `json:"data"`
		}
		if err := json.Unmarshal(l, &r); err != nil {
			return 0, nil, fmt.Errorf("%s line %d: %w", template, line+1, err)
		}
		if r.Kind == "intent" {
			intents++
		}
		if intents < 2 {
			continue
		}
		records++
		out = append(out, r.Data.HTTP...)
	}
	if err := sc.Err(); err != nil {
		return 0, nil, err
	}
	return records, out, nil
}
