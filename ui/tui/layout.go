package tui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/internal/termtext"
)

// layout is the frame around the screens: a header line, the body, a
// status line and a help bar, with the help overlay on top and the
// too-small guard around everything.
type layout struct {
	v      *view
	root   *sizeGuard
	pages  *tview.Pages
	header *tview.TextView
	main   *tview.Flex
	body   *tview.Flex
	status *tview.TextView
	bar    *tview.TextView
	help   *tview.TextView
	// qr is the full-screen QR code, when shown.
	qr tview.Primitive
}

func newLayout(v *view) *layout {
	l := &layout{v: v}
	title := "kratos-tui"
	if v.opts.Title != "" {
		title += " · " + v.opts.Title
	}
	l.header = tview.NewTextView().SetDynamicColors(true).SetText(" " + v.theme.tag("::b", title))
	l.body = tview.NewFlex()
	l.status = tview.NewTextView().SetDynamicColors(true)
	l.bar = tview.NewTextView().SetDynamicColors(true)
	l.main = tview.NewFlex().SetDirection(tview.FlexRow)
	main := l.main.
		AddItem(l.header, 1, 0, false).
		AddItem(l.body, 0, 1, true).
		AddItem(l.status, 1, 0, false).
		AddItem(l.bar, 1, 0, false)
	l.help = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true).SetScrollable(true)
	l.help.SetBorderPadding(0, 0, 1, 1)
	l.help.SetBorder(true).SetTitle(" Help ")
	l.pages = tview.NewPages().
		AddPage("main", main, true, true)
	l.root = &sizeGuard{Primitive: l.pages, width: 80, height: 24}
	l.root.onResize = func() {
		if v.screen != nil {
			v.refresh()
		}
	}
	return l
}

// setBody replaces the screen in the body.
func (l *layout) setBody(p tview.Primitive) {
	l.body.Clear().AddItem(p, 0, 1, true)
}

// setStatus shows the status line, plain in colour: a notice or question
// wraps onto a second and third line rather than being cut at the
// terminal's edge.
func (l *layout) setStatus(color, plain string) {
	lines := wrapLines(plain, l.root.width-4)
	if len(lines) > 3 {
		lines = lines[:3]
	}
	for i := range lines {
		lines[i] = l.v.theme.tag(color, lines[i])
	}
	// Under its mark (» or ?) a notice's lines are indented.
	l.status.SetText(" " + strings.Join(lines, "\n   "))
	l.main.ResizeItem(l.status, max(len(lines), 1), 0)
}

// wrapLines breaks text into lines of at most width columns at spaces (a
// longer word is broken).
func wrapLines(text string, width int) []string {
	return termtext.Rows(strings.Fields(text), " ", width)
}

// setHelp shows the help bar's lines (one, or more on a narrow terminal),
// the body giving up the rows they take.
func (l *layout) setHelp(lines []string) {
	l.bar.SetText(" " + strings.Join(lines, "\n "))
	l.main.ResizeItem(l.bar, max(len(lines), 1), 0)
}

// showHelp shows the help in the body, in place of the screen: the status
// line and the help bar stay in view.
func (l *layout) showHelp(text string) {
	l.help.SetText(text)
	l.setBody(l.help)
}

// showQR covers the whole terminal with q.
func (l *layout) showQR(q *qrView) {
	l.qr = q
	l.pages.AddPage("qr", q, true, true)
}

func (l *layout) hideQR() {
	l.pages.RemovePage("qr")
	l.qr = nil
}

// tooSmall reports whether the last frame was too small to show.
func (l *layout) tooSmall() bool { return l.root.small }

// centered puts p in the middle of the area, at most width x height.
func centered(p tview.Primitive, width, height int) tview.Primitive {
	return tview.NewFlex().
		AddItem(nil, 0, 1, false).
		AddItem(tview.NewFlex().SetDirection(tview.FlexRow).
			AddItem(nil, 0, 1, false).
			AddItem(p, height, 0, true).
			AddItem(nil, 0, 1, false), width, 0, true).
		AddItem(nil, 0, 1, false)
}

// sizeGuard draws its primitive, or a message when the terminal is smaller
// than MinWidth x MinHeight.
type sizeGuard struct {
	tview.Primitive
	small bool
	// width and height are the size of the last frame (80x24 before the
	// first).
	width, height int
	// onResize is called when a frame is drawn at a new width.
	onResize func()
}

// measure takes the size of the frame about to be drawn (the view calls
// it before every frame, before it lays out the status line and the help
// bar): it reports whether the terminal has just become big enough.
func (g *sizeGuard) measure(w, h int) (grown bool) {
	wasSmall := g.small
	g.width, g.height = w, h
	g.small = w < MinWidth || h < MinHeight
	return wasSmall && !g.small
}

// Draw implements tview.Primitive.
func (g *sizeGuard) Draw(screen tcell.Screen) {
	w, h := screen.Size()
	resized := w != g.width || h != g.height
	if g.measure(w, h) || resized {
		if g.onResize != nil {
			// The help bar fits the new size.
			g.onResize()
		}
	}
	if !g.small {
		g.Primitive.Draw(screen)
		return
	}
	lines := []string{
		"Terminal too small",
		fmt.Sprintf("%dx%d; need at least %dx%d.", w, h, MinWidth, MinHeight),
		"Enlarge the window,",
		"or press Ctrl-C to quit.",
	}
	top := (h - len(lines)) / 2
	if top < 0 {
		top = 0
	}
	for i, line := range lines {
		tview.Print(screen, strings.TrimSpace(line), 0, top+i, w, tview.AlignCenter, tcell.ColorDefault)
	}
}
