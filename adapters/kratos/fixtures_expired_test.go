package kratos

import (
	"bytes"
	"context"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
)

func TestFixtureExpiredFlowIsContinued(t *testing.T) {
	expired := loadFixture(t, "login_expired_flow_410")
	next := fixtureFlowID(t, expired)
	const old = "00000000-0000-4000-8000-000000000001"
	fs, c := serveFixtures(t, map[string]fixture{
		"POST /self-service/login?flow=" + old:  expired,
		"POST /self-service/login?flow=" + next: loadFixture(t, "login_success_200"),
	})
	s, err := c.SubmitLogin(context.Background(), adapters.LoginRequest{FlowID: old, Identifier: fixtureEmail, Password: "Pass-Word-123"})
	if err != nil {
		t.Fatalf("SubmitLogin: %v", err)
	}
	checkSession(t, s, "ory_st_REDACTED")
	reqs := fs.requests()
	if len(reqs) != 2 || reqs[1].uri != "/self-service/login?flow="+next || !bytes.Equal(reqs[0].body, reqs[1].body) {
		t.Fatalf("want the same body resubmitted to %s, got %+v", next, reqs)
	}
}

func TestFixtureExpiredContinuationRejected(t *testing.T) {
	expired := loadFixture(t, "login_expired_flow_410")
	next := fixtureFlowID(t, expired)
	wrong := loadFixture(t, "login_wrong_password_400")
	const old = "00000000-0000-4000-8000-000000000001"
	_, c := serveFixtures(t, map[string]fixture{
		"POST /self-service/login?flow=" + old:  expired,
		"POST /self-service/login?flow=" + next: wrong,
	})
	_, err := c.SubmitLogin(context.Background(), loginReq(old, "Wrong-Pass-123"))
	ae := wantClass(t, err, adapters.ClassValidation)
	if ae.Flow.ID != fixtureFlowID(t, wrong) || ae.Flow.ID == old {
		t.Errorf("flow id %s: want the replacement flow", ae.Flow.ID)
	}
}

func TestFixtureExpiredTwiceIsFlowExpired(t *testing.T) {
	expired := loadFixture(t, "login_expired_flow_410")
	fs, c := serveFixtures(t, map[string]fixture{"POST /self-service/login": expired})
	_, err := c.SubmitRegistration(context.Background(), adapters.RegistrationRequest{
		FlowID: "00000000-0000-4000-8000-000000000001", Traits: map[string]any{"email": fixtureEmail}, Password: "Pass-Word-123"})
	// Registration is not routed: a teapot is no Kratos answer.
	wantClass(t, err, adapters.ClassBadResponse)

	_, err = c.SubmitLogin(context.Background(), loginReq("00000000-0000-4000-8000-000000000001", "Pass-Word-123"))
	ae := wantClass(t, err, adapters.ClassFlowExpired)
	if ae.Status != 410 || ae.ID != "self_service_flow_expired" || ae.UseFlowID != fixtureFlowID(t, expired) {
		t.Errorf("error %+v", ae)
	}
	// One continuation only: the original submit plus one retry.
	if n := len(fs.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (1 registration, 2 login)", n)
	}
}

func TestFixtureWithWrongContentType(t *testing.T) {
	fs, c := serveFixtures(t, map[string]fixture{
		"GET /self-service/login/api": loadFixture(t, "login_flow_created_200"),
	})
	fs.ctype = "text/html"
	_, err := c.CreateLoginFlow(context.Background())
	wantClass(t, err, adapters.ClassBadResponse)
}

func TestFixtureCutShort(t *testing.T) {
	f := loadFixture(t, "whoami_success_200")
	f.body = f.body[:len(f.body)/2]
	_, c := serveFixtures(t, map[string]fixture{"GET /sessions/whoami": f})
	_, err := c.Whoami(context.Background(), "ory_st_GoodToken123")
	ae := wantClass(t, err, adapters.ClassBadResponse)
	mustContain(t, ae.Message, "cut short")
}
