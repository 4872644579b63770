package storetest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// SeedPublished stores rels, approves each as it is, and publishes it on
// each of channels, as if pressbot had sent them: for benchmarks of what
// serve does with a long-published archive.
func SeedPublished(tb testing.TB, s *store.Store, rels []release.Release, channels ...string) {
	tb.Helper()
	ctx := context.Background()
	approver := store.Approver{Kind: "cli", ID: "seed", Name: "Seed"}
	for i, r := range rels {
		if _, err := s.UpsertRelease(ctx, r, "seed"); err != nil {
			tb.Fatal(err)
		}
		var posts []release.Post
		for _, ch := range channels {
			posts = append(posts, release.Post{Channel: ch, Kind: ch,
				Parts: []release.Part{{Format: release.FormatText, Text: r.Title, Length: len(r.Title), Limit: 63206}}})
		}
		if _, err := s.Approve(ctx, store.ApproveRequest{ID: r.ID, Hash: r.Hash, Approver: approver, Posts: posts, Required: 1}); err != nil {
			tb.Fatal(err)
		}
		for _, ch := range channels {
			a := store.PublishArgs{Release: r.ID, Channel: ch, Hash: r.Hash, Gen: 1}
			if c, err := s.StartPublish(ctx, a); err != nil || c.Outcome != store.ClaimSend {
				tb.Fatalf("seed: claim %s on %s: %+v %v", r.ID, ch, c, err)
			}
			rc := &release.Receipt{Channel: ch, RemoteIDs: []string{strconv.Itoa(i)}, URL: "https://example.org/" + strconv.Itoa(i), PublishedAt: time.Now().UTC()}
			if _, err := s.FinishPublish(ctx, a, store.Result{Event: release.EventSucceed, Receipt: rc}); err != nil {
				tb.Fatal(err)
			}
		}
	}
}
