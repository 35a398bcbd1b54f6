package events

import "testing"

// TestIsPlaceholder: «secret:N» and «unrecorded-secret:N», N one or more
// decimal digits, the whole string and nothing else.
func TestIsPlaceholder(t *testing.T) {
	for s, want := range map[string]bool{
		"«secret:1»": true, "«secret:12»": true, "«unrecorded-secret:3»": true,
		"«secret:»": false, "«secret:1»x": false, "x«secret:1»": false, "secret:1»": false,
		"«secret:1": false, "«secret:1a»": false, "«secret:١»": false, "«unrecorded-unrecorded-secret:1»": false,
		"«Secret:1»": false, "«secret: 1»": false, "«secret:1»\n": false, "": false,
	} {
		if got := IsPlaceholder(s); got != want {
			t.Errorf("IsPlaceholder(%q) = %v, want %v", s, got, want)
		}
	}
}
