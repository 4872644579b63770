package queue

import (
	"testing"
	"time"
)

// TestRescueAfterFollowsPublishTimeout checks River's rescue of jobs held
// by a dead worker: never while a live send may still run or record its
// result, and not much later, so that a post whose worker died before
// claiming it goes out minutes late, not ten.
func TestRescueAfterFollowsPublishTimeout(t *testing.T) {
	for _, tt := range []struct {
		name    string
		publish time.Duration
	}{
		{"default", 0},
		{"short sends", 30 * time.Second},
		{"long sends", 15 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{PublishTimeout: tt.publish}.withDefaults()
			if o.RescueAfter <= o.PublishTimeout+recordTimeout {
				t.Errorf("RescueAfter %s: a live send (up to %s, then %s to record it) could be rescued", o.RescueAfter, o.PublishTimeout, recordTimeout)
			}
			if max := o.PublishTimeout + recordTimeout + time.Minute; o.RescueAfter > max {
				t.Errorf("RescueAfter %s: a post held by a dead worker waits longer than %s", o.RescueAfter, max)
			}
		})
	}
}
