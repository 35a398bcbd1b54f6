package kratos

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	ory "github.com/ory/client-go"

	"github.com/kratos-tui/kratos-tui/adapters"
)

// Each answer is decoded once, by the adapter, from the bytes Kratos sent:
// client-go, which makes the request, reads an empty body and so decodes
// nothing (its models' UnmarshalJSON cost most of a call's CPU, and the
// adapter threw their result away).
func TestAnswerIsDecodedOnceFromTheBytesKratosSent(t *testing.T) {
	created := loadFixture(t, "login_flow_created_200")
	rejected := loadFixture(t, "login_wrong_password_400")
	id := fixtureFlowID(t, created)
	_, c := serveFixtures(t, map[string]fixture{
		"GET /self-service/login/api": created,
		"POST /self-service/login":    rejected,
	})
	ctx := context.Background()

	var decoded *ory.LoginFlow
	x, aerr := c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		flow, resp, err := c.api.CreateNativeLoginFlow(ctx).Execute()
		decoded = flow
		return resp, err
	})
	if aerr != nil {
		t.Fatalf("create: %v", aerr)
	}
	if !bytes.Equal(x.body, created.body) {
		t.Errorf("the adapter got %d bytes, not the %d Kratos sent", len(x.body), len(created.body))
	}
	if decoded != nil && decoded.Id != "" {
		t.Errorf("client-go decoded the flow (id %q) that the adapter decodes again", decoded.Id)
	}

	var apiErr *ory.GenericOpenAPIError
	x, aerr = c.call(ctx, func(ctx context.Context) (*http.Response, error) {
		body := ory.UpdateLoginFlowWithPasswordMethodAsUpdateLoginFlowBody(&ory.UpdateLoginFlowWithPasswordMethod{
			Method: "password", Identifier: "a@example.org", Password: "not the password"})
		_, resp, err := c.api.UpdateLoginFlow(ctx).Flow(id).UpdateLoginFlowBody(body).Execute()
		errors.As(err, &apiErr)
		return resp, err
	})
	if aerr != nil {
		t.Fatalf("submit: %v", aerr)
	}
	if x.status != http.StatusBadRequest || !bytes.Equal(x.body, rejected.body) {
		t.Errorf("the adapter got HTTP %d with %d bytes, want 400 with the %d Kratos sent", x.status, len(x.body), len(rejected.body))
	}
	if apiErr == nil {
		t.Fatal("client-go returned no error for HTTP 400")
	}
	if apiErr.Model() != nil && len(apiErr.Body()) != 0 {
		t.Errorf("client-go decoded the error body into %T", apiErr.Model())
	}

	// Through the adapter's methods, the flow and the rejection are what
	// the bytes say.
	flow, err := c.CreateLoginFlow(ctx)
	if err != nil || flow.ID != id || len(flow.UI.Nodes) == 0 {
		t.Fatalf("CreateLoginFlow: %+v, %v; want flow %s with its nodes", flow, err, id)
	}
	_, err = c.SubmitLogin(ctx, loginReq(id, "not the password"))
	if ae := wantClass(t, err, adapters.ClassValidation); ae.Flow == nil || len(messageIDs(ae.Flow)) == 0 {
		t.Errorf("rejection without its flow and message ids: %+v", ae)
	}
}

// A raw request made through the client's HTTP client in a call (postJSON)
// gets its body too.
func TestRawRequestInACallGetsItsBody(t *testing.T) {
	rejected := loadFixture(t, "registration_two_step_choose_credential_400")
	_, c := serveFixtures(t, map[string]fixture{"POST /self-service/registration": rejected})
	x, aerr := c.call(context.Background(), func(ctx context.Context) (*http.Response, error) {
		return c.postJSON(ctx, "/self-service/registration?flow=f", []byte(`{"screen":"previous"}`))
	})
	if aerr != nil {
		t.Fatal(aerr)
	}
	if !bytes.Equal(x.body, rejected.body) {
		t.Errorf("got %d bytes, want the %d Kratos sent", len(x.body), len(rejected.body))
	}
}
