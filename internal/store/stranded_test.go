package store_test

import (
	"fmt"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// TestRequeueStranded: a scheduled post whose River job was discarded gets
// a new generation and a live job, once; posts with a live job, or no
// longer scheduled, are left alone.
func TestRequeueStranded(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2024/a", "h1"))
		approve(t, s, "2024/a", "h1", alice, 1, "web", "fb")
		var webJob int64
		for _, p := range get(t, s, "2024/a").Posts {
			if p.Channel == "web" {
				webJob = p.JobID
			}
		}
		discard := `UPDATE river_job SET state = 'discarded', finalized_at = CURRENT_TIMESTAMP WHERE id = $1`
		if _, err := s.DB().ExecContext(ctx, discard, webJob); err != nil {
			t.Fatal(err)
		}
		got, err := s.RequeueStranded(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Release != "2024/a" || got[0].Channel != "web" {
			t.Fatalf("requeued %+v, want 2024/a web", got)
		}
		if again, err := s.RequeueStranded(ctx); err != nil || len(again) != 0 {
			t.Errorf("second sweep requeued %+v (%v), want nothing", again, err)
		}
		js := jobStates(t, s)
		if fmt.Sprint(js["2024/a/web/1"]) != "[discarded]" || fmt.Sprint(js["2024/a/web/2"]) != "[available]" || fmt.Sprint(js["2024/a/fb/1"]) != "[available]" {
			t.Errorf("jobs after requeue: %v", js)
		}
		for _, p := range get(t, s, "2024/a").Posts {
			if p.State != release.StatusScheduled || (p.Channel == "web" && (p.Gen != 2 || p.JobID == webJob)) {
				t.Errorf("post %s: %s gen %d job %d", p.Channel, p.State, p.Gen, p.JobID)
			}
		}
	})
}
