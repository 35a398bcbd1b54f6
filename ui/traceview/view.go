package traceview

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// Filters are the kinds the timeline can be filtered to, in the order the
// f key cycles through them; "" shows every kind.
var Filters = []events.Kind{"", events.KindIntent, events.KindTransition, events.KindAdapterCall, events.KindAdapterResult, events.KindState}

// Divergence is a replay's first divergence, as the viewer and the HTML
// report show it.
type Divergence struct {
	// Seq is the record where the replay departs from the recording.
	Seq uint64
	// Field is the dotted path of the first differing field, if any.
	Field string
	// Reason says what differs.
	Reason string
	// Expected is the recorded record and Actual the replayed one, as
	// JSON; either may be empty.
	Expected, Actual json.RawMessage
}

// HelpBar is the key line at the bottom of the viewer; HelpBarShort is
// the one of a screen narrower than 120 columns (it fits 80).
const (
	HelpBar      = "Tab pane  ↑↓ PgUp/PgDn scroll  / search  n/N next/prev  f kind  o operation  i flow  x clear  g seq  d divergence  q quit"
	HelpBarShort = "Tab pane  / search n/N  f kind  o op  i flow  x clear  g seq  d diverged  q quit"
)

// HelpBarLive is the key line of a run followed live.
const HelpBarLive = "Tab pane  / search n/N  f kind  o op  i flow  x clear  g seq  F follow the tail  q quit"

// Viewer is the interactive trace viewer: a scrollable timeline, and the
// selected record in full in a pane that takes focus (Tab) and scrolls:
// the machine's state and the screen shown at that point, every HTTP
// exchange as request and response, the event's data, JSON indented.
// `/` searches every record, n and N repeat; f, o and i filter by kind,
// operation and flow id; g jumps to a seq. Given a replay's divergence
// (SetDivergence) it shows the recorded and replayed records side by side.
// Below 120 columns the panes are stacked, so it works at 80x24.
//
// It streams: a log opened with Open is indexed in the background (16
// bytes a record) while the first records show; only the rows drawn and
// the selected record are decoded. A run followed live (NewLive) grows as
// its records arrive.
type Viewer struct {
	app      *tview.Application
	header   *tview.TextView
	table    *tview.Table
	detail   *tview.TextView
	right    *tview.Pages
	reason   *tview.TextView
	expected *tview.TextView
	actual   *tview.TextView
	help     *tview.TextView
	prompt   *tview.InputField
	bottom   *tview.Pages
	body     *tview.Flex
	root     *tview.Flex
	// headerLine is the header's text, broken into rows at the width
	// drawn (fitBars).
	headerLine string
	title      string
	st         *store
	// total is the number of records the timeline knows (the store may
	// have indexed more since the last grow).
	total int
	// shown are the store indexes of the visible rows when a filter is
	// set; nil shows every record.
	shown []int32
	rows  map[int][4]*tview.TableCell // decoded rows, by store index

	filter    int    // index into Filters
	operation string // "" or an adapter operation
	flow      string // "" or a Kratos flow id

	query      string // the last search
	promptMode string // "search" or "jump"
	status     string
	div        *Divergence
	stacked    bool
	// width and height are the screen's size at the last draw.
	width, height int
	// focused is the primitive given the focus last (setFocus).
	focused tview.Primitive
	// detailText is the selected record's text; detailWidth the width it
	// was wrapped for (-1: not yet); detailIdx the record it shows.
	detailText  string
	detailWidth int
	detailIdx   int
	detailPane  *recordPane

	// pendingJump is a seq asked for before the index reached it.
	pendingJump uint64
	// searching stops the running search, nil when none runs; searched
	// is closed when the last search's goroutine ended.
	searching context.CancelFunc
	searched  chan struct{}
	// stop ends the background index; indexed is closed when it ended.
	stop     chan struct{}
	indexed  chan struct{}
	growing  atomic.Bool  // a grow is queued
	lastGrow atomic.Int64 // when the last grow ran, in Unix nanoseconds
	// live: a run followed as it is recorded; tail: the selection
	// follows the newest record; selecting: the viewer moves the
	// selection itself.
	live      string
	tail      bool
	selecting bool
	ended     bool
}

// New builds a viewer of records held in memory.
func New(h flowlog.Header, recs []flowlog.Record) *Viewer {
	st := memoryStore(h, recs)
	v := newViewer(st)
	v.total = st.Len()
	v.title = fmt.Sprintf("kratos-tui trace: %d records, log v%s by %s", len(recs), h.SchemaVersion, h.AppVersion)
	v.refill(0)
	return v
}

// Open builds a viewer of the log at path: it checks the header, then
// indexes the records in the background while the first ones show. A
// record that is corrupt or cut short ends the timeline there, with the
// reason in the header.
func Open(path string) (*Viewer, error) {
	st, err := openStore(path)
	if err != nil {
		return nil, err
	}
	v := newViewer(st)
	v.stop, v.indexed = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(v.indexed)
		st.index(v.stop, v.notify)
	}()
	v.grow()
	return v, nil
}

