package kratos_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/adapters/httplog"
	"github.com/kratos-tui/kratos-tui/adapters/kratos"
)

type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

// A call cancelled by the user is told the same way whether the context
// was cancelled (a live run) or the transport's error says so (a replay
// serves the recorded cancel as an error wrapping context.Canceled, with a
// live context): a recording of a cancelled call replays.
func TestCancelledCallToldTheSameLiveAndReplayed(t *testing.T) {
	replayed, err := kratos.New("http://127.0.0.1:1", kratos.Options{Transport: failingTransport{httplog.ErrorFor(httplog.CauseCanceled, "context canceled")}})
	if err != nil {
		t.Fatal(err)
	}
	_, errReplayed := replayed.CreateLoginFlow(context.Background())

	live, err := kratos.New("http://127.0.0.1:1", kratos.Options{Transport: failingTransport{context.Canceled}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, errLive := live.CreateLoginFlow(ctx)

	var a, b *adapters.Error
	if !errors.As(errReplayed, &a) || !errors.As(errLive, &b) {
		t.Fatalf("errors: %v / %v", errReplayed, errLive)
	}
	if a.Class != b.Class || a.Message != b.Message {
		t.Fatalf("replayed %q (%s), live %q (%s)", a.Message, a.Class, b.Message, b.Class)
	}
}
