package store_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// BenchmarkPublished reads the newsroom's list from a store holding
// PRESSBOT_BENCH_N releases (default 1000), each published on three
// channels. serve reads it once a minute and before each send, so it is on
// the path of every post:
//
//	PRESSBOT_BENCH_N=10000 go test ./internal/store -run XXX -bench Published
func BenchmarkPublished(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("PRESSBOT_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			s := storetest.Open(b, d)
			seedPublished(b, s, n)
			for b.Loop() {
				pubs, err := s.Published(ctx)
				if err != nil || len(pubs) != n {
					b.Fatalf("published: %d of %d, %v", len(pubs), n, err)
				}
			}
		})
	}
}

// seedPublished stores n releases, each approved and published on
// Telegram, Facebook and X.
func seedPublished(b *testing.B, s *store.Store, n int) {
	b.Helper()
	channels := []string{"telegram", "facebook", "x"}
	for i := range n {
		id := "2024/r" + strconv.Itoa(i)
		r := rel(id, "h"+strconv.Itoa(i))
		r.Body = "Body of a release, long enough to stand for a real one. " + r.Body
		if _, err := s.UpsertRelease(ctx, r, "bench"); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Approve(ctx, store.ApproveRequest{ID: id, Hash: r.Hash, Approver: alice, Posts: posts(channels...), Required: 1}); err != nil {
			b.Fatal(err)
		}
		for _, ch := range channels {
			a := store.PublishArgs{Release: id, Channel: ch, Hash: r.Hash, Gen: 1}
			if c, err := s.StartPublish(ctx, a); err != nil || c.Outcome != store.ClaimSend {
				b.Fatalf("claim %s %s: %+v %v", id, ch, c, err)
			}
			rc := &release.Receipt{Channel: ch, RemoteIDs: []string{strconv.Itoa(i)}, URL: "https://t.me/c/" + strconv.Itoa(i), PublishedAt: time.Now().UTC()}
			if _, err := s.FinishPublish(ctx, a, store.Result{Event: release.EventSucceed, Receipt: rc}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
