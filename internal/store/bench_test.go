package store_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// BenchmarkPublished reads the newsroom's list, with content (Published)
// and without (PublishedStamps), from a store holding PRESSBOT_BENCH_N
// releases (default 1000), each published on three channels. serve reads
// the stamps once a minute and before each send, so they are on the path
// of every post, and the content when they changed:
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
			rels := make([]release.Release, n)
			for i := range rels {
				rels[i] = rel("2024/r"+strconv.Itoa(i), "h"+strconv.Itoa(i))
				rels[i].Body = "Body of a release, long enough to stand for a real one. " + rels[i].Body
			}
			storetest.SeedPublished(b, s, rels, "telegram", "facebook", "x")
			b.Run("content", func(b *testing.B) {
				for b.Loop() {
					pubs, err := s.Published(ctx)
					if err != nil || len(pubs) != n {
						b.Fatalf("published: %d of %d, %v", len(pubs), n, err)
					}
				}
			})
			b.Run("stamps", func(b *testing.B) {
				for b.Loop() {
					stamps, err := s.PublishedStamps(ctx)
					if err != nil || len(stamps) != n {
						b.Fatalf("stamps: %d of %d, %v", len(stamps), n, err)
					}
				}
			})
		})
	}
}
