package queue_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	sched "github.com/pressbot/pressbot/internal/schedule"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// TestRetryKeepsTheRules: a retry after a transient error or a rate limit
// goes at the first instant from its backoff on that the channel's quiet
// hours and minimum gap allow, and River runs it at the very instant that
// is stored and told (RetryAt). The first send, at the time the officer
// chose inside the quiet hours, still goes out. Without rules, or when the
// backoff's time is allowed, the backoff is unchanged. Only a moved retry's
// event says so (Moved, with the backoff's time as Due).
func TestRetryKeepsTheRules(t *testing.T) {
	now := time.Now().UTC()
	m := now.Hour()*60 + now.Minute()
	// Quiet from the minute before now until three minutes on: the post's
	// own time is inside (an officer's choice), and so are its retries.
	quietNow := sched.Window{FromMin: (m + 1439) % 1440, ToMin: (m + 3) % 1440}
	quietEnd := now.Truncate(time.Minute).Add(3 * time.Minute)
	quietLater := sched.Window{FromMin: (m + 360) % 1440, ToMin: (m + 420) % 1440}
	const backoff = 5 * time.Second // the first transient retry's
	const retryAfter = time.Second
	neighbour := now.Add(20 * time.Second) // another post on the channel
	tests := []struct {
		name      string
		pol       *sched.Policy
		neighbour bool
		reply     func(context.Context) error
		kind      queue.EventKind
		// want is the retry's time when the rules move it, or zero for
		// the backoff's; wait is the backoff (send + wait).
		want time.Time
		wait time.Duration
	}{
		{name: "transient in quiet hours", pol: &sched.Policy{Zone: time.UTC, Quiet: []sched.Window{quietNow}},
			reply: fail(release.ClassTransient, 0), kind: queue.EventRetrying, want: quietEnd, wait: backoff},
		{name: "rate limited in quiet hours", pol: &sched.Policy{Zone: time.UTC, Quiet: []sched.Window{quietNow}},
			reply: fail(release.ClassRateLimited, retryAfter), kind: queue.EventRateLimited, want: quietEnd, wait: retryAfter},
		{name: "transient within the minimum gap", pol: &sched.Policy{Zone: time.UTC, MinGap: time.Minute}, neighbour: true,
			reply: fail(release.ClassTransient, 0), kind: queue.EventRetrying, want: ceilMinute(neighbour.Add(time.Minute)), wait: backoff},
		{name: "transient, quiet hours later", pol: &sched.Policy{Zone: time.UTC, Quiet: []sched.Window{quietLater}},
			reply: fail(release.ClassTransient, 0), kind: queue.EventRetrying, wait: backoff},
		{name: "transient, no rules", reply: fail(release.ClassTransient, 0), kind: queue.EventRetrying, wait: backoff},
		{name: "rate limited, no rules", reply: fail(release.ClassRateLimited, retryAfter), kind: queue.EventRateLimited, wait: retryAfter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.Open(t, store.DialectSQLite)
			schedule(t, s, "2026/retry", now, "telegram")
			if tc.neighbour {
				schedule(t, s, "2026/neighbour", neighbour, "telegram")
			}
			var policies map[string]sched.Policy
			if tc.pol != nil {
				policies = map[string]sched.Policy{"telegram": *tc.pol}
			}
			pub := &fakePublisher{replies: []func(context.Context) error{tc.reply}}
			rec := &recorder{}
			q := start(t, s, map[string]queue.Publisher{"telegram": pub}, queue.Options{Notifier: rec, Policies: policies})
			ev := waitEvent(t, rec, "2026/retry", tc.kind, 10*time.Second)
			want := tc.want.Truncate(time.Millisecond)
			// The backoff is counted from the send's end.
			sent := pub.sends()[0]
			if tc.want.IsZero() {
				if d := ev.RetryAt.Sub(sent); d < tc.wait || d > tc.wait+time.Second {
					t.Fatalf("retry %s after the send, want the backoff %s", d, tc.wait)
				}
				want = ev.RetryAt
			}
			// Only a retry the rules moved is flagged (the chat tells of
			// it), with the backoff's time it would have had.
			if moved := !tc.want.IsZero(); ev.Moved != moved {
				t.Errorf("event's Moved = %v, want %v", ev.Moved, moved)
			}
			switch d := ev.Due.Sub(sent); {
			case tc.want.IsZero() && !ev.Due.IsZero():
				t.Errorf("event's Due = %s on a retry not moved, want none", ev.Due.Format(time.RFC3339Nano))
			case !tc.want.IsZero() && (d < tc.wait || d > tc.wait+time.Second || !ev.Due.Before(ev.RetryAt)):
				t.Errorf("moved retry's Due is %s (sent %s, retry at %s), want the backoff's time, %s after the send",
					ev.Due.Format(time.RFC3339Nano), sent.Format(time.RFC3339Nano), ev.RetryAt.Format(time.RFC3339Nano), tc.wait)
			}
			if !ev.RetryAt.Equal(want) {
				t.Errorf("told retry at %s, want %s", ev.RetryAt.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
			}
			if p := post(t, s, "2026/retry"); p.State != release.StatusScheduled || !p.ScheduledAt.Equal(want) {
				t.Errorf("stored %s at %s, want scheduled at %s", p.State, p.ScheduledAt.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
			}
			job := waitRetryJob(t, q, "2026/retry", 5*time.Second)
			// River keeps milliseconds on SQLite. It adds a snooze's delay
			// to its own clock, a moment after ours.
			slack := time.Duration(0)
			if tc.kind == queue.EventRateLimited {
				slack = 50 * time.Millisecond
			}
			if d := job.ScheduledAt.Sub(want); d < 0 || d > slack {
				t.Errorf("River runs the retry at %s, %s after the time told %s", job.ScheduledAt.Format(time.RFC3339Nano), d, want.Format(time.RFC3339Nano))
			}
			if tc.kind == queue.EventRetrying && (job.Attempt != 1 || len(job.Errors) != 1) {
				t.Errorf("River's job after a transient error: attempt %d, %d errors; want 1 and 1 (it counts toward MaxAttempts)", job.Attempt, len(job.Errors))
			}
			if n := len(pub.sends()); n != 1 {
				t.Errorf("%d sends, want 1 (the first, at the officer's time)", n)
			}
		})
	}
}

// ceilMinute rounds t up to a whole minute.
func ceilMinute(t time.Time) time.Time {
	if up := t.Truncate(time.Minute); !up.Equal(t) {
		return up.Add(time.Minute)
	}
	return t
}

// waitEvent polls until an event of kind for release id arrives.
func waitEvent(t *testing.T, r *recorder, id string, kind queue.EventKind, within time.Duration) queue.Event {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r.mu.Lock()
		for _, ev := range r.events {
			if ev.Release == id && ev.Kind == kind {
				r.mu.Unlock()
				return ev
			}
		}
		seen := append([]queue.Event(nil), r.events...)
		r.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no %s event for %s within %s; events %+v", kind, id, within, seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitRetryJob polls until River has put the job of release id back to
// wait after an attempt, and returns it.
func waitRetryJob(t *testing.T, q *queue.Queue, id string, within time.Duration) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := q.Client().JobList(ctx, river.NewJobListParams())
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range res.Jobs {
			var a store.PublishArgs
			if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
				t.Fatal(err)
			}
			if a.Release != id || j.AttemptedAt == nil {
				continue
			}
			switch j.State {
			case rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStateRetryable:
				return j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("River's job of %s not waiting for a retry within %s", id, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
