package traceview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/events"
	"github.com/kratos-tui/kratos-tui/events/flowlog"
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

// Viewer is the interactive trace viewer: a scrollable timeline, and the
// selected record in full in a pane that takes focus (Tab) and scrolls:
// the machine's state and the screen shown at that point, every HTTP
// exchange as request and response, the event's data, JSON indented.
// `/` searches every record, n and N repeat; f, o and i filter by kind,
// operation and flow id; g jumps to a seq. Given a replay's divergence
// (SetDivergence) it shows the recorded and replayed records side by side.
// Below 120 columns the panes are stacked, so it works at 80x24.
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
	title    string
	entries  []Entry
	shown    []int // indexes into entries of the visible rows

	filter     int    // index into Filters
	operation  string // "" or an adapter operation
	flow       string // "" or a Kratos flow id
	operations []string
	flows      []string

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
	// was wrapped for (-1: not yet).
	detailText  string
	detailWidth int
	detailPane  *recordPane
}

// New builds a viewer of the records of a log.
func New(h flowlog.Header, recs []flowlog.Record) *Viewer {
	v := &Viewer{
		app:      tview.NewApplication(),
		header:   tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		table:    tview.NewTable().SetSelectable(true, false).SetFixed(0, 0),
		detail:   tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		right:    tview.NewPages(),
		reason:   tview.NewTextView().SetDynamicColors(false).SetWrap(true),
		expected: tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		actual:   tview.NewTextView().SetDynamicColors(false).SetWrap(false),
		help:     tview.NewTextView().SetDynamicColors(false).SetWrap(false).SetText(HelpBar),
		prompt:   tview.NewInputField(),
		bottom:   tview.NewPages(),
		entries:  Entries(recs),
		title:    fmt.Sprintf("kratos-tui trace: %d records, log v%s by %s", len(recs), h.SchemaVersion, h.AppVersion),
	}
	v.operations, v.flows = v.index()
	v.table.SetBorder(true).SetTitle(" timeline ")
	v.detail.SetBorder(true).SetTitle(" record ")
	v.expected.SetBorder(true).SetTitle(" recorded (expected) ")
	v.actual.SetBorder(true).SetTitle(" replayed (actual) ")
	v.reason.SetBorder(true).SetTitle(" replay diverged: lines that differ are marked ▶, Tab visits the sides ")
	v.table.SetSelectionChangedFunc(func(row, _ int) { v.showDetail(row) })
	v.prompt.SetDoneFunc(v.promptDone)
	sides := tview.NewFlex().AddItem(v.expected, 0, 1, false).AddItem(v.actual, 0, 1, false)
	divPane := tview.NewFlex().SetDirection(tview.FlexRow).AddItem(v.reason, 4, 0, false).AddItem(sides, 0, 1, false)
	v.detailPane = &recordPane{TextView: v.detail, v: v}
	v.right.AddPage("record", v.detailPane, true, true).AddPage("divergence", divPane, true, false)
	v.body = tview.NewFlex().AddItem(v.table, 0, 3, true).AddItem(v.right, 0, 2, false)
	v.bottom.AddPage("help", v.help, true, true).AddPage("prompt", v.prompt, true, false)
	root := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(v.header, 1, 0, false).AddItem(v.body, 0, 1, true).AddItem(v.bottom, 1, 0, false)
	v.app.SetRoot(root, true)
	v.setFocus(v.table)
	v.app.SetInputCapture(v.keys)
	v.app.SetBeforeDrawFunc(v.layout)
	v.refill(0)
	return v
}