// NewLive builds a viewer of a run followed as it is recorded, named
// where: Append adds its records, End says it ended. The selection
// follows the newest record until the user moves it (F toggles).
func NewLive(h flowlog.Header, where string) *Viewer {
	st := newStore(h)
	v := newViewer(st)
	v.live, v.tail = where, true
	v.fitBars()
	v.grow()
	return v
}

// Append adds a record of a run followed live; it is safe to call from
// any goroutine.
func (v *Viewer) Append(r flowlog.Record) {
	v.st.append(r)
	v.notify(false)
}

// End says the followed run ended (err nil) or could not be followed
// further; it is safe to call from any goroutine.
func (v *Viewer) End(err error) {
	v.st.mu.Lock()
	v.st.done, v.st.err = true, err
	v.st.mu.Unlock()
	v.notify(true)
}

func newViewer(st *store) *Viewer {
	v := &Viewer{
		app:       tview.NewApplication(),
		header:    tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		table:     tview.NewTable().SetSelectable(true, false).SetFixed(0, 0),
		detail:    tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		right:     tview.NewPages(),
		reason:    tview.NewTextView().SetDynamicColors(false).SetWrap(true),
		expected:  tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		actual:    tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		help:      tview.NewTextView().SetDynamicColors(false).SetWrap(false).SetText(HelpBar),
		prompt:    tview.NewInputField(),
		bottom:    tview.NewPages(),
		st:        st,
		rows:      map[int][4]*tview.TableCell{},
		detailIdx: -2,
	}
	v.table.SetContent(&timeline{v: v})
	v.table.SetBorder(true).SetTitle(" timeline ")
	v.detail.SetBorder(true).SetTitle(" record ")
	v.expected.SetBorder(true).SetTitle(" recorded (expected) ")
	v.actual.SetBorder(true).SetTitle(" replayed (actual) ")
	v.reason.SetBorder(true).SetTitle(" replay diverged: lines that differ are marked ▶, Tab visits the sides ")
	v.table.SetSelectionChangedFunc(func(row, _ int) {
		if !v.selecting && v.tail && row < v.rowCount()-1 {
			v.tail = false
			v.updateHeader()
		}
		v.showDetail(row)
	})
	v.prompt.SetDoneFunc(v.promptDone)
	sides := tview.NewFlex().AddItem(v.expected, 0, 1, false).AddItem(v.actual, 0, 1, false)
	divPane := tview.NewFlex().SetDirection(tview.FlexRow).AddItem(v.reason, 4, 0, false).AddItem(sides, 0, 1, false)
	v.detailPane = &recordPane{TextView: v.detail, v: v}
	v.right.AddPage("record", v.detailPane, true, true).AddPage("divergence", divPane, true, false)
	v.body = tview.NewFlex().AddItem(v.table, 0, 3, true).AddItem(v.right, 0, 2, false)
	v.bottom.AddPage("help", v.help, true, true).AddPage("prompt", v.prompt, true, false)
	v.root = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(v.header, 1, 0, false).AddItem(v.body, 0, 1, true).AddItem(v.bottom, 1, 0, false)
	v.app.SetRoot(v.root, true)
	v.setFocus(v.table)
	v.app.SetInputCapture(v.keys)
	v.app.SetBeforeDrawFunc(v.layout)
	return v
}

// timeline is the table's content: rows decoded when drawn.
type timeline struct {
	tview.TableContentReadOnly
	v *Viewer
}

func (t *timeline) GetRowCount() int    { return t.v.rowCount() }
func (t *timeline) GetColumnCount() int { return 4 }

func (t *timeline) GetCell(row, col int) *tview.TableCell {
	i := t.v.indexOfRow(row)
	if i < 0 || col < 0 || col > 3 {
		return nil
	}
	return t.v.cells(i)[col]
}

// cells are the timeline cells of record i, decoded once and kept while
// the cache is small.
func (v *Viewer) cells(i int) [4]*tview.TableCell {
	if c, ok := v.rows[i]; ok {
		return c
	}
	if len(v.rows) >= 4096 {
		clear(v.rows)
	}
	var c [4]*tview.TableCell
	r, err := v.st.Record(i)
	if err != nil {
		seq := v.st.seqOf(i)
		c = [4]*tview.TableCell{tview.NewTableCell(fmt.Sprintf("%5d", seq)), tview.NewTableCell("?"), tview.NewTableCell("unreadable"),
			tview.NewTableCell(cellText(err.Error())).SetExpansion(1)}
	} else {
		seqCell := fmt.Sprintf("%5d", r.Seq)
		if v.div != nil && r.Seq == v.div.Seq {
			seqCell = fmt.Sprintf("!%4d", r.Seq)
		}
		c = [4]*tview.TableCell{tview.NewTableCell(seqCell), tview.NewTableCell(cellText(string(r.Kind))).SetTextColor(kindColor(r.Kind)),
			tview.NewTableCell(cellText(r.Type)), tview.NewTableCell(cellText(Summary(r))).SetExpansion(1)}
	}
	v.rows[i] = c
	return c
}

