package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

func TestSettlePublished(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		publishedOn(t, s, rel("2024/a", "h1"), "telegram", "x")
		edited := rel("2024/a", "h2")
		edited.Title = "Corrected title"
		mustUpsert(t, s, edited)

		// An officer deciding on a version that is no longer current is refused.
		if err := s.SettlePublished(ctx, "2024/a", "x", "h9", "telegram:101", nil); !errors.Is(err, store.ErrChanged) {
			t.Errorf("settle at an old hash: %v, want ErrChanged", err)
		}
		// Keeping the X post: it no longer counts as outdated; the newsroom
		// still shows what was approved.
		if err := s.SettlePublished(ctx, "2024/a", "x", "h2", "telegram:101", nil); err != nil {
			t.Fatal(err)
		}
		pub, _ := s.Published(ctx)
		if len(pub) != 1 || pub[0].Release.Title != "Title of 2024/a" || !pub[0].UpdatedAt.Equal(pub[0].PublishedAt) {
			t.Fatalf("newsroom after keep: %+v (updated must stay the publication)", pub)
		}
		editedAt := pub[0].PublishedAt.Truncate(time.Second).Add(3 * time.Hour)
		s.SetClock(func() time.Time { return editedAt })
		// Editing the Telegram post: its rendering and the newsroom move on.
		newPost := posts("telegram")[0]
		newPost.Parts[0].Text = "<b>Corrected title</b>"
		if err := s.SettlePublished(ctx, "2024/a", "telegram", "h2", "telegram:101", &newPost); err != nil {
			t.Fatal(err)
		}
		rec := get(t, s, "2024/a")
		for _, p := range rec.Posts {
			if p.Hash != "h2" || p.State != release.StatusPublished || p.Receipt == nil {
				t.Errorf("post %s after settling: hash %s state %s receipt %v", p.Channel, p.Hash, p.State, p.Receipt)
			}
			if p.Channel == "telegram" && p.Post.Parts[0].Text != "<b>Corrected title</b>" {
				t.Errorf("edited rendering not recorded: %q", p.Post.Parts[0].Text)
			}
			if p.Channel == "x" && p.Post.Parts[0].Text != "<b>x</b>" {
				t.Errorf("kept post's rendering changed: %q", p.Post.Parts[0].Text)
			}
		}
		if rec.ApprovedHash != "h2" || rec.State != release.StatusPublished {
			t.Errorf("release after update: approved %s state %s", rec.ApprovedHash, rec.State)
		}
		if pub, _ := s.Published(ctx); len(pub) != 1 || pub[0].Release.Title != "Corrected title" || !pub[0].UpdatedAt.Equal(editedAt) {
			t.Errorf("newsroom after update: %+v, want updated at %v", pub, editedAt)
		}
		audit, _ := s.Audit(ctx, "2024/a")
		var events []string
		for _, a := range audit {
			if a.Event == "keep" || a.Event == "update" {
				events = append(events, a.Channel+":"+a.Event)
			}
		}
		if len(events) != 2 || events[0] != "x:keep" || events[1] != "telegram:update" {
			t.Errorf("audit of the decisions: %v", events)
		}
		// A post that is not published cannot be settled.
		mustUpsert(t, s, rel("2024/b", "b1"))
		approve(t, s, "2024/b", "b1", alice, 1, "telegram")
		if err := s.SettlePublished(ctx, "2024/b", "telegram", "b1", "telegram:101", nil); err == nil {
			t.Error("settled a post that is only scheduled")
		}
	})
}