// index lists the adapter operations and Kratos flow ids of the log, in
// the order they first appear.
func (v *Viewer) index() (ops, flows []string) {
	seenOp, seenFlow := map[string]bool{}, map[string]bool{}
	for _, e := range v.entries {
		if op := operationOf(e.Record); op != "" && !seenOp[op] {
			seenOp[op] = true
			ops = append(ops, op)
		}
		if e.FlowID != "" && !seenFlow[e.FlowID] {
			seenFlow[e.FlowID] = true
			flows = append(flows, e.FlowID)
		}
	}
	return ops, flows
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
		v.table.Select(row, 0)
	}
	stacked := w < 120
	if stacked != v.stacked {
		v.stacked = stacked
		defer v.updateHeader()
		if stacked {
			v.help.SetText(HelpBarShort)
			v.body.SetDirection(tview.FlexRow)
			v.body.ResizeItem(v.table, 0, 2)
			v.body.ResizeItem(v.right, 0, 3)
		} else {
			v.help.SetText(HelpBar)
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

// Run shows the viewer until the user quits.
func (v *Viewer) Run() error {
	if err := v.app.Run(); err != nil {
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
		v.operation = next(v.operations, v.operation)
		v.refill(v.SelectedSeq())
	case 'i':
		v.flow = next(v.flows, v.flow)
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
	if d != nil {
		v.JumpTo(d.Seq)
	}
}

// JumpTo selects the record of the given seq (or the first after it),
// clearing the filters when they hide that record.
func (v *Viewer) JumpTo(seq uint64) {
	for _, idx := range v.shown {
		if v.entries[idx].Seq == seq {
			v.refill(seq)
			return
		}
	}
	v.filter, v.operation, v.flow = 0, "", ""
	v.refill(seq)
}

// Search selects the next record (dir 1) or the previous one (dir -1)
// whose text — summary and record pane — holds query, ignoring case,
// across all records (a filter that hides it is cleared), and highlights
// the match in the record pane.
func (v *Viewer) Search(query string, dir int) {
	if query == "" {
		v.setStatus("no search yet: / to search")
		return
	}
	v.query = query
	q := strings.ToLower(query)
	start := v.selectedIndex()
	n := len(v.entries)
	for k := 1; k <= n; k++ {
		i := ((start+dir*k)%n + n) % n
		e := v.entries[i]
		if strings.Contains(strings.ToLower(Summary(e.Record)), q) || strings.Contains(strings.ToLower(Detail(e)), q) {
			wrapped := ""
			if dir > 0 && i <= start || dir < 0 && i >= start {
				wrapped = ", wrapped"
			}
			v.JumpTo(e.Seq)
			v.setStatus(fmt.Sprintf("%q found in seq %d%s (n/N)", query, e.Seq, wrapped))
			return
		}
	}
	v.setStatus(fmt.Sprintf("%q: no record holds it", query))
	v.showDetail(v.selectedRow())
}

func (v *Viewer) setStatus(s string) {
	v.status = s
	v.updateHeader()
}

func (v *Viewer) selectedRow() int {
	row, _ := v.table.GetSelection()
	return row
}

// selectedIndex is the entries index of the selected row, -1 when none.
func (v *Viewer) selectedIndex() int {
	row := v.selectedRow()
	if row < 0 || row >= len(v.shown) {
		return -1
	}
	return v.shown[row]
}

// SelectedSeq returns the seq of the selected record, 0 when none.
func (v *Viewer) SelectedSeq() uint64 {
	if i := v.selectedIndex(); i >= 0 {
		return v.entries[i].Seq
	}
	return 0
}

func (v *Viewer) visible(e Entry) bool {
	if kind := Filters[v.filter]; kind != "" && e.Kind != kind {
		return false
	}
	if v.operation != "" && operationOf(e.Record) != v.operation {
		return false
	}
	return v.flow == "" || e.FlowID == v.flow
}

// refill rebuilds the timeline for the filters and selects the first row
// at or after seq.
func (v *Viewer) refill(seq uint64) {
	v.table.Clear()
	v.shown = v.shown[:0]
	sel := -1
	for i, e := range v.entries {
		if !v.visible(e) {
			continue
		}
		row := len(v.shown)
		v.shown = append(v.shown, i)
		seqCell := fmt.Sprintf("%5d", e.Seq)
		if v.div != nil && e.Seq == v.div.Seq {
			seqCell = fmt.Sprintf("!%4d", e.Seq)
		}
		v.table.SetCell(row, 0, tview.NewTableCell(seqCell))
		v.table.SetCell(row, 1, tview.NewTableCell(string(e.Kind)).SetTextColor(kindColor(e.Kind)))
		v.table.SetCell(row, 2, tview.NewTableCell(e.Type))
		v.table.SetCell(row, 3, tview.NewTableCell(Summary(e.Record)).SetExpansion(1))
		if sel < 0 && e.Seq >= seq {
			sel = row
		}
	}
	if sel < 0 {
		sel = max(len(v.shown)-1, 0)
	}
	v.updateHeader()
	v.table.Select(sel, 0)
	v.showDetail(sel)
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
	title := v.title
	if v.stacked { // 80 columns: keep room for the filters and the status
		title = fmt.Sprintf("%d records", len(v.entries))
	}
	line := fmt.Sprintf("%s | %s", title, filter)
	if v.status != "" {
		line += " | " + v.status
	}
	v.header.SetText(line)
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
	if row < 0 || row >= len(v.shown) {
		v.detail.SetText("no record: the filters hide every record (x clears them)")
		v.right.SwitchToPage("record")
		return
	}
	idx := v.shown[row]
	e := v.entries[idx]
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
func (v *Viewer) screenAt(idx int) string {
	for i := idx; i >= 0; i-- {
		if e := v.entries[i]; e.Kind == events.KindState {
			return fmt.Sprintf("\nscreen shown: %s (seq %d) %s\n", e.Type, e.Seq, Summary(e.Record))
		}
	}
	return "\nscreen shown: none yet\n"
}

// showDivergence fills the side-by-side pane: the reason, then the
// recorded and replayed records with the lines that differ in red.
func (v *Viewer) showDivergence() {
	d := v.div
	reason := fmt.Sprintf("seq %d: %s", d.Seq, d.Reason)
	if d.Field != "" && !strings.Contains(d.Reason, d.Field) {
		reason += " (first differing field: " + d.Field + ")"
	}
	v.reason.SetText(reason)
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
		return strings.Split(string(raw), "\n")
	}
	return strings.Split(out.String(), "\n")
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
// its data, JSON indented.
func Detail(e Entry) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "seq %d  %s %s\n", e.Seq, e.Kind, e.Type)
	fmt.Fprintf(&sb, "time:        %s\n", e.Time.Format("2006-01-02T15:04:05.000Z07:00"))
	fmt.Fprintf(&sb, "FSM state:   %s\n", e.State)
	fmt.Fprintf(&sb, "id:          %s\ncorrelation: %s\ncausation:   %s\n", e.ID, e.CorrelationID, e.CausationID)
	if e.FlowID != "" {
		fmt.Fprintf(&sb, "flow:        %s\n", e.FlowID)
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
	fmt.Fprintf(sb, "▶ request   %s %s\n", h.Method, h.URL)
	writeHeaders(sb, h.Headers)
	writeBody(sb, h.Request, h.RequestText)
	if h.Error != "" {
		cause := ""
		if h.ErrorCause != "" {
			cause = " (" + h.ErrorCause + ")"
		}
		fmt.Fprintf(sb, "◀ response  none%s: %s\n", cause, h.Error)
		return
	}
	fmt.Fprintf(sb, "◀ response  %d %s", h.Status, http.StatusText(h.Status))
	if ids := events.KratosMessageIDs(h.Response); len(ids) > 0 {
		fmt.Fprintf(sb, "  Kratos messages %s", strings.Join(ids, ", "))
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
		fmt.Fprintf(sb, "  %s: %s\n", k, strings.Join(hs[k], ", "))
	}
}

func writeBody(sb *strings.Builder, body json.RawMessage, isText bool) {
	if len(body) == 0 {
		return
	}
	if isText {
		var s string
		if json.Unmarshal(body, &s) == nil {
			fmt.Fprintf(sb, "  %s\n", strings.ReplaceAll(s, "\n", "\n  "))
			return
		}
	}
	fmt.Fprintf(sb, "%s\n", indent(body, "  "))
}

func indent(raw []byte, prefix string) string {
	var out bytes.Buffer
	if err := json.Indent(&out, raw, prefix, "  "); err != nil {
		return prefix + string(raw)
	}
	return prefix + out.String()
}