// cellText is a value from the log as a table cell shows it: tview
// interprets style tags ("[yellow]", "[:::url]") in table cells, so the
// value's tags are escaped (tview.Escape) and shown as they are; control
// and bidi characters are escaped as in every view (termtext.Escape).
// The other panes are text views that do not interpret tags
// (SetDynamicColors(false)): they escape control and bidi characters
// only, since tview.Escape would show its "[]" there.
func cellText(s string) string { return tview.Escape(termtext.Escape(s)) }

// rowCount is the number of timeline rows.
func (v *Viewer) rowCount() int {
	if v.shown != nil {
		return len(v.shown)
	}
	return v.total
}

// indexOfRow is the store index of a timeline row, -1 when none.
func (v *Viewer) indexOfRow(row int) int {
	if row < 0 || row >= v.rowCount() {
		return -1
	}
	if v.shown != nil {
		return int(v.shown[row])
	}
	return row
}

// rowOfIndex is the first row at or after store index i, rowCount when
// none.
func (v *Viewer) rowOfIndex(i int) int {
	if v.shown == nil {
		return min(i, v.total)
	}
	return sort.Search(len(v.shown), func(k int) bool { return int(v.shown[k]) >= i })
}

// notify asks for a grow on the UI goroutine: at most one is pending, and
// but for the last at most 20 a second (a grow due sooner waits its turn).
func (v *Viewer) notify(last bool) {
	if !v.growing.CompareAndSwap(false, true) {
		return // the pending grow takes these records in too
	}
	queue := func() {
		v.app.QueueUpdateDraw(func() {
			v.growing.Store(false)
			v.grow()
		})
	}
	wait := 50*time.Millisecond - time.Since(time.Unix(0, v.lastGrow.Load()))
	if last || wait <= 0 {
		go queue()
		return
	}
	time.AfterFunc(wait, queue)
}

// grow takes in the records indexed or received since the last grow.
func (v *Viewer) grow() {
	v.lastGrow.Store(time.Now().UnixNano())
	n, _, done, _ := v.st.progress()
	wasEmpty := v.rowCount() == 0
	if n > v.total {
		if v.shown != nil {
			v.st.mu.RLock()
			for i := v.total; i < n; i++ {
				if v.visibleLocked(v.st.metaAt(i)) {
					v.shown = append(v.shown, int32(i))
				}
			}
			v.st.mu.RUnlock()
		}
		v.total = n
	}
	jumped := false
	if v.pendingJump != 0 && (v.st.indexOfSeq(v.pendingJump) < n || done) {
		seq := v.pendingJump
		v.pendingJump = 0
		v.status = ""
		v.JumpTo(seq)
		jumped = true
	}
	v.updateHeader()
	switch {
	case v.tail && v.rowCount() > 0:
		v.selectRow(v.rowCount() - 1)
	case jumped:
	case wasEmpty && v.rowCount() > 0:
		v.selectRow(0)
	}
	if !v.tail {
		// Rows added below must not scroll the timeline away from the
		// selection (a table drawn at its end tracks the end).
		r, c := v.table.GetOffset()
		v.table.SetOffset(r, c)
	}
}

func (v *Viewer) selectRow(row int) {
	v.selecting = true
	v.table.Select(row, 0)
	v.selecting = false
}

func operationOf(r flowlog.Record) string {
	switch ev := r.Event.(type) {
	case events.AdapterCalled:
		return ev.Operation
	case events.AdapterReturned:
		return ev.Operation
	}
	return ""
}

// layout stacks the panes below 120 columns.
func (v *Viewer) layout(screen tcell.Screen) bool {
	w, h := screen.Size()
	if w != v.width || h != v.height {
		// Keep the selection in view once the panes have their new size.
		v.width, v.height = w, h
		row, _ := v.table.GetSelection()
		v.selectRow(row)
	}
	v.fitBars()
	stacked := w < 120
	if stacked != v.stacked {
		v.stacked = stacked
		defer v.updateHeader()
		if stacked {
			v.body.SetDirection(tview.FlexRow)
			v.body.ResizeItem(v.table, 0, 2)
			v.body.ResizeItem(v.right, 0, 3)
		} else {
			v.body.SetDirection(tview.FlexColumn)
			v.body.ResizeItem(v.table, 0, 3)
			v.body.ResizeItem(v.right, 0, 2)
		}
	}
	return false
}

// setFocus focuses p and marks the focused pane's title.
func (v *Viewer) setFocus(p tview.Primitive) {
	v.focused = p
	v.app.SetFocus(p)
	mark := func(pane interface {
		tview.Primitive
		SetTitle(string) *tview.Box
	}, title string) {
		if pane == v.focused {
			pane.SetTitle(" ▶ " + title + " (focused) ")
		} else {
			pane.SetTitle(" " + title + " ")
		}
	}
	mark(v.table, "timeline")
	mark(v.detail, "record")
	mark(v.expected, "recorded (expected)")
	mark(v.actual, "replayed (actual)")
}

