package tui

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// layout is the frame around the screens: a header line, the body, a
// status line and a help bar, with the help overlay on top and the
// too-small guard around everything.
type layout struct {
	v      *view
	root   *sizeGuard
	pages  *tview.Pages
	header *tview.TextView
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
	main := tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(l.header, 1, 0, false).
		AddItem(l.body, 0, 1, true).
		AddItem(l.status, 1, 0, false).
		AddItem(l.bar, 1, 0, false)
	l.help = tview.NewTextView().SetDynamicColors(true).SetWordWrap(true)
	l.help.SetBorder(true).SetTitle(" Help ")
	l.pages = tview.NewPages().
		AddPage("main", main, true, true).
		AddPage("help", centered(l.help, 56, 20), true, false)
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

func (l *layout) setStatus(text string) { l.status.SetText(" " + text) }

func (l *layout) setHelp(text string) { l.bar.SetText(" " + text) }

func (l *layout) showHelp(text string) {
	l.help.SetText(text)
	// The overlay fits the terminal, above the help bar.
	l.pages.RemovePage("help")
	l.pages.AddPage("help", centered(l.help, min(56, l.root.width-4), min(20, l.root.height-2)), true, true)
}

func (l *layout) hideHelp() { l.pages.HidePage("help") }

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

// Draw implements tview.Primitive.
func (g *sizeGuard) Draw(screen tcell.Screen) {
	w, h := screen.Size()
	resized := w != g.width
	g.width, g.height = w, h
	g.small = w < MinWidth || h < MinHeight
	if resized && g.onResize != nil {
		// The help bar fits the new width.
		g.onResize()
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
