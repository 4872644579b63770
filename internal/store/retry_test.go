package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/schedule"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// TestFinishRetryConcurrent: retries of several releases on one channel,
// recorded at the same instant by several workers of two instances (two
// stores on one database, as two serve processes), each get their own
// time, every two at least the minimum gap apart, and each is the time
// stored for its post.
func TestFinishRetryConcurrent(t *testing.T) {
	const n = 8
	now := time.Date(2026, 11, 28, 10, 40, 0, 0, time.UTC)
	pol := schedule.Policy{Zone: time.UTC, MinGap: 10 * time.Minute}
	tests := []struct {
		name      string
		instances int
	}{
		{name: "one instance", instances: 1},
		{name: "two instances", instances: 2},
	}
	for _, tc := range tests {
		for _, d := range storetest.Dialects {
			t.Run(tc.name+"/"+d, func(t *testing.T) {
				t.Parallel()
				stores := openShared(t, d, tc.instances)
				args := failing(t, stores[0], n, now)
				for _, s := range stores {
					s.SetClock(func() time.Time { return now })
				}
				got := make([]time.Time, n)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i, a := range args {
					wg.Go(func() {
						<-start
						res := store.Result{Event: release.EventRetry, Err: "boom", RetryAt: now.Add(5 * time.Second)}
						at, err := stores[i%len(stores)].FinishRetry(ctx, a, res, pol)
						if err != nil {
							t.Errorf("retry %s: %v", a.Release, err)
						}
						got[i] = at
					})
				}
				close(start)
				wg.Wait()
				checkStored(t, stores[0], args, got)
				checkApart(t, got, pol.MinGap)
			})
		}
	}
}

// openShared opens instances stores on one fresh database of dialect.
func openShared(t *testing.T, dialect string, instances int) []*store.Store {
	t.Helper()
	url := storetest.URL(t, dialect)
	var out []*store.Store
	for range instances {
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatalf("open %s: %v", dialect, err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}

// failing schedules n releases on telegram at now and claims each at now,
// as workers whose sends are about to fail, and leaves s's clock at now.
// It returns their job arguments.
func failing(t *testing.T, s *store.Store, n int, now time.Time) []store.PublishArgs {
	t.Helper()
	return failingOn(t, s, "telegram", n, now)
}

// failingOn is failing on channel ch.
func failingOn(t *testing.T, s *store.Store, ch string, n int, now time.Time) []store.PublishArgs {
	t.Helper()
	s.SetClock(func() time.Time { return now.Add(-2 * time.Hour) })
	var args []store.PublishArgs
	for i := range n {
		id := fmt.Sprintf("%s-r%d", ch, i)
		r := rel(id, "h-"+id)
		mustUpsert(t, s, r)
		if _, err := s.Approve(ctx, store.ApproveRequest{ID: id, Hash: r.Hash, Approver: alice, Posts: posts(ch), At: now}); err != nil {
			t.Fatal(err)
		}
		args = append(args, store.PublishArgs{Release: id, Channel: ch, Hash: r.Hash, Gen: 1})
	}
	s.SetClock(func() time.Time { return now })
	for _, a := range args {
		if c, err := s.StartPublish(ctx, a); err != nil || c.Outcome != store.ClaimSend {
			t.Fatalf("claim %s: %+v %v", a.Release, c, err)
		}
	}
	return args
}

// checkStored checks that each post of args is scheduled at its time in
// got.
func checkStored(t *testing.T, s *store.Store, args []store.PublishArgs, got []time.Time) {
	t.Helper()
	for i, a := range args {
		for _, p := range get(t, s, a.Release).Posts {
			if p.State != release.StatusScheduled || !p.ScheduledAt.Equal(got[i]) {
				t.Errorf("%s: %s at %s, want scheduled at %s", a.Release, p.State, p.ScheduledAt.Format(time.TimeOnly), got[i].Format(time.TimeOnly))
			}
		}
	}
}

// checkApart checks that every two times in got are at least gap apart.
func checkApart(t *testing.T, got []time.Time, gap time.Duration) {
	t.Helper()
	sorted := slices.Clone(got)
	slices.SortFunc(sorted, time.Time.Compare)
	for i := 1; i < len(sorted); i++ {
		if d := sorted[i].Sub(sorted[i-1]); d < gap {
			t.Errorf("two retries %s apart (%s and %s), want at least %s", d, sorted[i-1].Format(time.TimeOnly), sorted[i].Format(time.TimeOnly), gap)
		}
	}
}

// TestRetryDuringReslot: a retry recorded while another worker reslots
// the channel's overdue posts does not take the time given to one of
// them: every two posts of the channel end at least the minimum gap apart.
// The race is run on several channels, as it is lost only at times.
func TestRetryDuringReslot(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 40, 0, 0, time.UTC)
	pol := schedule.Policy{Zone: time.UTC, MinGap: 10 * time.Minute}
	forEach(t, func(t *testing.T, s *store.Store) {
		for i := range 20 {
			ch := fmt.Sprintf("ch%d", i)
			f := failingOn(t, s, ch, 1, now)[0]
			o := overdue(t, s, ch, now, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Go(func() {
				<-start
				res := store.Result{Event: release.EventRetry, Err: "boom", RetryAt: now.Add(5 * time.Second)}
				if _, err := s.FinishRetry(ctx, f, res, pol); err != nil {
					t.Errorf("retry: %v", err)
				}
			})
			wg.Go(func() {
				<-start
				if _, _, err := s.Reslot(ctx, o[0], pol, 2*time.Minute); err != nil {
					t.Errorf("reslot: %v", err)
				}
			})
			close(start)
			wg.Wait()
			var got []time.Time
			for _, a := range append(o, f) {
				got = append(got, get(t, s, a.Release).Posts[0].ScheduledAt)
			}
			checkApart(t, got, pol.MinGap)
		}
	})
}

// overdue schedules n releases on ch an hour before now, and leaves s's
// clock at now. It returns their job arguments.
func overdue(t *testing.T, s *store.Store, ch string, now time.Time, n int) []store.PublishArgs {
	t.Helper()
	s.SetClock(func() time.Time { return now.Add(-2 * time.Hour) })
	var args []store.PublishArgs
	for i := range n {
		id := fmt.Sprintf("%s-o%d", ch, i)
		r := rel(id, "h-"+id)
		mustUpsert(t, s, r)
		if _, err := s.Approve(ctx, store.ApproveRequest{ID: id, Hash: r.Hash, Approver: alice, Posts: posts(ch), At: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		args = append(args, store.PublishArgs{Release: id, Channel: ch, Hash: r.Hash, Gen: 1})
	}
	s.SetClock(func() time.Time { return now })
	return args
}
