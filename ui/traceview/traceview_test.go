package traceview

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/fsm"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func corpus(t *testing.T, name string) (flowlog.Header, []flowlog.Record) {
	t.Helper()
	h, recs, err := Load(filepath.Join("..", "..", "testdata", "flows", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return h, recs
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file (run with -update to accept):\n%s", name, got)
	}
}

func TestTextGolden(t *testing.T) {
	for _, name := range []string{"sign_out", "expired_flow", "launch_revoked_token"} {
		t.Run(name, func(t *testing.T) {
			h, recs := corpus(t, name)
			var buf bytes.Buffer
			if err := WriteText(&buf, h, recs); err != nil {
				t.Fatal(err)
			}
			golden(t, name+".txt", buf.Bytes())
		})
	}
}

func TestMermaidGolden(t *testing.T) {
	for _, name := range []string{"sign_out", "sign_in_wrong_password"} {
		t.Run(name, func(t *testing.T) {
			_, recs := corpus(t, name)
			var buf bytes.Buffer
			if err := writeMermaid(&buf, frozenStates, frozenTable, recs); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.HasPrefix(out, "stateDiagram-v2\n") || !strings.Contains(out, "class ") {
				t.Fatalf("not a highlighted state diagram:\n%s", out)
			}
			golden(t, name+".mmd", buf.Bytes())
		})
	}
}

func TestMermaidCoversLiveTable(t *testing.T) {
	_, recs := corpus(t, "sign_out")
	var buf bytes.Buffer
	if err := WriteMermaid(&buf, recs); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, ev := range fsm.Transitions {
		for _, src := range ev.Src {
			if edge := "    " + src + " --> " + ev.Dst + " : " + ev.Name; !strings.Contains(out, edge) {
				t.Errorf("diagram lacks %q", edge)
			}
		}
	}
	if !strings.Contains(out, "class uninitialized,checking_session,unauthenticated,loading,login,authenticated visited") {
		t.Errorf("the path of sign_out is not highlighted:\n%s", out)
	}
}

// screen runs a viewer on a simulation screen and hands back the screen's
// text after each draw.
type screen struct {
	sim   tcell.SimulationScreen
	draws chan string
	last  string // the last screen await saw
	done  chan error
}

func startViewer(t *testing.T, v *Viewer) *screen {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	s := &screen{sim: sim, draws: make(chan string, 64), done: make(chan error, 1)}
	app := v.Application().SetScreen(sim)
	app.SetAfterDrawFunc(func(sc tcell.Screen) {
		select {
		case s.draws <- text(sc):
		default:
		}
	})
	go func() { s.done <- v.Run() }()
	s.await(t, "a first draw", func(string) bool { return true })
	sim.SetSize(160, 40) // Run initialised it at 80x25
	app.Draw()
	s.await(t, "the full-size screen", func(txt string) bool { return utf8.RuneCountInString(strings.SplitN(txt, "\n", 2)[0]) == 160 })
	t.Cleanup(func() {
		app.Stop()
		<-s.done
	})
	return s
}

// text is what was just drawn, row by row (the after-draw hook runs
// before Show, so the drawn cells are read from the screen's buffer).
func text(sc tcell.Screen) string {
	w, h := sc.Size()
	var sb strings.Builder
	for y := range h {
		for x := range w {
			r, _, _, _ := sc.GetContent(x, y)
			if r == 0 {
				r = ' '
			}
			sb.WriteRune(r)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// await waits for a draw whose screen satisfies ok; the deadline only
// guards against a hang.
func (s *screen) await(t *testing.T, what string, ok func(string) bool) string {
	t.Helper()
	if s.last != "" && ok(s.last) {
		return s.last
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case txt := <-s.draws:
			s.last = txt
			if ok(txt) {
				return txt
			}
		case <-deadline:
			t.Fatalf("screen never showed %s; last screen:\n%s", what, s.last)
		}
	}
}

func TestViewerFilterJumpAndDetail(t *testing.T) {
	h, recs := corpus(t, "sign_out")
	v := New(h, recs)
	s := startViewer(t, v)
	s.await(t, "the timeline", func(txt string) bool {
		return strings.Contains(txt, "AppStarted") && strings.Contains(txt, "all records")
	})

	s.sim.InjectKey(tcell.KeyRune, 'f', tcell.ModNone)
	got := s.await(t, "the intent filter", func(txt string) bool { return strings.Contains(txt, "kind intent") })
	if strings.Contains(got, "TransitionMade") {
		t.Fatalf("intent filter still shows transitions:\n%s", got)
	}

	// Jump to the first result of sign-in (clears the filter since it is
	// not an intent): its HTTP exchange and the state are shown.
	var seq uint64
	for _, r := range recs {
		if r.Type == "AdapterReturned" && strings.Contains(Summary(r), "submit_login") {
			seq = r.Seq
			break
		}
	}
	s.sim.InjectKey(tcell.KeyRune, 'g', tcell.ModNone)
	for _, r := range []rune(strconvU(seq)) {
		s.sim.InjectKey(tcell.KeyRune, r, tcell.ModNone)
	}
	s.sim.InjectKey(tcell.KeyEnter, 0, tcell.ModNone)
	got = s.await(t, "the sign-in result", func(txt string) bool {
		return strings.Contains(txt, "▶ request   POST") && strings.Contains(txt, "FSM state:   loading")
	})
	if got := selected(v); got != seq {
		t.Fatalf("selected seq %d, want %d", got, seq)
	}
	if !strings.Contains(got, "«secret:") {
		t.Fatalf("the exchange does not show its redacted secrets:\n%s", got)
	}

	s.sim.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}
}

func strconvU(n uint64) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}
