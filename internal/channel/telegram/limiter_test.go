package telegram

import (
	"slices"
	"sync"
	"testing"
	"time"

	faketg "github.com/pressbot/pressbot/internal/fake/telegram"
)

func TestLimiterReserve(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int           // messages per send
		want  []time.Duration // reserved time of each send from the start
	}{
		{"one a second", []int{1, 1, 1}, []time.Duration{0, time.Second, 2 * time.Second}},
		{"album takes several places", []int{10, 10, 1}, []time.Duration{0, time.Second, time.Minute}},
		{"oversized send is capped", []int{30, 1}, []time.Duration{0, time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := faketg.NewManualClock(start)
			l := newLimiter(clock, 20, time.Second)
			for i, n := range tt.sizes {
				if got := l.reserve(n).Sub(start); got != tt.want[i] {
					t.Errorf("send %d (%d messages) at %v, want %v", i, n, got, tt.want[i])
				}
			}
		})
	}
}

func TestLimiterBlock(t *testing.T) {
	clock := faketg.NewManualClock(start)
	l := newLimiter(clock, 20, time.Second)
	l.reserve(1)
	l.block(start.Add(30 * time.Second))
	if got := l.reserve(1).Sub(start); got != 30*time.Second {
		t.Errorf("after a 429 block: %v, want 30s", got)
	}
}

// TestLimiterConcurrentReservations reserves from many goroutines and checks
// the window invariants on the result.
func TestLimiterConcurrentReservations(t *testing.T) {
	clock := faketg.NewManualClock(start)
	l := newLimiter(clock, 20, time.Second)
	var (
		mu  sync.Mutex
		got []time.Time
		wg  sync.WaitGroup
	)
	for range 64 {
		wg.Go(func() {
			at := l.reserve(1)
			mu.Lock()
			got = append(got, at)
			mu.Unlock()
		})
	}
	wg.Wait()
	slices.SortFunc(got, time.Time.Compare)
	for i, a := range got {
		if i > 0 && a.Sub(got[i-1]) < time.Second {
			t.Fatalf("sends at %v and %v are less than 1s apart", got[i-1], a)
		}
		n := 0
		for _, b := range got {
			if !b.After(a) && b.After(a.Add(-time.Minute)) {
				n++
			}
		}
		if n > 20 {
			t.Fatalf("%d sends in the minute up to %v", n, a)
		}
	}
}
