package traceview

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// Viewer is the interactive trace viewer: a scrollable timeline on the
// left, the selected record in full on the right (the machine's state at
// that point, and for an adapter result every redacted HTTP exchange).
//
// Keys: up/down/pgup/pgdn/home/end scroll, f cycles the kind filter, g
// (or :) jumps to a seq, q or Esc quits.
type Viewer struct {
	app     *tview.Application
	header  *tview.TextView
	table   *tview.Table
	detail  *tview.TextView
	jump    *tview.InputField
	pages   *tview.Flex
	title   string
	entries []Entry
	shown   []int // indexes into entries of the visible rows
	filter  int
}

// New builds a viewer of the records of a log.
func New(h flowlog.Header, recs []flowlog.Record) *Viewer {
	v := &Viewer{
		app:     tview.NewApplication(),
		header:  tview.NewTextView().SetDynamicColors(false),
		table:   tview.NewTable().SetSelectable(true, false).SetFixed(0, 0),
		detail:  tview.NewTextView().SetDynamicColors(false).SetWrap(true),
		jump:    tview.NewInputField().SetLabel("jump to seq: ").SetAcceptanceFunc(tview.InputFieldInteger),
		entries: Entries(recs),
		title:   fmt.Sprintf("kratos-tui trace: %d records, log v%s by %s", len(recs), h.SchemaVersion, h.AppVersion),
	}
	v.table.SetBorder(true).SetTitle(" timeline ")
	v.detail.SetBorder(true).SetTitle(" record ")
	v.table.SetSelectionChangedFunc(func(row, _ int) { v.showDetail(row) })
	v.jump.SetDoneFunc(func(key tcell.Key) {
		if key == tcell.KeyEnter {
			if n, err := strconv.ParseUint(v.jump.GetText(), 10, 64); err == nil {
				v.JumpTo(n)
			}
		}
		v.jump.SetText("")
		v.app.SetFocus(v.table)
	})
	body := tview.NewFlex().AddItem(v.table, 0, 3, true).AddItem(v.detail, 0, 2, false)
	v.pages = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(v.header, 1, 0, false).AddItem(body, 0, 1, true).AddItem(v.jump, 1, 0, false)
	v.app.SetRoot(v.pages, true).SetFocus(v.table)
	v.app.SetInputCapture(v.keys)
	v.refill(0)
	return v
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

func (v *Viewer) keys(ev *tcell.EventKey) *tcell.EventKey {
	if v.app.GetFocus() == v.jump {
		if ev.Key() == tcell.KeyEscape {
			v.jump.SetText("")
			v.app.SetFocus(v.table)
			return nil
		}
		return ev
	}
	switch {
	case ev.Key() == tcell.KeyEscape || ev.Rune() == 'q':
		v.app.Stop()
		return nil
	case ev.Rune() == 'f':
		v.SetFilter((v.filter + 1) % len(Filters))
		return nil
	case ev.Rune() == 'g' || ev.Rune() == ':':
		v.app.SetFocus(v.jump)
		return nil
	}
	return ev
}

// SetFilter shows only the records of Filters[i], keeping the selection
// on the nearest record.
func (v *Viewer) SetFilter(i int) {
	seq := v.SelectedSeq()
	v.filter = i
	v.refill(seq)
}

// JumpTo selects the record of the given seq (or the first after it),
// clearing the filter when it hides that record.
func (v *Viewer) JumpTo(seq uint64) {
	for _, idx := range v.shown {
		if v.entries[idx].Seq == seq {
			v.refill(seq)
			return
		}
	}
	v.filter = 0
	v.refill(seq)
}

// SelectedSeq returns the seq of the selected record, 0 when none.
func (v *Viewer) SelectedSeq() uint64 {
	row, _ := v.table.GetSelection()
	if row < 0 || row >= len(v.shown) {
		return 0
	}
	return v.entries[v.shown[row]].Seq
}

// refill rebuilds the timeline for the filter and selects the first row
// at or after seq.
func (v *Viewer) refill(seq uint64) {
	v.table.Clear()
	v.shown = v.shown[:0]
	kind := Filters[v.filter]
	sel := -1
	for i, e := range v.entries {
		if kind != "" && e.Kind != kind {
			continue
		}
		row := len(v.shown)
		v.shown = append(v.shown, i)
		v.table.SetCell(row, 0, tview.NewTableCell(fmt.Sprintf("%5d", e.Seq)))
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
	filter := "all kinds"
	if kind != "" {
		filter = string(kind)
	}
	v.header.SetText(fmt.Sprintf("%s | filter: %s (f) | g: jump to seq | q: quit", v.title, filter))
	v.table.Select(sel, 0)
	v.showDetail(sel)
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
		v.detail.SetText("no record")
		return
	}
	v.detail.SetText(Detail(v.entries[v.shown[row]]))
	v.detail.ScrollToBeginning()
}

// Detail is the full text of one entry: its envelope, the machine's state,
// every HTTP exchange of an adapter result, and its data.
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
			fmt.Fprintf(&sb, "\nHTTP exchange %d: %s %s -> %d (%.1fms)\n", i+1, h.Method, h.URL, h.Status, h.LatencyMS)
			if h.Error != "" {
				fmt.Fprintf(&sb, "  error: %s\n", h.Error)
			}
			names := make([]string, 0, len(h.Headers))
			for k := range h.Headers {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				fmt.Fprintf(&sb, "  %s: %s\n", k, strings.Join(h.Headers[k], ", "))
			}
			if len(h.Request) > 0 {
				fmt.Fprintf(&sb, "  request body:\n%s\n", indent(h.Request, "    "))
			}
			if len(h.Response) > 0 {
				fmt.Fprintf(&sb, "  response body:\n%s\n", indent(h.Response, "    "))
			}
		}
		ret.HTTP = nil
		e.Event = ret
	}
	data, err := json.Marshal(e.Event)
	if err == nil {
		fmt.Fprintf(&sb, "\ndata:\n%s\n", indent(data, "  "))
	}
	return sb.String()
}

func indent(raw []byte, prefix string) string {
	var out bytes.Buffer
	if err := json.Indent(&out, raw, prefix, "  "); err != nil {
		return prefix + string(raw)
	}
	return prefix + out.String()
}
