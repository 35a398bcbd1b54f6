package replay_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/fsm/replay"
)

// A request the adapter sends that differs from the recorded one is a
// divergence that names the record and shows both requests and why.
func TestWireRequestMismatchReported(t *testing.T) {
	b := string(corpusBytes(t, "sign_in"))
	// The recorded sign-in request names another identifier than the
	// intent: the real adapter, building the request from the intent,
	// sends a different body.
	i := strings.Index(b, `"request_body":{"identifier":"`)
	if i < 0 {
		t.Fatal("no recorded sign-in request body")
	}
	j := i + len(`"request_body":{"identifier":"`)
	b = b[:j] + "someone-else-" + b[j:]
	res, err := replay.RunFile(context.Background(), writeTemp(t, []byte(b)), replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed() {
		t.Fatal("a differing request passed")
	}
	d := res.Divergence
	for _, want := range []string{"on the wire", "kratos.submit_login", "request 1 differs", "body.identifier", "recorded: POST /self-service/login?flow=", "replayed: POST /self-service/login?flow=", "someone-else-"} {
		if !strings.Contains(d.Reason, want) {
			t.Fatalf("the reason lacks %q:\n%s", want, d.Reason)
		}
	}
	if d.Seq == 0 || !strings.Contains(d.Report(), "seq") {
		t.Fatalf("the divergence names no record: %+v", d)
	}
}
