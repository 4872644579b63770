package queue_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// TestDiscardedLastAttemptIsRequeued is the regression test of a lost post
// found with the crash soak: a worker killed after River fetched a job for
// its last attempt but before the post was claimed leaves the job running;
// River's rescuer then discards it (no attempts left), and the post, never
// sent, stayed scheduled with no job, for good. The sweep now queues it
// again, and it goes out once.
func TestDiscardedLastAttemptIsRequeued(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			s := storetest.Open(t, d)
			schedule(t, s, "2024/last", time.Now(), "web")
			rec, err := s.Get(ctx, "2024/last")
			if err != nil {
				t.Fatal(err)
			}
			jobID := rec.Posts[0].JobID
			// The state a SIGKILL leaves: fetched on its last attempt an
			// hour ago by a worker that is gone, the post still scheduled.
			q := `UPDATE river_job SET state = 'running', attempt = max_attempts,
				attempted_at = datetime('now', '-1 hour'), attempted_by = jsonb('["dead"]') WHERE id = $1`
			if d == store.DialectPostgres {
				q = `UPDATE river_job SET state = 'running', attempt = max_attempts,
					attempted_at = now() - interval '1 hour', attempted_by = ARRAY['dead'] WHERE id = $1`
			}
			if _, err := s.DB().ExecContext(ctx, q, jobID); err != nil {
				t.Fatal(err)
			}
			pub := &fakePublisher{replies: []func(context.Context) error{ok}}
			start(t, s, map[string]queue.Publisher{"web": pub}, queue.Options{PublishTimeout: time.Second,
				RescueAfter: 2 * time.Second, StaleAfter: 3 * time.Second, SweepEvery: 100 * time.Millisecond})
			waitPost(t, s, "2024/last", "web", release.StatusPublished, 60*time.Second)
			if n := len(pub.sends()); n != 1 {
				t.Errorf("%d sends, want 1", n)
			}
			audit, err := s.Audit(ctx, "2024/last")
			if err != nil {
				t.Fatal(err)
			}
			var requeued bool
			for _, e := range audit {
				requeued = requeued || (e.Event == "requeue" && strings.Contains(e.Detail, "discarded"))
			}
			if !requeued {
				t.Errorf("no requeue of the discarded job in the audit log: %+v", audit)
			}
		})
	}
}