// Application returns the tview application (tests set a simulation
// screen and an after-draw hook on it).
func (v *Viewer) Application() *tview.Application { return v.app }

// Run shows the viewer until the user quits; it then stops the index and
// any search, and closes the log.
func (v *Viewer) Run() error {
	err := v.app.Run()
	if v.searching != nil {
		v.searching()
	}
	if v.stop != nil {
		close(v.stop)
		<-v.indexed
	}
	v.st.close()
	if err != nil {
		return fmt.Errorf("trace viewer: %w", err)
	}
	return nil
}

// panes are the primitives Tab cycles through.
func (v *Viewer) panes() []tview.Primitive {
	if v.onDivergence() {
		return []tview.Primitive{v.table, v.expected, v.actual}
	}
	return []tview.Primitive{v.table, v.detail}
}

func (v *Viewer) onDivergence() bool {
	return v.div != nil && v.SelectedSeq() == v.div.Seq
}

func (v *Viewer) keys(ev *tcell.EventKey) *tcell.EventKey {
	if v.focused == v.prompt {
		if ev.Key() == tcell.KeyEscape {
			v.closePrompt()
			return nil
		}
		return ev
	}
	switch ev.Key() {
	case tcell.KeyTab, tcell.KeyBacktab:
		ps := v.panes()
		cur := 0
		for i, p := range ps {
			if p == v.focused {
				cur = i
			}
		}
		step := 1
		if ev.Key() == tcell.KeyBacktab {
			step = len(ps) - 1
		}
		v.setFocus(ps[(cur+step)%len(ps)])
		return nil
	case tcell.KeyEscape:
		if v.searching != nil {
			v.searching()
			v.searching = nil
			v.setStatus(fmt.Sprintf("search for %q stopped", v.query))
			return nil
		}
		if v.focused != v.table {
			v.setFocus(v.table)
			return nil
		}
		v.app.Stop()
		return nil
	case tcell.KeyRune:
	default:
		return ev
	}
	switch ev.Rune() {
	case 'q':
		v.app.Stop()
	case 'f':
		v.filter = (v.filter + 1) % len(Filters)
		v.refill(v.SelectedSeq())
	case 'o':
		ops, _ := v.st.lists()
		v.operation = next(ops, v.operation)
		v.refill(v.SelectedSeq())
	case 'i':
		_, flows := v.st.lists()
		v.flow = next(flows, v.flow)
		v.refill(v.SelectedSeq())
	case 'x':
		v.filter, v.operation, v.flow = 0, "", ""
		v.refill(v.SelectedSeq())
	case 'g', ':':
		v.openPrompt("jump", "jump to seq: ")
	case '/':
		v.openPrompt("search", "search all records: ")
	case 'n':
		v.Search(v.query, 1)
	case 'N':
		v.Search(v.query, -1)
	case 'F':
		v.SetTail(!v.tail)
	case 'd':
		if v.div != nil {
			v.JumpTo(v.div.Seq)
			v.setFocus(v.table)
		} else {
			v.setStatus("no replay divergence (open with trace --replay)")
		}
	default:
		return ev
	}
	return nil
}

// SetTail makes the selection follow the newest record (on) or stay.
func (v *Viewer) SetTail(on bool) {
	v.tail = on
	if on && v.rowCount() > 0 {
		v.selectRow(v.rowCount() - 1)
	}
	v.updateHeader()
}

// next is the value after cur in the cycle "" → xs[0] → … → "".
func next(xs []string, cur string) string {
	if cur == "" {
		if len(xs) == 0 {
			return ""
		}
		return xs[0]
	}
	for i, x := range xs {
		if x == cur && i+1 < len(xs) {
			return xs[i+1]
		}
	}
	return ""
}

func (v *Viewer) openPrompt(mode, label string) {
	v.promptMode = mode
	v.prompt.SetLabel(label).SetText("")
	if mode == "jump" {
		v.prompt.SetAcceptanceFunc(tview.InputFieldInteger)
	} else {
		v.prompt.SetAcceptanceFunc(nil)
	}
	v.bottom.SwitchToPage("prompt")
	v.setFocus(v.prompt)
}

func (v *Viewer) closePrompt() {
	v.prompt.SetText("")
	v.bottom.SwitchToPage("help")
	v.setFocus(v.table)
}

func (v *Viewer) promptDone(key tcell.Key) {
	text := v.prompt.GetText()
	mode := v.promptMode
	v.closePrompt()
	if key != tcell.KeyEnter || text == "" {
		return
	}
	switch mode {
	case "jump":
		if n, err := strconv.ParseUint(text, 10, 64); err == nil {
			v.JumpTo(n)
		}
	case "search":
		v.Search(text, 1)
	}
}

// SetFilter shows only the records of Filters[i], keeping the selection
// on the nearest record.
func (v *Viewer) SetFilter(i int) {
	seq := v.SelectedSeq()
	v.filter = i
	v.refill(seq)
}

