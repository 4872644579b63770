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

// TestWithdrawalTakenBackWaitsForApproval checks that a withdrawal taken
// back (an editor deletes withdrawn: true) does not bring the release back
// into the newsroom by itself, though its posts were never deleted: only a
// new approval does, and it sends nothing twice.
func TestWithdrawalTakenBackWaitsForApproval(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		r := rel("2024/w", "w1")
		publishedOn(t, s, r, "telegram")
		inNewsroom := func() bool {
			pub, err := s.Published(ctx)
			if err != nil {
				t.Fatal(err)
			}
			stamps, err := s.PublishedStamps(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(pub) != len(stamps) {
				t.Fatalf("Published has %d releases, PublishedStamps %d", len(pub), len(stamps))
			}
			return len(pub) == 1
		}
		if !inNewsroom() {
			t.Fatal("the published release is not in the newsroom")
		}
		w := r
		w.Withdrawn, w.Hash = true, "w2"
		mustUpsert(t, s, w)
		if inNewsroom() {
			t.Error("the withdrawn release is in the newsroom")
		}
		mustUpsert(t, s, r) // the line deleted: the file is as before
		if got := get(t, s, r.ID).State; got != release.StatusPendingApproval || inNewsroom() {
			t.Errorf("withdrawal taken back: state %s, in the newsroom %v; want pending_approval, not shown", got, inNewsroom())
		}
		res := approve(t, s, r.ID, r.Hash, alice, 1, "telegram")
		if len(res.At) != 0 || !inNewsroom() {
			t.Errorf("approved again: scheduled %v, in the newsroom %v; want nothing sent twice, shown", res.At, inNewsroom())
		}
	})
}

// TestRemovedFileRestored checks that a release whose file was removed
// (Withdraw) and then restored unchanged, as by a revert or a branch
// switch, goes back to approval instead of staying withdrawn: scheduled
// posts are scheduled again once approved, and published ones are not
// sent twice. A release withdrawn in its front matter stays withdrawn.
func TestRemovedFileRestored(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		sched := rel("2024/s", "s1")
		mustUpsert(t, s, sched)
		approve(t, s, sched.ID, sched.Hash, alice, 1, "telegram")
		pub := rel("2024/p", "p1")
		publishedOn(t, s, pub, "telegram")
		for _, r := range []release.Release{sched, pub} {
			if err := s.Withdraw(ctx, r.ID, store.ActorSystem, "file removed from content"); err != nil {
				t.Fatal(err)
			}
			ch, err := s.UpsertRelease(ctx, r, store.ActorSystem)
			if err != nil {
				t.Fatal(err)
			}
			if ch.State != release.StatusPendingApproval || ch.Kind == store.ChangeUnchanged {
				t.Errorf("%s restored: %+v, want a change to pending_approval", r.ID, ch)
			}
		}
		if res := approve(t, s, sched.ID, sched.Hash, alice, 1, "telegram"); len(res.At) != 1 {
			t.Errorf("restored scheduled release approved: scheduled %v, want telegram", res.At)
		}
		if res := approve(t, s, pub.ID, pub.Hash, alice, 1, "telegram"); len(res.At) != 0 {
			t.Errorf("restored published release approved: scheduled %v, want nothing sent twice", res.At)
		}

		w := rel("2024/w", "w1")
		w.Withdrawn = true
		mustUpsert(t, s, w)
		if ch, err := s.UpsertRelease(ctx, w, store.ActorSystem); err != nil || ch.Kind != store.ChangeUnchanged || ch.State != release.StatusWithdrawn {
			t.Errorf("withdrawn in front matter, read again: %+v %v; want unchanged, withdrawn", ch, err)
		}
	})
}

