package plain

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/kratos-tui/kratos-tui/adapters"
	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/ui"
)

func codeForm(names ...string) events.SecondFactorFormShown {
	var nodes []adapters.Node
	for _, n := range names {
		nodes = append(nodes, adapters.Node{Type: "input", Group: map[string]string{"totp_code": "totp", "lookup_secret": "lookup_secret"}[n],
			Attributes: adapters.NodeAttributes{Name: n, Type: "text"}})
	}
	return events.SecondFactorFormShown{Form: events.Form{FlowID: "f", UI: adapters.UI{Nodes: nodes}}}
}

// TestPlainSecondFactorOffersWhatTheFlowHas: "backup" is offered only
// when the flow has backup codes; a flow with backup codes alone takes the
// code as typed as one (issue 11, item 6).
func TestPlainSecondFactorOffersWhatTheFlowHas(t *testing.T) {
	for _, c := range []struct {
		form  events.SecondFactorFormShown
		input string
		want  events.Event
		offer bool
	}{
		{codeForm("totp_code"), "123456\n", events.SecondFactorSubmitted{Method: "totp", Code: "123456"}, false},
		{codeForm("totp_code", "lookup_secret"), "backup abcd1234\n", events.SecondFactorSubmitted{Method: "lookup_secret", Code: "abcd1234"}, true},
		{codeForm("lookup_secret"), "abcd1234\n", events.SecondFactorSubmitted{Method: "lookup_secret", Code: "abcd1234"}, false},
	} {
		var out strings.Builder
		pl, _ := New(ui.IO{In: strings.NewReader(c.input), Out: &out}, ui.Options{})
		got, err := pl.(*Plugin).act(context.Background(), c.form)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Fatalf("%s: got %#v, %v; want %#v\n%s", c.input, got, err, c.want, out.String())
		}
		if offered := strings.Contains(out.String(), "backup <code>"); offered != c.offer {
			t.Fatalf("%s: backup offered %v, want %v:\n%s", c.input, offered, c.offer, out.String())
		}
	}
}