// SetDivergence marks a replay's first divergence and selects it: the
// record pane shows the recorded and replayed records side by side.
func (v *Viewer) SetDivergence(d *Divergence) {
	v.div = d
	clear(v.rows)
	if d != nil {
		v.JumpTo(d.Seq)
	}
}

// JumpTo selects the record of the given seq (or the first after it),
// clearing the filters when they hide that record. A seq the index has
// not reached yet is selected when it does.
func (v *Viewer) JumpTo(seq uint64) {
	i := v.st.indexOfSeq(seq)
	if i >= v.total {
		if _, _, done, _ := v.st.progress(); !done {
			v.pendingJump = seq
			v.setStatus(fmt.Sprintf("seq %d: indexing up to it…", seq))
			return
		}
	}
	if v.shown != nil {
		if r := v.rowOfIndex(i); r >= len(v.shown) || int(v.shown[r]) != i {
			v.filter, v.operation, v.flow = 0, "", ""
		}
	}
	v.refill(seq)
	if i >= v.total && v.total > 0 {
		v.setStatus(fmt.Sprintf("seq %d: no such record; the log ends at seq %d (shown)", seq, v.st.seqOf(v.total-1)))
	}
}

// searchBlock is the stretch of records a search decodes between looks
// at its cancellation.
const searchBlock = 256

