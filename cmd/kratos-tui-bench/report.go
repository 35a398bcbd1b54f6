package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// report collects the figures of a run: a table for people and, as the
// last line, one JSON object for machines. A figure's JSON value is its
// median; a figure with a spread also gets name_min, name_max and name_n
// (the number of repetitions).
type report struct {
	tw      *tabwriter.Writer
	figures map[string]any
}

func newReport(w io.Writer) *report {
	r := &report{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0), figures: map[string]any{}}
	fmt.Fprintln(r.tw, "measure\tvalue (median [min, max] of n)\tcompared with\tratio\tgoal")
	return r
}

// row prints one line of the table.
func (r *report) row(cells ...string) {
	for len(cells) < 5 {
		cells = append(cells, "")
	}
	fmt.Fprintf(r.tw, "%s\t%s\t%s\t%s\t%s\n", cells[0], cells[1], cells[2], cells[3], cells[4])
}

// figure records a single-valued figure.
func (r *report) figure(name string, v float64) { r.figures[name] = round(v) }

// spreadFigure records a figure with its spread.
func (r *report) spreadFigure(name string, s spread) { putSpread(r.figures, name, s) }

// spread is the median, minimum and maximum of n samples.
type spread struct {
	min, med, max float64
	n             int
}

func spreadOf(samples []float64) spread {
	if len(samples) == 0 {
		return spread{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	return spread{min: s[0], med: s[len(s)/2], max: s[len(s)-1], n: len(s)}
}

// spreadMS is the spread of durations in milliseconds.
func spreadMS(ds []time.Duration) spread {
	f := make([]float64, len(ds))
	for i, d := range ds {
		f[i] = ms(d)
	}
	return spreadOf(f)
}

// spreadUS is the spread of durations in microseconds.
func spreadUS(ds []time.Duration) spread {
	f := make([]float64, len(ds))
	for i, d := range ds {
		f[i] = us(d)
	}
	return spreadOf(f)
}

// String prints "med [min, max] of n".
func (s spread) String() string { return s.format("%.3f") }

func (s spread) format(verb string) string {
	return fmt.Sprintf(verb+" ["+verb+", "+verb+"] of %d", s.med, s.min, s.max, s.n)
}

// unit prints the spread with a unit after the median.
func (s spread) unit(u string) string {
	return fmt.Sprintf("%.3f %s [%.3f, %.3f] of %d", s.med, u, s.min, s.max, s.n)
}

// ratios divides a[i] by b[i].
func ratios(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] / b[i]
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

func round(f float64) float64 {
	return float64(int64(f*1000+0.5)) / 1000
}

// goalMet says whether v meets "<= goal".
func goalMet(v, goal float64) string {
	if v <= goal {
		return fmt.Sprintf("<= %.2f met", goal)
	}
	return fmt.Sprintf("<= %.2f NOT met", goal)
}

// metOrNot says "met" or "NOT met".
func metOrNot(met bool) string {
	if met {
		return "met"
	}
	return "NOT met"
}

// putSpread records a figure with its spread in figures, as
// report.spreadFigure does.
func putSpread(figures map[string]any, name string, s spread) {
	figures[name] = round(s.med)
	figures[name+"_min"] = round(s.min)
	figures[name+"_max"] = round(s.max)
	figures[name+"_n"] = s.n
}
