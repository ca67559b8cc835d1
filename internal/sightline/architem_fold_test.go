package sightline

import (
	"strings"
	"testing"
)

// compareFold orders as comparing the lowered strings does, ASCII or not.
func TestCompareFold(t *testing.T) {
	words := []string{"", "a", "A", "b", "B", "ab", "Ab", "aB", "a b", "a-b", "Zürich", "zürich", "ZÜRICH", "zurich", "Ångström", "angstrom", "Éa", "ea", "e", "Z", "[", "_", "`", "{", "API gateway", "api Gateway 2", "Service 10", "service 9"}
	sign := func(v int) int {
		switch {
		case v < 0:
			return -1
		case v > 0:
			return 1
		}
		return 0
	}
	for _, a := range words {
		for _, b := range words {
			want := strings.Compare(strings.ToLower(a), strings.ToLower(b))
			if got := sign(compareFold(a, b)); got != want {
				t.Errorf("compareFold(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}
