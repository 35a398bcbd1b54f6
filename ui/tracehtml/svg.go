package tracehtml

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/kratos-tui/kratos-tui/fsm"
)

// step is one transition the run took.
type step struct {
	seq             uint64
	from, event, to string
}

const (
	svgW, svgH = 960.0, 640.0
	nodeW      = 170.0
	nodeH      = 30.0
)

// stateSVG draws the machine's states on an ellipse; see page.states.
func stateSVG(path []step, visited map[string]bool) string {
	states := append([]string(nil), fsm.States...)
	for _, s := range path { // a state of another version's log
		for _, name := range []string{s.from, s.to} {
			if !contains(states, name) {
				states = append(states, name)
			}
		}
	}
	pos := map[string][2]float64{}
	cx, cy, rx, ry := svgW/2, svgH/2, svgW/2-nodeW/2-10, svgH/2-nodeH-10
	for i, s := range states {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(len(states))
		pos[s] = [2]float64{cx + rx*math.Cos(a), cy + ry*math.Sin(a)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="fsm" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="state machine with the path of this run">`, svgW, svgH, svgW, svgH)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c2185b"/></marker></defs>`)
	// The table's transitions, faint.
	type pair struct{ from, to string }
	all := map[pair]bool{}
	for _, ev := range fsm.Transitions {
		for _, src := range ev.Src {
			if src != ev.Dst {
				all[pair{src, ev.Dst}] = true
			}
		}
	}
	keys := make([]pair, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].from+keys[i].to < keys[j].from+keys[j].to })
	for _, k := range keys {
		a, c := pos[k.from], pos[k.to]
		fmt.Fprintf(&b, `<line class="edge" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d0d0d0" stroke-width="1"/>`, a[0], a[1], c[0], c[1])
	}
	// The run's transitions, numbered.
	taken := map[pair][]string{}
	var order []pair
	for i, s := range path {
		k := pair{s.from, s.to}
		if _, ok := taken[k]; !ok {
			order = append(order, k)
		}
		taken[k] = append(taken[k], fmt.Sprint(i+1))
	}
	var labels strings.Builder // drawn last, over the states
	for _, k := range order {
		label := strings.Join(taken[k], ",")
		if len(label) > 14 {
			label = label[:13] + "…"
		}
		a, c := pos[k.from], pos[k.to]
		if k.from == k.to {
			fmt.Fprintf(&b, `<path class="taken" d="M%.1f,%.1f c-30,-45 30,-45 0,0" fill="none" stroke="#c2185b" stroke-width="2.5" marker-end="url(#arrow)"/>`, a[0]+20, a[1]-nodeH/2)
			fmt.Fprintf(&labels, `<text class="step" x="%.1f" y="%.1f" text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="4">%s</text>`, a[0]+20, a[1]-nodeH/2-40, label)
			continue
		}
		// A curve bent to the right of its direction, so that the two
		// directions between two states are two arcs; it ends at the
		// target's box.
		dx, dy := c[0]-a[0], c[1]-a[1]
		l := math.Hypot(dx, dy)
		mx, my := (a[0]+c[0])/2-dy/l*40, (a[1]+c[1])/2+dx/l*40
		ex, ey := boxEdge(c, mx, my)
		sx, sy := boxEdge(a, mx, my)
		fmt.Fprintf(&b, `<path class="taken" d="M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" fill="none" stroke="#c2185b" stroke-width="2.5" marker-end="url(#arrow)"/>`, sx, sy, mx, my, ex, ey)
		lx, ly := 0.25*sx+0.5*mx+0.25*ex, 0.25*sy+0.5*my+0.25*ey
		fmt.Fprintf(&labels, `<text class="step" x="%.1f" y="%.1f" text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="4">%s</text>`, lx, ly+4, label)
	}
	for _, s := range states {
		c := pos[s]
		fill, stroke, class := "#ffffff", "#9e9e9e", "state"
		if visited[s] {
			fill, stroke, class = "#d4f7d4", "#2e8b57", "state visited"
		}
		fmt.Fprintf(&b, `<g class="%s"><rect x="%.1f" y="%.1f" width="%.0f" height="%.0f" rx="8" fill="%s" stroke="%s" stroke-width="2"/><text x="%.1f" y="%.1f" text-anchor="middle">%s</text></g>`,
			class, c[0]-nodeW/2, c[1]-nodeH/2, nodeW, nodeH, fill, stroke, c[0], c[1]+5, esc(s))
	}
	b.WriteString(labels.String())
	b.WriteString(`</svg>`)
	return b.String()
}

// boxEdge is where the line from a node's centre c towards (x, y) leaves
// the node's box.
func boxEdge(c [2]float64, x, y float64) (float64, float64) {
	dx, dy := x-c[0], y-c[1]
	if dx == 0 && dy == 0 {
		return c[0], c[1]
	}
	t := math.Min(nodeW/2/math.Abs(dx), nodeH/2/math.Abs(dy))
	return c[0] + dx*t, c[1] + dy*t
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