// Search selects the next record (dir 1) or the previous one (dir -1)
// whose text — summary and record pane — holds query, ignoring case,
// across all records (a filter that hides it is cleared), and highlights
// the match in the record pane. It reads the log in the background,
// showing its progress; Esc stops it.
func (v *Viewer) Search(query string, dir int) {
	if query == "" {
		v.setStatus("no search yet: / to search")
		return
	}
	v.query = query
	if v.searching != nil {
		v.searching()
	}
	n := v.total
	if n == 0 {
		v.setStatus(fmt.Sprintf("%q: no record holds it", query))
		v.showDetail(v.selectedRow())
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.searching = cancel
	v.setStatus(fmt.Sprintf("searching for %q (Esc stops)", query))
	start := v.selectedIndex()
	q := strings.ToLower(query)
	words := searchWords(q)
	st := v.st
	ended := make(chan struct{})
	v.searched = ended
	go func() {
		defer close(ended)
		found := -1
		var states []string
		block := -1
		lastShown := time.Now()
		for k := 1; k <= n && found < 0; k++ {
			if k%searchBlock == 0 {
				if ctx.Err() != nil {
					return
				}
				if time.Since(lastShown) > 100*time.Millisecond {
					lastShown = time.Now()
					pct := 100 * k / n
					v.app.QueueUpdateDraw(func() {
						if ctx.Err() == nil {
							v.setStatus(fmt.Sprintf("searching for %q: %d%% of %d records (Esc stops)", query, pct, n))
						}
					})
				}
			}
			i := ((start+dir*k)%n + n) % n
			if b := i / checkpointEvery; b != block {
				block = b
				states = st.states(b*checkpointEvery, (b+1)*checkpointEvery)
			}
			state := ""
			if j := i - block*checkpointEvery; j < len(states) {
				state = states[j]
			}
			var r flowlog.Record
			line, err := st.Line(i)
			if err == nil && line != nil {
				if !mayHold(line, st.kindOf(i), state, words) {
					continue
				}
				r, err = st.Decode(i, line)
			} else if err == nil {
				r, err = st.Record(i)
			}
			if err != nil {
				continue
			}
			e := Entry{Record: r, State: state}
			if strings.Contains(strings.ToLower(Summary(r)), q) || strings.Contains(strings.ToLower(Detail(e)), q) {
				found = i
			}
		}
		v.app.QueueUpdateDraw(func() {
			if ctx.Err() != nil {
				return
			}
			cancel()
			v.searching = nil
			if found < 0 {
				v.setStatus(fmt.Sprintf("%q: no record holds it", query))
				v.detailIdx = -2
				v.showDetail(v.selectedRow())
				return
			}
			wrapped := ""
			if dir > 0 && found <= start || dir < 0 && found >= start {
				wrapped = ", wrapped"
			}
			seq := st.seqOf(found)
			v.JumpTo(seq)
			v.setStatus(fmt.Sprintf("%q found in seq %d%s (n/N)", query, seq, wrapped))
		})
	}()
}

func (v *Viewer) setStatus(s string) {
	v.status = s
	v.updateHeader()
}

func (v *Viewer) selectedRow() int {
	row, _ := v.table.GetSelection()
	return row
}

// selectedIndex is the store index of the selected row, -1 when none.
func (v *Viewer) selectedIndex() int {
	return v.indexOfRow(v.selectedRow())
}

// SelectedSeq returns the seq of the selected record, 0 when none.
func (v *Viewer) SelectedSeq() uint64 {
	if i := v.selectedIndex(); i >= 0 {
		return v.st.seqOf(i)
	}
	return 0
}

// filtered says whether a filter is set.
func (v *Viewer) filtered() bool {
	return Filters[v.filter] != "" || v.operation != "" || v.flow != ""
}

// visibleLocked says whether the filters show a record; v.st.mu is held.
func (v *Viewer) visibleLocked(m meta) bool {
	if kind := Filters[v.filter]; kind != "" && kinds[m.kind] != kind {
		return false
	}
	if v.operation != "" {
		k := kinds[m.kind]
		if k != events.KindAdapterCall && k != events.KindAdapterResult || m.name == 0 || v.st.names[m.name-1] != v.operation {
			return false
		}
	}
	if v.flow != "" {
		i, ok := v.st.flowIdx[v.flow]
		return ok && m.flow == i
	}
	return true
}

// refill rebuilds the timeline for the filters from the index (no record
// is decoded) and selects the first row at or after seq.
func (v *Viewer) refill(seq uint64) {
	if v.filtered() {
		v.shown = v.shown[:0]
		if v.shown == nil {
			v.shown = []int32{}
		}
		v.st.mu.RLock()
		for i := 0; i < v.total; i++ {
			if v.visibleLocked(v.st.metaAt(i)) {
				v.shown = append(v.shown, int32(i))
			}
		}
		v.st.mu.RUnlock()
	} else {
		v.shown = nil
	}
	sel := v.rowOfIndex(v.st.indexOfSeq(seq))
	if sel >= v.rowCount() {
		sel = max(v.rowCount()-1, 0)
	}
	v.updateHeader()
	v.detailIdx = -2
	v.selectRow(sel)
}

func (v *Viewer) updateHeader() {
	var fs []string
	if kind := Filters[v.filter]; kind != "" {
		fs = append(fs, "kind "+string(kind))
	}
	if v.operation != "" {
		fs = append(fs, "op "+v.operation)
	}
	if v.flow != "" {
		fs = append(fs, "flow "+clip(v.flow, 13))
	}
	filter := "all records"
	if len(fs) > 0 {
		filter = strings.Join(fs, ", ") + fmt.Sprintf(" (%d shown)", len(v.shown))
	}
	n, frac, done, err := v.st.progress()
	h := v.st.header
	title := v.title
	short := fmt.Sprintf("%d records", v.total)
	switch {
	case v.live != "":
		tail := "F: tail off"
		if v.tail {
			tail = "F: tail on"
		}
		state := "live"
		if done {
			state = "ended"
		}
		title = fmt.Sprintf("kratos-tui trace: %s %s, %d records (%s)", state, v.live, v.total, tail)
		short = fmt.Sprintf("%s: %d records (%s)", state, v.total, tail)
	case title != "":
	case !done:
		title = fmt.Sprintf("kratos-tui trace: indexing %d records (%.0f%%)", n, 100*frac)
		short = fmt.Sprintf("indexing %d records (%.0f%%)", n, 100*frac)
	default:
		title = fmt.Sprintf("kratos-tui trace: %d records, log v%s by %s", v.total, h.SchemaVersion, h.AppVersion)
	}
	if v.stacked { // 80 columns: keep room for the filters and the status
		title = short
	}
	line := fmt.Sprintf("%s | %s", title, filter)
	if err != nil && done {
		line += fmt.Sprintf(" | warning: %v; shown: the %d records before it", err, n)
	}
	if v.status != "" {
		line += " | " + v.status
	}
	if err == nil && v.live == "" && v.st.unended() {
		line += " | warning: no end mark (the run was killed or the file cut)"
	}
	v.headerLine = line
	v.fitBars()
}

// helpBar is the key line: the whole one where it fits, else the short
// one; a run followed live has its own.
func (v *Viewer) helpBar() string {
	switch {
	case v.live != "":
		return HelpBarLive
	case v.width == 0 || v.width >= utf8.RuneCountInString(HelpBar):
		return HelpBar
	}
	return HelpBarShort
}

// fitBars lays out the header and the key line at the width drawn: each
// takes as many rows as it needs (a narrow terminal, a long status),
// broken between words and between keys, never cut.
func (v *Viewer) fitBars() {
	if v.root == nil {
		return // still being built: laid out before the first frame
	}
	w := v.width
	if w <= 0 {
		w = 80
	}
	header := termtext.Rows(strings.Split(v.headerLine, " "), " ", w)
	for i := range header {
		header[i] = termtext.Escape(header[i])
	}
	v.header.SetText(strings.Join(header, "\n"))
	v.root.ResizeItem(v.header, len(header), 0)
	keys := termtext.Rows(strings.Split(v.helpBar(), "  "), "  ", w)
	v.help.SetText(strings.Join(keys, "\n"))
	v.root.ResizeItem(v.bottom, len(keys), 0)
}

func kindColor(k events.Kind) tcell.Color {
	switch k {
	case events.KindIntent:
		return tcell.ColorYellow
	case events.KindTransition:
		return tcell.ColorAqua
	case events.KindAdapterCall, events.KindAdapterResult:
		return tcell.ColorFuchsia
	}
	return tcell.ColorLime
}

func (v *Viewer) showDetail(row int) {
	idx := v.indexOfRow(row)
	if idx < 0 {
		v.detailIdx = -1
		v.detail.SetText("no record: the filters hide every record (x clears them)")
		if v.total == 0 {
			v.detail.SetText("no record yet")
		}
		v.right.SwitchToPage("record")
		return
	}
	if idx == v.detailIdx {
		return
	}
	v.detailIdx = idx
	e, err := v.st.Entry(idx)
	if err != nil {
		v.right.SwitchToPage("record")
		v.detailText = fmt.Sprintf("seq %d: %s\n", v.st.seqOf(idx), termtext.Escape(err.Error()))
		v.detailWidth = -1
		v.rewrap(v.detailPane.width())
		return
	}
	if v.div != nil && e.Seq == v.div.Seq {
		v.showDivergence()
		return
	}
	if v.focused == v.expected || v.focused == v.actual {
		v.setFocus(v.table)
	}
	v.right.SwitchToPage("record")
	v.detailText = Detail(e) + v.screenAt(idx)
	v.detailWidth = -1 // rewrap, and scroll to the first match
	v.rewrap(v.detailPane.width())
}

// rewrap lays the record's text out for the record pane's width: long
// lines are wrapped by the viewer (the pane itself does not interpret or
// wrap the text, so no character of a record is taken for markup), every
// line of a search match is marked "»" in the left margin, and the pane
// scrolls to the first match.
func (v *Viewer) rewrap(w int) {
	if w <= 0 {
		w = 78
	}
	if w == v.detailWidth {
		return
	}
	fresh := v.detailWidth < 0
	row, _ := v.detail.GetScrollOffset()
	v.detailWidth = w
	width := max(w-2, 10)
	q := strings.ToLower(v.query)
	var sb strings.Builder
	first, n := -1, 0
	for _, line := range strings.Split(strings.TrimSuffix(v.detailText, "\n"), "\n") {
		margin := "  "
		if q != "" && strings.Contains(strings.ToLower(line), q) {
			margin = "» "
			if first < 0 {
				first = n
			}
		}
		for _, seg := range wrapRunes(line, width) {
			sb.WriteString(margin + seg + "\n")
			n++
		}
	}
	v.detail.SetText(sb.String())
	switch {
	case fresh && first >= 0:
		v.detail.ScrollTo(max(first-2, 0), 0)
	case fresh:
		v.detail.ScrollToBeginning()
	default:
		v.detail.ScrollTo(row, 0)
	}
}

// recordPane is the record pane: it lays the record out for its width
// before it draws.
type recordPane struct {
	*tview.TextView
	v *Viewer
}

// width is the pane's inner width (its rect less the border).
func (p *recordPane) width() int {
	_, _, w, _ := p.GetRect()
	return w - 2
}

// Draw implements tview.Primitive.
func (p *recordPane) Draw(screen tcell.Screen) {
	p.v.rewrap(p.width())
	p.TextView.Draw(screen)
}

// wrapRunes cuts a line into pieces of at most w runes, continuation
// pieces indented like the line.
func wrapRunes(line string, w int) []string {
	r := []rune(line)
	if len(r) <= w {
		return []string{line}
	}
	ind := 0
	for ind < len(r) && r[ind] == ' ' && ind < w/2 {
		ind++
	}
	out := []string{string(r[:w])}
	r = r[w:]
	pad := strings.Repeat(" ", ind)
	for len(r) > 0 {
		k := min(len(r), w-ind)
		out = append(out, pad+string(r[:k]))
		r = r[k:]
	}
	return out
}

// screenAt says what the UI showed at entry idx: the last state event up
// to it.

// screenAt says what the UI showed at record idx: the last state event up
// to it (the view model's fold from the nearest checkpoint).
func (v *Viewer) screenAt(idx int) string {
	f := v.st.foldAt(idx)
	if f.screen < 0 {
		return "\nscreen shown: none yet\n"
	}
	r, err := v.st.Record(f.screen)
	if err != nil {
		return fmt.Sprintf("\nscreen shown: seq %d: %s\n", v.st.seqOf(f.screen), termtext.Escape(err.Error()))
	}
	return fmt.Sprintf("\nscreen shown: %s (seq %d) %s\n", termtext.Escape(r.Type), r.Seq, Summary(r))
}

// showDivergence fills the side-by-side pane: the reason, then the
// recorded and replayed records with the lines that differ in red.
func (v *Viewer) showDivergence() {
	d := v.div
	reason := fmt.Sprintf("seq %d: %s", d.Seq, d.Reason)
	if d.Field != "" && !strings.Contains(d.Reason, d.Field) {
		reason += " (first differing field: " + d.Field + ")"
	}
	v.reason.SetText(termtext.EscapeText(reason))
	el, al := jsonLines(d.Expected), jsonLines(d.Actual)
	inE, inA := CommonLines(el, al)
	render := func(ls []string, common []bool, empty string) string {
		if len(ls) == 0 {
			return empty
		}
		var sb strings.Builder
		for i, l := range ls {
			if common[i] {
				sb.WriteString("  " + l + "\n")
			} else {
				sb.WriteString("▶ " + l + "\n")
			}
		}
		return sb.String()
	}
	v.expected.SetText(render(el, inE, "nothing: the replay published an event the recording lacks"))
	v.actual.SetText(render(al, inA, "nothing: the replay stopped before this record"))
	// Start both sides at the first difference.
	first := func(common []bool) int {
		for i, c := range common {
			if !c {
				return max(i-1, 0)
			}
		}
		return 0
	}
	v.expected.ScrollTo(first(inE), 0)
	v.actual.ScrollTo(first(inA), 0)
	v.right.SwitchToPage("divergence")
}

func jsonLines(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return strings.Split(termtext.EscapeText(string(raw)), "\n")
	}
	return strings.Split(termtext.EscapeText(out.String()), "\n")
}

