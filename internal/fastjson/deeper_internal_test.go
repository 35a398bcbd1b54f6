package fastjson

import (
	"strings"
	"testing"
)

// TestDeeper: the depth segmentio would reach, brackets in strings and
// side by side aside.
func TestDeeper(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{strings.Repeat("[", 129) + strings.Repeat("]", 129), true},
		{strings.Repeat("[", 128) + strings.Repeat("]", 128), false},
		{"[" + strings.Repeat("[],", 300) + "[]]", false},
		{`["` + strings.Repeat("[", 300) + `"]`, false},
		{`["\"` + strings.Repeat("{", 300) + `"]`, false},
		{`["\\"` + strings.Repeat("[", 300), true},
		{strings.Repeat("]", 300) + strings.Repeat("[", 129), true},
		{strings.Repeat(`{"a":`, 129) + "1" + strings.Repeat("}", 129), true},
	} {
		if got := deeper([]byte(tc.doc), maxFastDepth); got != tc.want {
			t.Errorf("deeper(%.40q…) = %v, want %v", tc.doc, got, tc.want)
		}
	}
}
