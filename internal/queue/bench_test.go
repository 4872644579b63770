package queue_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/queue"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// benchJobs and benchWindow: 10,000 posts due within one minute.
const (
	benchJobs   = 10000
	benchWindow = time.Minute
)

// BenchmarkLateness approves benchJobs releases (one post each) with slots
// spread evenly over benchWindow, then runs the queue and reports the
// lateness from each slot to its worker's start (p50, p99, max) and the
// approval insert rate (each approval: release upsert, approval, post and
// River job, in two transactions). It runs the experiment once, whatever
// b.N; run it with -benchtime=1x (see bench/queue/run.sh).
func BenchmarkLateness(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			// Warm up and measure the insert rate to place the window just
			// after the inserts end.
			warm := time.Now()
			insertDue(b, s, "warm", 100, time.Now().Add(time.Hour), 0)
			perInsert := time.Since(warm) / 100
			start := time.Now().Add(perInsert*benchJobs*3/2 + 3*time.Second)

			t0 := time.Now()
			insertDue(b, s, "r", benchJobs, start, benchWindow/benchJobs)
			insertTime := time.Since(t0)
			if time.Now().After(start) {
				b.Fatalf("inserts took %s, past the window's start; raise the margin", insertTime)
			}

			rec := &latencies{}
			q := start2(b, s, rec)
			deadline := start.Add(benchWindow + time.Minute)
			for rec.count() < benchJobs && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := q.Stop(stopCtx); err != nil {
				b.Fatal(err)
			}
			lat := rec.sorted()
			if len(lat) != benchJobs {
				b.Fatalf("%d of %d jobs ran", len(lat), benchJobs)
			}
			pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
			b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			b.ReportMetric(float64(benchJobs)/insertTime.Seconds(), "approvals/s")
			b.Logf("worst lateness per 10 s of the window: %v", rec.worstPer(start, 10*time.Second))
			b.Logf("%s: %d jobs in %s: lateness p50 %s p99 %s max %s; %d approvals inserted in %s (%.0f/s)",
				d, benchJobs, benchWindow, pct(0.5), pct(0.99), lat[len(lat)-1], benchJobs, insertTime, float64(benchJobs)/insertTime.Seconds())
		})
	}
}

// insertDue upserts and approves n releases, the i-th due at start+i*step.
func insertDue(b *testing.B, s *store.Store, prefix string, n int, start time.Time, step time.Duration) {
	b.Helper()
	post := []release.Post{{Channel: "web", Kind: release.KindWeb, Parts: []release.Part{{Format: "text", Text: "x"}}}}
	for i := range n {
		r := release.Release{ID: fmt.Sprintf("%s/%05d", prefix, i), Title: "t", Lang: "en", Hash: "h"}
		if _, err := s.UpsertRelease(ctx, r, "bench"); err != nil {
			b.Fatal(err)
		}
		_, err := s.Approve(ctx, store.ApproveRequest{ID: r.ID, Hash: "h", Approver: store.Approver{Kind: "cli", ID: "bench"},
			Posts: post, At: start.Add(time.Duration(i) * step)})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// start2 runs a queue with a publisher that does nothing.
func start2(b *testing.B, s *store.Store, rec *latencies) *queue.Queue {
	b.Helper()
	q, err := queue.New(s, map[string]queue.Publisher{"web": nopPublisher{}}, queue.Options{Notifier: rec, Logger: quiet, Workers: 20})
	if err != nil {
		b.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		b.Fatal(err)
	}
	return q
}

// nopPublisher publishes nothing, instantly.
type nopPublisher struct{}

// Publish implements queue.Publisher.
func (nopPublisher) Publish(context.Context, release.Post) (release.Receipt, error) {
	return release.Receipt{RemoteIDs: []string{"1"}}, nil
}

// latencies keeps the lateness of each published bench post.
type latencies struct {
	mu  sync.Mutex
	lat []time.Duration
	at  []time.Time // when each worker started
}

// worstPer returns the worst lateness in each period after start.
func (l *latencies) worstPer(start time.Time, period time.Duration) []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Duration
	for i, d := range l.lat {
		k := max(int(l.at[i].Sub(start)/period), 0)
		for len(out) <= k {
			out = append(out, 0)
		}
		out[k] = max(out[k], d.Truncate(time.Millisecond))
	}
	return out
}

// Notify implements queue.Notifier.
func (l *latencies) Notify(_ context.Context, ev queue.Event) {
	if ev.Kind != queue.EventPublished || len(ev.Release) < 2 || ev.Release[:2] != "r/" {
		return
	}
	l.mu.Lock()
	l.lat = append(l.lat, ev.Lateness)
	l.at = append(l.at, time.Now())
	l.mu.Unlock()
}

func (l *latencies) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lat)
}

func (l *latencies) sorted() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Clone(l.lat)
	slices.Sort(out)
	return out
}

// BenchmarkThroughput reports how many due posts per second one instance
// works off (claim, send to a no-op publisher, record), b.N posts in all.
func BenchmarkThroughput(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			insertDue(b, s, "r", b.N, time.Now(), 0)
			rec := &latencies{}
			b.ResetTimer()
			q := start2(b, s, rec)
			for rec.count() < b.N {
				time.Sleep(5 * time.Millisecond)
			}
			b.StopTimer()
			if err := q.Stop(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
		})
	}
}
