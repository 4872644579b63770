package site

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSortHalves checks that sortHalves gives what slices.SortFunc gives,
// below and above the length it sorts in halves at.
func TestSortHalves(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, minSortHalves - 1, minSortHalves, minSortHalves + 1, 5000} {
		s := make([]string, n)
		for i := range s {
			s[i] = "releases/" + strconv.Itoa(rng.IntN(1<<30)) + "/" + strconv.Itoa(i) + "/"
		}
		want := slices.Clone(s)
		slices.SortFunc(want, strings.Compare)
		sortHalves(s, strings.Compare)
		if !slices.Equal(s, want) {
			t.Errorf("n=%d: not sorted as slices.SortFunc sorts", n)
		}
	}
}
