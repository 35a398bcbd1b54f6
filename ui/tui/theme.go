package tui

import (
	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

func init() {
	// Draw on the terminal's own background and text colours.
	tview.Styles.PrimitiveBackgroundColor = tcell.ColorDefault
	tview.Styles.PrimaryTextColor = tcell.ColorDefault
	tview.Styles.BorderColor = tcell.ColorDefault
	tview.Styles.TitleColor = tcell.ColorDefault
	tview.Styles.GraphicsColor = tcell.ColorDefault
}

// theme holds the styles of the widgets; with colours off every style is
// the terminal's default plus attributes (underline, reverse, bold).
type theme struct {
	noColor bool
	field   tcell.Style
	button  tcell.Style
	active  tcell.Style
	label   tcell.Color
	// placeholder is the style of a placeholder in an empty field.
	placeholder tcell.Style
	// shortcut is the style of a menu item's key.
	shortcut tcell.Style
	// qr is the style a QR code is drawn in (light modules in the
	// foreground).
	qr tcell.Style
}

func newTheme(noColor bool) theme {
	if noColor {
		plain := tcell.StyleDefault
		return theme{
			noColor:     true,
			field:       plain.Underline(true),
			button:      plain.Reverse(true),
			active:      plain.Reverse(true).Bold(true).Underline(true),
			label:       tcell.ColorDefault,
			placeholder: plain.Underline(true).Dim(true),
			shortcut:    plain.Bold(true),
			qr:          plain,
		}
	}
	return theme{
		field:       tcell.StyleDefault.Background(tcell.ColorNavy).Foreground(tcell.ColorWhite),
		button:      tcell.StyleDefault.Background(tcell.ColorTeal).Foreground(tcell.ColorWhite),
		active:      tcell.StyleDefault.Background(tcell.ColorYellow).Foreground(tcell.ColorBlack).Bold(true),
		label:       tcell.ColorYellow,
		placeholder: tcell.StyleDefault.Background(tcell.ColorNavy).Foreground(tcell.ColorSilver),
		shortcut:    tcell.StyleDefault.Foreground(tcell.ColorYellow),
		qr:          tcell.StyleDefault.Background(tcell.ColorBlack).Foreground(tcell.ColorWhite),
	}
}

// tag wraps text in a tview colour tag unless colours are off. Text is
// escaped so that brackets in Kratos messages show as typed.
func (t theme) tag(color, text string) string {
	text = tview.Escape(text)
	if t.noColor {
		return text
	}
	return "[" + color + "]" + text + "[-]"
}