// CommonLines marks the lines of a and b that are in a longest common
// subsequence of the two; the others are the differences.
func CommonLines(a, b []string) (inA, inB []bool) {
	n, m := len(a), len(b)
	inA, inB = make([]bool, n), make([]bool, m)
	if n*m > 4_000_000 { // two huge records: compare line by line
		for i := 0; i < n && i < m; i++ {
			inA[i], inB[i] = a[i] == b[i], a[i] == b[i]
		}
		return inA, inB
	}
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			inA[i], inB[j] = true, true
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return inA, inB
}

// Detail is the full text of one entry: its envelope, the machine's state,
// every HTTP exchange of an adapter result as request and response, and
// its data, JSON indented. Every value from the log is escaped
// (termtext): a value cannot add a line or reach the terminal as a control
// or bidi character.
func Detail(e Entry) string {
	var sb strings.Builder
	esc := termtext.Escape
	fmt.Fprintf(&sb, "seq %d  %s %s\n", e.Seq, esc(string(e.Kind)), esc(e.Type))
	fmt.Fprintf(&sb, "time:        %s\n", e.Time.Format("2006-01-02T15:04:05.000Z07:00"))
	fmt.Fprintf(&sb, "FSM state:   %s\n", esc(e.State))
	fmt.Fprintf(&sb, "id:          %s\ncorrelation: %s\ncausation:   %s\n", esc(e.ID), esc(e.CorrelationID), esc(e.CausationID))
	if e.FlowID != "" {
		fmt.Fprintf(&sb, "flow:        %s\n", esc(e.FlowID))
	}
	if ret, ok := e.Event.(events.AdapterReturned); ok {
		for i, h := range ret.HTTP {
			writeExchange(&sb, i+1, len(ret.HTTP), h)
		}
		ret.HTTP = nil
		e.Event = ret
	}
	data, err := json.Marshal(e.Event)
	if err == nil && string(data) != "{}" {
		fmt.Fprintf(&sb, "\ndata:\n%s\n", indent(data, "  "))
	}
	return sb.String()
}

