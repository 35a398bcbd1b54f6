package termtext

import (
	"reflect"
	"testing"
)

func TestRows(t *testing.T) {
	for _, c := range []struct {
		parts []string
		sep   string
		width int
		want  []string
	}{
		{[]string{"a b", "c", "dd"}, " · ", 9, []string{"a b · c", "dd"}},
		{[]string{"one", "two", "three"}, " ", 7, []string{"one two", "three"}},
		{[]string{"abcdefgh", "x"}, " ", 3, []string{"abc", "def", "gh", "x"}},
		{[]string{"héllo", "wörld"}, " ", 11, []string{"héllo wörld"}},
		{[]string{"", "a", ""}, " ", 5, []string{"a"}},
		{nil, " ", 5, nil},
	} {
		if got := Rows(c.parts, c.sep, c.width); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Rows(%q, %q, %d) = %q, want %q", c.parts, c.sep, c.width, got, c.want)
		}
	}
}
