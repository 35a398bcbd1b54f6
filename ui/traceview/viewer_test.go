package traceview

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
)

// startViewerAt runs a viewer on a simulation screen of w x h.
func startViewerAt(t *testing.T, v *Viewer, w, h int) *screen {
	t.Helper()
	sim := tcell.NewSimulationScreen("UTF-8")
	s := &screen{sim: sim, draws: make(chan string, 256), done: make(chan error, 1)}
	app := v.Application().SetScreen(sim)
	app.SetAfterDrawFunc(func(sc tcell.Screen) {
		select {
		case s.draws <- text(sc):
		default:
		}
	})
	go func() { s.done <- v.Run() }()
	s.await(t, "a first draw", func(string) bool { return true })
	sim.SetSize(w, h)
	app.Draw()
	s.await(t, fmt.Sprintf("the %dx%d screen", w, h), func(txt string) bool {
		lines := strings.Split(strings.TrimSuffix(txt, "\n"), "\n")
		return len(lines) == h && utf8.RuneCountInString(lines[0]) == w
	})
	t.Cleanup(func() {
		app.Stop()
		<-s.done
	})
	return s
}

func (s *screen) keys(keys ...any) {
	for _, k := range keys {
		switch k := k.(type) {
		case tcell.Key:
			s.sim.InjectKey(k, 0, tcell.ModNone)
		case rune:
			s.sim.InjectKey(tcell.KeyRune, k, tcell.ModNone)
		case string:
			for _, r := range k {
				s.sim.InjectKey(tcell.KeyRune, r, tcell.ModNone)
			}
		}
	}
}

// settle waits until the screen shows want, then returns it once the
// selection is sel (a seq), so that the golden is not a frame in between.
func (s *screen) settle(t *testing.T, v *Viewer, what string, ok func(string) bool, seq uint64) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.await(t, what, ok)
		if seq == 0 || selected(v) == seq {
			v.Application().QueueUpdateDraw(func() {})
			return s.await(t, what, ok)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: selected seq %d, want %d:\n%s", what, selected(v), seq, got)
		}
		s.last = ""
	}
}

// inApp runs f on the viewer's event goroutine and waits for it, so that
// a test reads the viewer's state without racing with it.
func inApp(v *Viewer, f func()) {
	done := make(chan struct{})
	v.Application().QueueUpdate(func() {
		f()
		close(done)
	})
	<-done
}

func selected(v *Viewer) (seq uint64) {
	inApp(v, func() { seq = v.SelectedSeq() })
	return seq
}

