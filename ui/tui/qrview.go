package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/kratos-tui/kratos-tui/ui/tui/fields"
)

// qrView draws a QR code in half blocks, centred, with the widest quiet
// zone that fits; when none fits it shows its hint instead.
type qrView struct {
	*tview.Box
	style tcell.Style
	// variants are the code drawn with a quiet zone of 2, 1 and 0 modules.
	variants [][]string
	// caption is shown under the code when there is room.
	caption string
	// hint is shown when the code does not fit.
	hint string
}

// newQRView makes the view of content; an error (content too long) leaves
// it showing the hint.
func newQRView(content string, style tcell.Style, caption, hint string) *qrView {
	q := &qrView{Box: tview.NewBox(), style: style, caption: caption, hint: hint}
	for quiet := fields.QRQuietZone; quiet >= 0; quiet-- {
		if lines, err := fields.QR(content, quiet); err == nil {
			q.variants = append(q.variants, lines)
		}
	}
	return q
}

// fits reports whether a variant of the code fits in w x h.
func (q *qrView) fits(w, h int) bool {
	for _, lines := range q.variants {
		if len(lines) <= h && tview.TaggedStringWidth(lines[0]) <= w {
			return true
		}
	}
	return false
}

// Draw implements tview.Primitive.
func (q *qrView) Draw(screen tcell.Screen) {
	q.Box.DrawForSubclass(screen, q)
	x, y, w, h := q.GetInnerRect()
	for _, lines := range q.variants {
		width := len([]rune(lines[0]))
		if len(lines) > h || width > w {
			continue
		}
		extra := 0
		if q.caption != "" && len(lines) < h {
			extra = 1
		}
		top := y + (h-len(lines)-extra)/2
		left := x + (w-width)/2
		for i, line := range lines {
			col := left
			for _, r := range line {
				screen.SetContent(col, top+i, r, nil, q.style)
				col++
			}
		}
		if extra == 1 {
			tview.Print(screen, q.caption, x, top+len(lines), w, tview.AlignCenter, tcell.ColorDefault)
		}
		return
	}
	tv := tview.NewTextView().SetWordWrap(true).SetText(q.hint)
	tv.SetRect(x, y, w, h)
	tv.Draw(screen)
}
