package site

import (
	"slices"
	"sync"
)

// sortHalves sorts s by cmp as slices.SortFunc does, sorting its two
// halves on two goroutines and then merging them: the newsroom's 10,000
// items and 20,000 paths sort in half the time on a main goroutine that
// otherwise keeps the other cores waiting. cmp must order every two
// elements (never 0 for distinct ones), so that the result is the one
// slices.SortFunc gives.
func sortHalves[T any](s []T, cmp func(a, b T) int) {
	if len(s) < minSortHalves {
		slices.SortFunc(s, cmp)
		return
	}
	a, b := s[:len(s)/2], s[len(s)/2:]
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(a, cmp) })
	slices.SortFunc(b, cmp)
	wg.Wait()
	merged := make([]T, 0, len(s))
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			merged, b = append(merged, b[0]), b[1:]
		} else {
			merged, a = append(merged, a[0]), a[1:]
		}
	}
	merged = append(append(merged, a...), b...)
	copy(s, merged)
}

// minSortHalves is the shortest slice that sortHalves sorts in halves:
// below it a goroutine and a merge cost more than they save.
const minSortHalves = 2048
