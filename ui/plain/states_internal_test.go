package plain

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

// TestEveryStateEventIsHandled prints and acts on a zero value of every
// registered state event type: no panic, and no error but the end of the
// input (never "unexpected state").
func TestEveryStateEventIsHandled(t *testing.T) {
	n := 0
	for _, name := range events.Types() {
		ev, err := events.DecodeEvent(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ev.EventKind() != events.KindState {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			var out strings.Builder
			pl, err := New(ui.IO{In: strings.NewReader(""), Out: &out}, ui.Options{})
			if err != nil {
				t.Fatal(err)
			}
			p := pl.(*Plugin)
			if err := p.print(ev); err != nil {
				t.Fatalf("print: %v", err)
			}
			if _, err := p.act(context.Background(), ev); err != nil && !errors.Is(err, io.EOF) {
				t.Fatalf("act: %v\n%s", err, out.String())
			}
		})
	}
	if n < 14 {
		t.Fatalf("only %d state event types", n)
	}
}
