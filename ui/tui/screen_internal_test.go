package tui

import (
	"testing"

	"github.com/gdamore/tcell/v2"
)

// appScreen's SetContent sets the cells tcell's SetContent sets, and
// allocates less doing it.
func TestAppScreenSetContentIsTcells(t *testing.T) {
	newSim := func() tcell.SimulationScreen {
		s := tcell.NewSimulationScreen("UTF-8")
		if err := s.Init(); err != nil {
			t.Fatal(err)
		}
		s.SetSize(8, 1)
		return s
	}
	plain, sim := newSim(), newSim()
	ours := &appScreen{Screen: sim}
	style := tcell.StyleDefault.Foreground(tcell.ColorRed).Background(tcell.ColorBlue)
	cases := []struct {
		r    rune
		comb []rune
	}{{0, nil}, {' ', nil}, {'a', nil}, {'~', nil}, {0x7f, nil}, {'é', nil}, {'═', nil}, {'世', nil}, {'e', []rune{0x301}}, {' ', []rune{}}}
	for _, c := range cases {
		plain.SetContent(1, 0, c.r, c.comb, style)
		ours.SetContent(1, 0, c.r, c.comb, style)
		pr, pc, ps, pw := plain.GetContent(1, 0)
		or, oc, os, ow := ours.GetContent(1, 0)
		if pr != or || string(pc) != string(oc) || ps != os || pw != ow {
			t.Errorf("SetContent(%q, %q): got %q %q %v %d, tcell sets %q %q %v %d", c.r, c.comb, or, oc, os, ow, pr, pc, ps, pw)
		}
	}
	theirs := testing.AllocsPerRun(200, func() { plain.SetContent(2, 0, ' ', nil, style) })
	mine := testing.AllocsPerRun(200, func() { ours.SetContent(2, 0, ' ', nil, style) })
	if mine >= theirs {
		t.Errorf("setting a space allocates %.0f times, as tcell's SetContent (%.0f)", mine, theirs)
	}
}
