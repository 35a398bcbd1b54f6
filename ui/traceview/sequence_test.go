package traceview

import (
	"bytes"
	"strings"
	"testing"
)

// TestMermaidSequenceGolden draws corpus runs as sequence diagrams: every
// participant, the HTTP exchanges with their statuses and Kratos's message
// ids, the token store's calls, no flow id in a path.
func TestMermaidSequenceGolden(t *testing.T) {
	for _, name := range []string{"sign_in_wrong_password", "sign_out", "kratos_down_then_back"} {
		t.Run(name, func(t *testing.T) {
			_, recs := corpus(t, name)
			var buf bytes.Buffer
			if err := WriteMermaidSequence(&buf, recs); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, want := range []string{"sequenceDiagram\n", "participant Kratos", "participant Tokens as token store", "User->>Client: 1: AppStarted"} {
				if !strings.Contains(out, want) {
					t.Errorf("diagram lacks %q", want)
				}
			}
			if strings.Contains(out, "?flow=") {
				t.Error("a path holds a flow id")
			}
			golden(t, name+".seq.mmd", buf.Bytes())
		})
	}
}

// TestMermaidSequenceDrawsTheBackend: a run that launched with a token
// asks the backend's whoami (operation session.current, no one adapter's):
// the exchange is drawn to Backend, not left out.
func TestMermaidSequenceDrawsTheBackend(t *testing.T) {
	_, recs := corpus(t, "launch_backend_token")
	out := strings.Join(SequenceLines(recs), "\n")
	if !strings.Contains(out, "Client->>Backend: ") || !strings.Contains(out, "/whoami") {
		t.Errorf("the backend's whoami is not drawn:\n%s", out)
	}
}