func quit(t *testing.T, s *screen) {
	t.Helper()
	s.keys('q')
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

// TestViewer80x24 reads the too-short-password sign-up at 80x24: the
// panes stacked, the help bar; jumping to Kratos's 400, the record pane
// takes focus with Tab and scrolls down to the response body with its
// message id.
func TestViewer80x24(t *testing.T) {
	h, recs := corpus(t, "sign_up_short_password")
	v := New(h, recs)
	reg, _ := shortPasswordSeqs(t, recs)
	s := startViewerAt(t, v, 80, 24)
	got := s.settle(t, v, "the timeline", func(txt string) bool {
		return strings.Contains(txt, "AppStarted") && strings.Contains(txt, "d diverged  q quit")
	}, 1)
	golden(t, "viewer_80x24_start.golden", []byte(got))

	s.keys('g', strconvU(reg), tcell.KeyEnter)
	got = s.settle(t, v, "the registration's 400", func(txt string) bool {
		return strings.Contains(txt, fmt.Sprintf("seq %d  adapter_result", reg)) && strings.Contains(txt, "▶ request   POST /self-service/registration")
	}, reg)
	if strings.Contains(got, "◀ response  400") {
		t.Fatalf("the response fits without scrolling; the test needs a longer record:\n%s", got)
	}
	golden(t, "viewer_80x24_seq19.golden", []byte(got))

	s.keys(tcell.KeyTab)
	s.await(t, "the record pane focused", func(txt string) bool { return strings.Contains(txt, "▶ record (focused)") })
	var focused bool
	inApp(v, func() { focused = v.focused == v.detail })
	if !focused {
		t.Fatal("Tab did not focus the record pane")
	}
	// Scroll the pane, not the timeline: the selection stays on 19.
	for range 40 {
		s.keys(tcell.KeyDown)
	}
	got = s.await(t, "the response scrolled into view", func(txt string) bool {
		return strings.Contains(txt, "◀ response  400 Bad Request  Kratos messages 4000032")
	})
	if seq := selected(v); seq != reg {
		t.Fatalf("scrolling the record pane moved the timeline to seq %d", seq)
	}
	// Page down until the pane's offset passes the body's message (line
	// 87 of the record's text), then the screen shows it.
	offset := func() (row int) {
		inApp(v, func() { row, _ = v.detail.GetScrollOffset() })
		return row
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		row := offset()
		if row >= 80 {
			break
		}
		s.keys(tcell.KeyPgDn)
		for r := offset(); r == row; r = offset() {
			if time.Now().After(deadline) {
				t.Fatalf("PgDn does not scroll the record pane (offset %d):\n%s", row, s.last)
			}
			time.Sleep(time.Millisecond)
		}
	}
	s.await(t, "the body's message", func(txt string) bool { return strings.Contains(txt, `"id": 4000032,`) })
	s.keys(tcell.KeyTab)
	s.await(t, "the timeline focused again", func(txt string) bool { return strings.Contains(txt, "▶ timeline (focused)") })
	quit(t, s)
}

// TestViewerSearch searches every record for Kratos's message id: n goes
// to the next record that holds it (the form with the field error), N
// back; the record pane is scrolled to the highlighted match; a search
// finds a record the filter hides by clearing the filter.
func TestViewerSearch(t *testing.T) {
	h, recs := corpus(t, "sign_up_short_password")
	v := New(h, recs)
	reg, form := shortPasswordSeqs(t, recs)
	s := startViewerAt(t, v, 160, 40)
	s.settle(t, v, "the timeline", func(txt string) bool { return strings.Contains(txt, "AppStarted") }, 1)

	s.keys('/', "4000032", tcell.KeyEnter)
	got := s.settle(t, v, "the first match", func(txt string) bool {
		return strings.Contains(txt, fmt.Sprintf(`"4000032" found in seq %d`, reg))
	}, reg)
	if !strings.Contains(got, "◀ response  400 Bad Request  Kratos messages 4000032") || strings.Contains(got, fmt.Sprintf("seq %d  adapter_result", reg)) {
		t.Fatalf("the record pane is not scrolled to the first match:\n%s", got)
	}
	golden(t, "viewer_search.golden", []byte(got))
	s.keys('n')
	s.settle(t, v, "the next match", func(txt string) bool { return strings.Contains(txt, fmt.Sprintf(`"4000032" found in seq %d`, form)) }, form)
	s.keys('N')
	s.settle(t, v, "the previous match", func(txt string) bool { return strings.Contains(txt, fmt.Sprintf(`"4000032" found in seq %d`, reg)) }, reg)

	// Filtered to intents, the search still finds the adapter result.
	s.keys('x', 'f')
	s.await(t, "the intent filter", func(txt string) bool { return strings.Contains(txt, "kind intent") })
	s.keys('g', "1", tcell.KeyEnter)
	s.keys('/', "Bad Request", tcell.KeyEnter)
	s.settle(t, v, "a match the filter hid", func(txt string) bool {
		return strings.Contains(txt, fmt.Sprintf(`"Bad Request" found in seq %d`, reg)) && strings.Contains(txt, "all records")
	}, reg)
	s.keys('/', "no such text", tcell.KeyEnter)
	s.await(t, "no match", func(txt string) bool { return strings.Contains(txt, `"no such text": no record holds it`) })
	if seq := selected(v); seq != reg {
		t.Fatalf("a search without a match moved the selection to %d", seq)
	}
	quit(t, s)
}

// TestViewerFilters cycles the operation and flow filters.
func TestViewerFilters(t *testing.T) {
	h, recs := corpus(t, "sign_up_short_password")
	v := New(h, recs)
	s := startViewerAt(t, v, 160, 40)
	s.settle(t, v, "the timeline", func(txt string) bool { return strings.Contains(txt, "AppStarted") }, 1)

	s.keys('o') // tokens.load, the first operation
	got := s.await(t, "the operation filter", func(txt string) bool { return strings.Contains(txt, "op tokens.load (2 shown)") })
	if strings.Contains(got, "kratos.") {
		t.Fatalf("op filter shows other operations:\n%s", got)
	}
	// o goes on to the next operation, in the order they first come:
	// kratos.create_registration_flow, kratos.identity_schema, then
	// kratos.submit_registration.
	for range 3 {
		s.keys('o')
	}
	got = s.await(t, "the submit filter", func(txt string) bool { return strings.Contains(txt, "op kratos.submit_registration (4 shown)") })
	golden(t, "viewer_filter_operation.golden", []byte(got))

	s.keys('x', 'i')
	got = s.await(t, "the flow filter", func(txt string) bool { return strings.Contains(txt, "| flow ") && strings.Contains(txt, " shown)") })
	var wrong []uint64
	shown := 0
	inApp(v, func() {
		shown = v.rowCount()
		for row := range shown {
			r, err := v.st.Record(v.indexOfRow(row))
			if err != nil {
				t.Error(err)
			}
			if r.FlowID != v.flow {
				wrong = append(wrong, r.Seq)
			}
		}
	})
	if len(wrong) > 0 {
		t.Fatalf("flow filter shows seqs %v of other flows", wrong)
	}
	if shown == 0 || strings.Contains(got, "AppStarted") {
		t.Fatalf("flow filter: %d shown:\n%s", shown, got)
	}
	s.keys('x')
	s.await(t, "no filter", func(txt string) bool { return strings.Contains(txt, "| all records") })
	inApp(v, func() { shown = v.rowCount() })
	if shown != len(recs) {
		t.Fatalf("x left %d of %d records", shown, len(recs))
	}
	quit(t, s)
}

// TestViewerDivergence opens the viewer with a replay's divergence: it
// starts there, the recorded and replayed records side by side at 80x24
// with the differing lines marked, Tab visits both sides, d comes back.
func TestViewerDivergence(t *testing.T) {
	h, recs := corpus(t, "sign_up_short_password")
	_, form := shortPasswordSeqs(t, recs)
	var exp json.RawMessage
	for _, r := range recs {
		if r.Seq == form {
			b, err := json.Marshal(r.Event)
			if err != nil {
				t.Fatal(err)
			}
			exp = json.RawMessage(fmt.Sprintf(`{"seq":%d,"type":%q,"data":%s}`, form, r.Type, b))
		}
	}
	act := json.RawMessage(strings.Replace(string(exp), `"id":4000032`, `"id":4000031`, 1))
	v := New(h, recs)
	v.SetDivergence(&Divergence{Seq: form, Field: "data.field_errors.password[0].id",
		Reason: "field data.field_errors.password[0].id differs: recorded 4000032, replayed 4000031", Expected: exp, Actual: act})
	s := startViewerAt(t, v, 80, 24)
	got := s.settle(t, v, "the divergence side by side", func(txt string) bool {
		return strings.Contains(txt, "recorded (expected)") && strings.Contains(txt, "replayed (actual)") &&
			marked(txt, `"id": 4000032,`) && marked(txt, `"id": 4000031,`) && strings.Contains(txt, fmt.Sprintf("!  %d state", form))
	}, form)
	golden(t, "viewer_divergence_80x24.golden", []byte(got))

	s.keys(tcell.KeyTab)
	s.await(t, "the recorded side focused", func(txt string) bool { return strings.Contains(txt, "▶ recorded (expected) (focused)") })
	s.keys(tcell.KeyTab)
	s.await(t, "the replayed side focused", func(txt string) bool { return strings.Contains(txt, "▶ replayed (actual) (focused)") })
	s.keys(tcell.KeyTab, 'g', "1", tcell.KeyEnter)
	s.settle(t, v, "seq 1", func(txt string) bool { return strings.Contains(txt, "seq 1  intent AppStarted") }, 1)
	s.keys('d')
	s.settle(t, v, "back at the divergence", func(txt string) bool { return strings.Contains(txt, "replay diverged") }, form)
	quit(t, s)
}

// marked reports whether a line of the screen has s in a side marked ▶.
func marked(screen, s string) bool {
	for _, line := range strings.Split(screen, "\n") {
		for _, side := range strings.Split(line, "││") {
			if i := strings.Index(side, "▶"); i >= 0 && strings.Contains(side[i:], s) {
				return true
			}
		}
	}
	return false
}

// TestViewerEveryKeyOnEmptyLog sends every key of the viewer to a log
// with no record: nothing panics, q still quits.
func TestViewerEveryKeyOnEmptyLog(t *testing.T) {
	h, _ := corpus(t, "sign_out")
	v := New(h, nil)
	s := startViewerAt(t, v, 80, 24)
	s.await(t, "the empty viewer", func(txt string) bool { return strings.Contains(txt, "0 records") })
	s.keys(tcell.KeyTab, tcell.KeyTab, tcell.KeyBacktab, tcell.KeyDown, tcell.KeyPgDn, tcell.KeyEnd,
		'f', 'o', 'i', 'x', 'n', 'N', 'd', '/', "x", tcell.KeyEnter, 'g', "7", tcell.KeyEnter, '/', tcell.KeyEscape)
	s.await(t, "the status of d", func(txt string) bool { return strings.Contains(txt, "no record holds it") })
	quit(t, s)
}

// TestViewerKeyLineAndJumpPastTheEnd: at 120 columns the key line is the
// short one when the whole one does not fit (it was cut at "q qui"); g to
// a seq past the log's end says so.
func TestViewerKeyLineAndJumpPastTheEnd(t *testing.T) {
	h, recs := corpus(t, "sign_up_short_password")
	v := New(h, recs)
	s := startViewerAt(t, v, 120, 40)
	s.settle(t, v, "the short key line, whole", func(txt string) bool {
		return strings.Contains(txt, "AppStarted") && strings.Contains(txt, HelpBarShort)
	}, 1)
	last := recs[len(recs)-1].Seq
	s.keys('g', "999", tcell.KeyEnter)
	s.settle(t, v, "the jump past the end explained", func(txt string) bool {
		return strings.Contains(txt, "seq 999: no such record; the log ends at seq "+strconvU(last))
	}, last)
	quit(t, s)
}

// shortPasswordSeqs are the seqs of sign_up_short_password.jsonl the
// viewer tests read: the registration Kratos refused (its adapter result,
// with the 400) and the form it sent back.
func shortPasswordSeqs(t *testing.T, recs []flowlog.Record) (reg, form uint64) {
	t.Helper()
	for _, r := range recs {
		if ret, ok := r.Event.(events.AdapterReturned); ok && ret.Operation == "kratos.submit_registration" && reg == 0 {
			reg = r.Seq
		}
		if _, ok := r.Event.(events.RegistrationFormShown); ok && reg != 0 && form == 0 {
			form = r.Seq
		}
	}
	if reg == 0 || form == 0 {
		t.Fatal("sign_up_short_password.jsonl changed: no refused registration and its form")
	}
	return reg, form
}