// TestEditClaim checks that a post published from an older version is
// edited by one updater at a time: a second claim is refused while the
// first holds, keeping is refused too, and the claim ends with the edit,
// with EndEdit, or after EditTimeout.
func TestEditClaim(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		now := start
		s.SetClock(func() time.Time { return now })
		publishedOn(t, s, rel("2024/a", "h1"), "telegram", "x")
		mustUpsert(t, s, rel("2024/a", "h2"))

		if err := s.BeginEdit(ctx, "2024/a", "x", "h1", "cli:ann"); !errors.Is(err, store.ErrChanged) {
			t.Errorf("claim at an old hash: %v, want ErrChanged", err)
		}
		if err := s.BeginEdit(ctx, "2024/a", "x", "h2", "cli:ann"); err != nil {
			t.Fatal(err)
		}
		now = start.Add(store.EditTimeout - time.Second)
		var ed *store.EditingError
		if err := s.BeginEdit(ctx, "2024/a", "x", "h2", "telegram:101"); !errors.As(err, &ed) || ed.Actor != "cli:ann" || !ed.Since.Equal(start) {
			t.Fatalf("second claim: %v, want an EditingError naming cli:ann since %v", err, start)
		}
		if err := s.SettlePublished(ctx, "2024/a", "x", "h2", "telegram:101", nil); !errors.Is(err, store.ErrEditing) {
			t.Errorf("keep while another edits: %v, want ErrEditing", err)
		}
		// The other post is free.
		if err := s.BeginEdit(ctx, "2024/a", "telegram", "h2", "telegram:101"); err != nil {
			t.Errorf("claim of another post: %v", err)
		}
		if err := s.EndEdit(ctx, "2024/a", "telegram"); err != nil {
			t.Fatal(err)
		}
		if err := s.BeginEdit(ctx, "2024/a", "telegram", "h2", "cli:bob"); err != nil {
			t.Errorf("claim after EndEdit: %v", err)
		}
		// The edit ends the claim; after it the post shows the version.
		post := posts("x")[0]
		if err := s.SettlePublished(ctx, "2024/a", "x", "h2", "cli:ann", &post); err != nil {
			t.Fatal(err)
		}
		if err := s.BeginEdit(ctx, "2024/a", "x", "h2", "telegram:101"); !errors.Is(err, store.ErrSettled) {
			t.Errorf("claim of an updated post: %v, want ErrSettled", err)
		}
		// A claim never let go expires.
		now = now.Add(store.EditTimeout)
		if err := s.BeginEdit(ctx, "2024/a", "telegram", "h2", "telegram:101"); err != nil {
			t.Errorf("claim after the timeout: %v", err)
		}
	})
}

// TestTranslationHolder checks who holds a language version of a release:
// the release first seen with it, while neither withdrawn nor rejected.
func TestTranslationHolder(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		now := start
		s.SetClock(func() time.Time { return now })
		ru := rel("2026/forum-ru", "r1")
		ru.TranslationKey, ru.Lang = "forum", "ru"
		mustUpsert(t, s, ru)
		now = now.Add(time.Minute)
		dup := rel("2026/dup-ru", "d1")
		dup.TranslationKey, dup.Lang = "forum", "ru"
		holder := func(id, lang string) string {
			t.Helper()
			h, err := s.TranslationHolder(ctx, id, "forum", lang)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		if h := holder(dup.ID, "ru"); h != ru.ID {
			t.Errorf("a new file: holder %q, want %s", h, ru.ID)
		}
		mustUpsert(t, s, dup) // stored before the check existed
		if h := holder(dup.ID, "ru"); h != ru.ID {
			t.Errorf("the later release: holder %q, want %s", h, ru.ID)
		}
		if h := holder(ru.ID, "ru"); h != "" {
			t.Errorf("the first release: holder %q, want none", h)
		}
		if h := holder(dup.ID, "en"); h != "" {
			t.Errorf("another language: holder %q, want none", h)
		}
		if err := s.Withdraw(ctx, ru.ID, store.ActorSystem, "file removed from content"); err != nil {
			t.Fatal(err)
		}
		if h := holder(dup.ID, "ru"); h != "" {
			t.Errorf("after the first was withdrawn: holder %q, want none", h)
		}
	})
}

// TestRevertAfterPublishing checks that a published release edited and
// then reverted to what went out counts as unchanged, so officers are not
// asked to update posts that already show it.
func TestRevertAfterPublishing(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		r := rel("2024/r", "h1")
		publishedOn(t, s, r, "telegram", "x")
		if ch, err := s.UpsertRelease(ctx, rel("2024/r", "h2"), store.ActorSystem); err != nil || ch.Kind != store.ChangeAfterPublishing {
			t.Fatalf("edit after publishing: %+v %v", ch, err)
		}
		ch, err := s.UpsertRelease(ctx, r, store.ActorSystem)
		if err != nil || ch.Kind != store.ChangeUnchanged || ch.State != release.StatusPublished {
			t.Errorf("edit reverted: %+v %v; want unchanged, published", ch, err)
		}
		if rec := get(t, s, r.ID); rec.Hash != "h1" {
			t.Errorf("hash after the revert: %s, want h1", rec.Hash)
		}
	})
}