func writeExchange(sb *strings.Builder, n, of int, h events.HTTPExchange) {
	fmt.Fprintf(sb, "\n── HTTP exchange %d of %d (%.1f ms) ──\n", n, of, h.LatencyMS)
	esc := termtext.Escape
	fmt.Fprintf(sb, "▶ request   %s %s\n", esc(h.Method), esc(h.URL))
	writeHeaders(sb, h.Headers)
	writeBody(sb, h.Request, h.RequestText)
	if h.Error != "" {
		cause := ""
		if h.ErrorCause != "" {
			cause = " (" + esc(h.ErrorCause) + ")"
		}
		fmt.Fprintf(sb, "◀ response  none%s: %s\n", cause, esc(h.Error))
		return
	}
	fmt.Fprintf(sb, "◀ response  %d %s", h.Status, http.StatusText(h.Status))
	if ids := events.KratosMessageIDs(h.Response); len(ids) > 0 {
		fmt.Fprintf(sb, "  Kratos messages %s", esc(strings.Join(ids, ", ")))
	}
	sb.WriteString("\n")
	writeHeaders(sb, h.ResponseHeaders)
	writeBody(sb, h.Response, h.ResponseText)
}

func writeHeaders(sb *strings.Builder, hs map[string][]string) {
	names := make([]string, 0, len(hs))
	for k := range hs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(sb, "  %s: %s\n", termtext.Escape(k), termtext.Escape(strings.Join(hs[k], ", ")))
	}
}

func writeBody(sb *strings.Builder, body json.RawMessage, isText bool) {
	if len(body) == 0 {
		return
	}
	if isText {
		var s string
		if json.Unmarshal(body, &s) == nil {
			fmt.Fprintf(sb, "  %s\n", strings.ReplaceAll(termtext.EscapeText(s), "\n", "\n  "))
			return
		}
	}
	fmt.Fprintf(sb, "%s\n", indent(body, "  "))
}

func indent(raw []byte, prefix string) string {
	var out bytes.Buffer
	if err := json.Indent(&out, raw, prefix, "  "); err != nil {
		return prefix + termtext.Escape(string(raw))
	}
	return termtext.EscapeText(prefix + out.String())
}
