package store

import (
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/schedule"
)

// TestNextFree: a late post's new time is on a whole minute when that
// minute is free too, else the exact first free instant; now when the
// rules allow nothing.
func TestNextFree(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 40, 0, 0, time.UTC)
	hms := func(h, m, s int) time.Time { return time.Date(2026, 11, 28, h, m, s, 0, time.UTC) }
	gap := schedule.Policy{Zone: time.UTC, MinGap: 30 * time.Minute}
	tests := []struct {
		name string
		pol  schedule.Policy
		busy []time.Time
		want time.Time
	}{
		{"nothing in the way", gap, nil, now},
		{"rounded up to the minute", gap, []time.Time{hms(10, 30, 20)}, hms(11, 1, 0)},
		{"exact when the minute would crowd the next", gap, []time.Time{hms(10, 30, 20), hms(11, 30, 50)}, hms(11, 0, 20)},
		{"never allowed", schedule.Policy{Zone: time.UTC, Quiet: []schedule.Window{{FromMin: 0, ToMin: 24 * 60}}}, nil, now},
	}
	for _, tc := range tests {
		if got := nextFree(tc.pol, now, tc.busy); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got.Format("15:04:05"), tc.want.Format("15:04:05"))
		}
	}
}
