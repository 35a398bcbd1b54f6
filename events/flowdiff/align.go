package flowdiff

// pair is one row of an alignment: indexes into the two sequences, -1 on
// the side that has no counterpart.
type pair struct{ i, j int }

// align is a longest common subsequence of two sequences under eq, listed
// in order with the unmatched elements of each side in their places (a's
// before b's between two matches).
func align(n, m int, eq func(i, j int) bool) []pair {
	// lcs[i][j] is the length of the LCS of a[i:] and b[j:].
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if eq(i, j) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []pair
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case eq(i, j):
			out = append(out, pair{i, j})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, pair{i, -1})
			i++
		default:
			out = append(out, pair{-1, j})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, pair{i, -1})
	}
	for ; j < m; j++ {
		out = append(out, pair{-1, j})
	}
	return out
}

// pairUp joins, within each run of unmatched rows between two matches, the
// k-th row only in a with the k-th row only in b when near says they are
// alike (the same kind of record), so that a changed record is reported
// as one change.
func pairUp(ps []pair, near func(i, j int) bool) []pair {
	var out []pair
	for k := 0; k < len(ps); {
		if ps[k].i >= 0 && ps[k].j >= 0 {
			out = append(out, ps[k])
			k++
			continue
		}
		end := k
		for end < len(ps) && !(ps[end].i >= 0 && ps[end].j >= 0) {
			end++
		}
		var as, bs []int
		for _, p := range ps[k:end] {
			if p.i >= 0 {
				as = append(as, p.i)
			} else {
				bs = append(bs, p.j)
			}
		}
		usedB := make([]bool, len(bs))
		for _, i := range as {
			joined := false
			for x, j := range bs {
				if !usedB[x] && near(i, j) {
					// Rows of b before this one stay unmatched, in place.
					for y := 0; y < x; y++ {
						if !usedB[y] {
							usedB[y] = true
							out = append(out, pair{-1, bs[y]})
						}
					}
					usedB[x] = true
					out = append(out, pair{i, j})
					joined = true
					break
				}
			}
			if !joined {
				out = append(out, pair{i, -1})
			}
		}
		for x, j := range bs {
			if !usedB[x] {
				out = append(out, pair{-1, j})
			}
		}
		k = end
	}
	return out
}
