package termtext

import "unicode/utf8"

// Rows joins parts with sep into rows of at most width columns (counted in
// runes), breaking only between parts; a part wider than a row is cut into
// rows of its own. Empty parts are skipped; no parts give no rows. The
// TUI's help bar, its wrapped notices and home menu, and the trace
// viewer's header and key line are laid out with it.
func Rows(parts []string, sep string, width int) []string {
	width = max(width, 1)
	var rows []string
	cur := ""
	for _, p := range parts {
		for utf8.RuneCountInString(p) > width {
			if cur != "" {
				rows = append(rows, cur)
				cur = ""
			}
			r := []rune(p)
			rows = append(rows, string(r[:width]))
			p = string(r[width:])
		}
		switch {
		case p == "":
		case cur == "":
			cur = p
		case utf8.RuneCountInString(cur)+utf8.RuneCountInString(sep)+utf8.RuneCountInString(p) <= width:
			cur += sep + p
		default:
			rows = append(rows, cur)
			cur = p
		}
	}
	if cur != "" {
		rows = append(rows, cur)
	}
	return rows
}
