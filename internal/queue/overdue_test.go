package queue_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	sched "github.com/pressbot/pressbot/internal/schedule"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// TestOverduePostsKeepTheRules: posts that missed their time while the
// queue was not running do not all go out at once when it starts. With a
// minimum gap, the first one due goes now and the others are moved one
// gap apart, each move told to the Notifier; without rules they all go.
func TestOverduePostsKeepTheRules(t *testing.T) {
	tests := []struct {
		name      string
		policies  map[string]sched.Policy
		wantSends int
		wantMoved int
	}{
		{name: "minimum gap", policies: map[string]sched.Policy{"telegram": {Zone: time.UTC, MinGap: time.Hour}}, wantSends: 1, wantMoved: 2},
		{name: "no rules", wantSends: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.Open(t, store.DialectSQLite)
			now := time.Now()
			for i, id := range []string{"2026/a", "2026/b", "2026/c"} {
				schedule(t, s, id, now.Add(time.Duration(i-30)*time.Minute), "telegram")
			}
			pub := &fakePublisher{replies: []func(ctx context.Context) error{ok}}
			rec := &recorder{}
			start(t, s, map[string]queue.Publisher{"telegram": pub}, queue.Options{Notifier: rec, Policies: tc.policies})
			got := waitCount(rec, "telegram", tc.wantSends+tc.wantMoved, 10*time.Second)
			time.Sleep(500 * time.Millisecond) // a send that should not happen has had its chance
			if n := len(pub.sends()); n != tc.wantSends {
				t.Fatalf("%d sends, want %d (events %v)", n, tc.wantSends, got)
			}
			if tc.wantMoved == 0 {
				return
			}
			if n := count(rec.kinds("telegram"), queue.EventCancelled); n > 0 {
				t.Errorf("%d cancelled events: a moved post's old job must end quietly", n)
			}
			if moved := count(got, queue.EventMoved); moved != tc.wantMoved {
				t.Errorf("%d moved, want %d (events %v)", moved, tc.wantMoved, got)
			}
			first := get(t, s, "2026/a")
			if first.Posts[0].State != release.StatusPublished {
				t.Errorf("the first one due is %s, want published", first.Posts[0].State)
			}
			for i, id := range []string{"2026/b", "2026/c"} {
				p := get(t, s, id).Posts[0]
				wantAt := now.Add(time.Duration(i+1) * time.Hour)
				if p.State != release.StatusScheduled || p.ScheduledAt.Before(wantAt.Add(-time.Minute)) || p.ScheduledAt.After(wantAt.Add(time.Minute)) {
					t.Errorf("%s: %s at %s, want scheduled about %s", id, p.State, p.ScheduledAt, wantAt)
				}
			}
		})
	}
}

// waitCount polls until channel has n events or within has passed, and
// returns them.
func waitCount(r *recorder, channel string, n int, within time.Duration) []queue.EventKind {
	deadline := time.Now().Add(within)
	for {
		got := r.kinds(channel)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// count returns how many of kinds are k.
func count(kinds []queue.EventKind, k queue.EventKind) int {
	return len(slices.DeleteFunc(slices.Clone(kinds), func(x queue.EventKind) bool { return x != k }))
}

// get reads release id.
func get(t *testing.T, s *store.Store, id string) store.Record {
	t.Helper()
	rec, err := s.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
