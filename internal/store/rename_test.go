package store_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// renamed returns r as read from the file of release id: the same
// content under another ID.
func renamed(r release.Release, id string) release.Release {
	r.ID, r.Path = id, "content/"+id+".md"
	return r
}

// TestRenameMovesEverything checks that a rename moves a release with its
// approvals, posts, receipts, scheduled jobs and audit history to the new
// ID, remembers the old one, and reports no change to offer.
func TestRenameMovesEverything(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		a := rel("2025/a", "h1")
		a.Path = "content/2025/a.md"
		mustUpsert(t, s, a)
		approve(t, s, a.ID, a.Hash, alice, 1, "telegram", "x")
		publish(t, s, store.PublishArgs{Release: a.ID, Channel: "telegram", Hash: "h1", Gen: 1}) // x stays scheduled
		state := get(t, s, a.ID).State
		before, err := s.Audit(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}

		ch, err := s.RenameRelease(ctx, a.ID, renamed(a, "2025/b"), store.ActorSystem)
		if err != nil {
			t.Fatalf("rename: %v", err)
		}
		if ch.Kind != store.ChangeUnchanged || ch.RenamedFrom != a.ID || ch.State != state {
			t.Errorf("change = %+v, want unchanged, renamed from %s, still %s", ch, a.ID, state)
		}
		if _, err := s.Get(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the old ID is still stored: %v", err)
		}
		b := get(t, s, "2025/b")
		if len(b.Approvals) != 1 || b.Approvals[0].Approver != alice {
			t.Errorf("approvals did not move: %+v", b.Approvals)
		}
		if b.Release.ID != "2025/b" || b.Release.Path != "content/2025/b.md" || b.Approved == nil || b.Approved.ID != "2025/b" {
			t.Errorf("snapshots keep the old ID: %+v / %+v", b.Release.ID, b.Approved)
		}
		if len(b.Posts) != 2 {
			t.Fatalf("posts = %+v", b.Posts)
		}
		for _, p := range b.Posts {
			if p.Post.Release != "2025/b" {
				t.Errorf("%s post names release %q", p.Channel, p.Post.Release)
			}
			switch p.Channel {
			case "telegram":
				if p.State != release.StatusPublished || p.Receipt == nil || p.Receipt.URL != "https://t.me/c/42" {
					t.Errorf("telegram post lost its receipt: %+v", p)
				}
			case "x":
				if p.State != release.StatusScheduled || p.Gen != 2 {
					t.Errorf("x post = %s gen %d, want scheduled gen 2 (queued again under the new ID)", p.State, p.Gen)
				}
			}
		}
		jobs := jobStates(t, s)
		if !slices.Equal(jobs["2025/a/x/1"], []string{"cancelled"}) || !slices.Equal(jobs["2025/b/x/2"], []string{"available"}) {
			t.Errorf("jobs = %v, want the old x job cancelled and a new one for 2025/b", jobs)
		}

		audit, err := s.Audit(ctx, "2025/b")
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != len(before)+1 {
			t.Fatalf("audit has %d entries, want the %d of 2025/a and the rename", len(audit), len(before))
		}
		last := audit[len(audit)-1]
		if last.Event != "rename" || !strings.HasPrefix(last.Detail, "renamed from 2025/a") {
			t.Errorf("last audit entry = %+v", last)
		}
		if old, _ := s.Audit(ctx, a.ID); len(old) != 0 {
			t.Errorf("audit entries left under the old ID: %v", old)
		}
		if to, err := s.RenamedTo(ctx, a.ID); err != nil || to != "2025/b" {
			t.Errorf("RenamedTo(a) = %q, %v", to, err)
		}

		// The last post goes out under the new ID; the newsroom has it
		// there.
		publish(t, s, store.PublishArgs{Release: "2025/b", Channel: "x", Hash: "h1", Gen: 2})
		pubs, err := s.Published(ctx)
		if err != nil || len(pubs) != 1 || pubs[0].Release.ID != "2025/b" {
			t.Fatalf("published = %+v, %v", pubs, err)
		}

		// Renamed again, and changed: every old ID leads to the newest,
		// and the change is one after publishing.
		c := renamed(a, "2025/c")
		c.Hash, c.Title = "h2", "Corrected"
		ch, err = s.RenameRelease(ctx, "2025/b", c, store.ActorSystem)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Kind != store.ChangeAfterPublishing || ch.RenamedFrom != "2025/b" {
			t.Errorf("rename with a change = %+v, want changed_after_publishing", ch)
		}
		renames, err := s.Renames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.Rename{{From: "2025/a", To: "2025/c"}, {From: "2025/b", To: "2025/c"}}
		if len(renames) != 2 || renames[0].From != want[0].From || renames[0].To != want[0].To ||
			renames[1].From != want[1].From || renames[1].To != want[1].To {
			t.Errorf("renames = %+v, want %+v", renames, want)
		}
		from, err := s.RenamedFrom(ctx, "2025/c")
		if err != nil || len(from) != 2 {
			t.Errorf("RenamedFrom(c) = %+v, %v", from, err)
		}

		// A new release at an old ID has it for its own.
		mustUpsert(t, s, rel("2025/a", "h9"))
		if to, _ := s.RenamedTo(ctx, "2025/a"); to != "" {
			t.Errorf("2025/a is a release again, but still renamed to %q", to)
		}
	})
}

// TestRenameOntoPlaceholder checks that a rename may take the ID of a
// release recorded for the new file that went no further than awaiting
// approval (the watcher saw the new file first), and of no other.
func TestRenameOntoPlaceholder(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		a := rel("2025/a", "h1")
		publishedOn(t, s, a, "telegram")
		b := renamed(a, "2025/b")
		if ch := mustUpsert(t, s, b); ch.Kind != store.ChangeNew {
			t.Fatalf("copy recorded as %v", ch.Kind)
		}
		if !store.Placeholder(get(t, s, "2025/b")) {
			t.Fatal("a release awaiting approval, never scheduled, is no placeholder")
		}
		ch, err := s.RenameRelease(ctx, a.ID, b, store.ActorSystem)
		if err != nil || ch.Kind != store.ChangeUnchanged || ch.State != release.StatusPublished {
			t.Fatalf("rename onto the placeholder: %+v, %v", ch, err)
		}
		if got := get(t, s, "2025/b"); len(got.Posts) != 1 || got.Posts[0].Receipt == nil {
			t.Errorf("posts after the rename: %+v", got.Posts)
		}

		// A release that went further is never replaced.
		d := rel("2025/d", "h4")
		publishedOn(t, s, d, "telegram")
		if _, err := s.RenameRelease(ctx, "2025/b", renamed(b, "2025/d"), store.ActorSystem); err == nil {
			t.Error("a rename replaced a published release")
		}
		if got := get(t, s, "2025/b"); got.State != release.StatusPublished {
			t.Errorf("the failed rename changed 2025/b: %s", got.State)
		}
	})
}

// TestRenameWaitsForASend checks that a release is not moved while a post
// of it is being sent: the send records its result under the old ID.
func TestRenameWaitsForASend(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		a := rel("2025/a", "h1")
		mustUpsert(t, s, a)
		approve(t, s, a.ID, a.Hash, alice, 1, "telegram")
		args := store.PublishArgs{Release: a.ID, Channel: "telegram", Hash: "h1", Gen: 1}
		if c, err := s.StartPublish(ctx, args); err != nil || c.Outcome != store.ClaimSend {
			t.Fatalf("claim: %+v %v", c, err)
		}
		if _, err := s.RenameRelease(ctx, a.ID, renamed(a, "2025/b"), store.ActorSystem); !errors.Is(err, store.ErrBusy) {
			t.Fatalf("rename during a send: %v, want ErrBusy", err)
		}
		if _, err := s.FinishPublish(ctx, args, store.Result{Event: release.EventSucceed, Receipt: &release.Receipt{Channel: "telegram"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RenameRelease(ctx, a.ID, renamed(a, "2025/b"), store.ActorSystem); err != nil {
			t.Fatalf("rename after the send: %v", err)
		}
	})
}

// TestKin checks which stored releases Kin names for a new file.
func TestKin(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2025/a", "h1"))
		k := rel("2025/k", "h2")
		k.TranslationKey = "grant"
		mustUpsert(t, s, k)
		mustUpsert(t, s, rel("2025/other", "h3"))

		n := rel("2025/new", "h1")
		n.TranslationKey = "grant"
		kin, err := s.Kin(ctx, n.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range kin {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, []string{"2025/a", "2025/k"}) {
			t.Errorf("kin = %v, want the same hash first, then the same translation_key and lang", ids)
		}
		n.Lang = "ru"
		if kin, _ := s.Kin(ctx, n.ID, n); len(kin) != 1 {
			t.Errorf("kin in another language = %d releases, want only the same hash", len(kin))
		}
	})
}

// TestPeek checks Peek's light read against Get and Placeholder.
func TestPeek(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2025/pending", "h1"))
		publishedOn(t, s, rel("2025/out", "h2"), "telegram")
		for _, id := range []string{"2025/pending", "2025/out"} {
			p, err := s.Peek(ctx, id)
			rec := get(t, s, id)
			if err != nil || p.Hash != rec.Hash || p.State != rec.State || p.Placeholder != store.Placeholder(rec) {
				t.Errorf("Peek(%s) = %+v, %v; Get says %s %s placeholder %v", id, p, err, rec.Hash, rec.State, store.Placeholder(rec))
			}
		}
		if _, err := s.Peek(ctx, "2025/none"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Peek of an unknown ID: %v", err)
		}
		if ids, err := s.IDs(ctx, release.StatusPublished); err != nil || !slices.Equal(ids, []string{"2025/out"}) {
			t.Errorf("IDs(published) = %v, %v", ids, err)
		}
	})
}

// TestHaveKinAndPeekAll checks the batch reads ingest does ahead of a
// batch of files against the per-file ones they stand for: HaveKin says
// whether Kin finds a release, PeekAll gives what Peek does, also for
// more values than one query binds.
func TestHaveKinAndPeekAll(t *testing.T) {
	forEach(t, func(t *testing.T, s *store.Store) {
		mustUpsert(t, s, rel("2025/a", "h1"))
		k := rel("2025/k", "h2")
		k.TranslationKey = "grant"
		mustUpsert(t, s, k)
		noKey := rel("2025/nokey", "h4")
		noKey.TranslationKey = ""
		mustUpsert(t, s, noKey)
		publishedOn(t, s, rel("2025/out", "h5"), "telegram")

		with := func(id, hash, key, lang string) release.Release {
			r := rel(id, hash)
			r.TranslationKey, r.Lang = key, lang
			return r
		}
		for _, tc := range []struct {
			name string
			rels []release.Release
			want []string // IDs with kin
		}{
			{"none", nil, nil},
			{"same hash", []release.Release{with("2025/new", "h1", "", "en")}, []string{"2025/new"}},
			{"same hash, published", []release.Release{with("2025/new", "h5", "x", "en")}, []string{"2025/new"}},
			{"same translation_key and lang", []release.Release{with("2025/new", "hx", "grant", "en")}, []string{"2025/new"}},
			{"same translation_key, other lang", []release.Release{with("2025/new", "hx", "grant", "ru")}, nil},
			{"no translation_key matches none", []release.Release{with("2025/new", "hx", "", "en")}, nil},
			{"only itself", []release.Release{with("2025/a", "h1", "k-2025/a", "en"), with("2025/k", "h9", "grant", "en")}, nil},
			{"itself edited, another's hash", []release.Release{with("2025/a", "h2", "k-2025/a", "en")}, []string{"2025/a"}},
			{"several", []release.Release{with("2025/x", "h1", "", "en"), with("2025/y", "hy", "", "en"), with("2025/z", "hz", "grant", "en")},
				[]string{"2025/x", "2025/z"}},
			{"more than one query's worth", func() []release.Release {
				var rs []release.Release
				for i := range 1200 {
					rs = append(rs, with("2025/many-"+strconv.Itoa(i), "hm"+strconv.Itoa(i), "km"+strconv.Itoa(i), "en"))
				}
				rs[0].Hash, rs[1100].Hash, rs[1150].TranslationKey = "h1", "h2", "grant"
				return rs
			}(), []string{"2025/many-0", "2025/many-1100", "2025/many-1150"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.HaveKin(ctx, tc.rels)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tc.rels) {
					t.Errorf("HaveKin answered for %d releases, want %d", len(got), len(tc.rels))
				}
				for _, r := range tc.rels {
					kin, err := s.Kin(ctx, r.ID, r)
					if err != nil {
						t.Fatal(err)
					}
					if want := slices.Contains(tc.want, r.ID); got[r.ID] != want || want != (len(kin) > 0) {
						t.Errorf("HaveKin(%s) = %v, want %v (Kin found %d)", r.ID, got[r.ID], want, len(kin))
					}
				}
			})
		}

		// Stored ones in the first query and in the third.
		ids := []string{"2025/a", "2025/none"}
		for i := range 1200 {
			ids = append(ids, "2025/none-"+strconv.Itoa(i))
		}
		ids = append(ids, "2025/k", "2025/nokey", "2025/out", "2025/a")
		peeked, err := s.PeekAll(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(peeked) != 4 {
			t.Errorf("PeekAll found %d releases, want 4", len(peeked))
		}
		for _, id := range []string{"2025/a", "2025/k", "2025/nokey", "2025/out", "2025/none"} {
			p, err := s.Peek(ctx, id)
			if got, ok := peeked[id]; got != p || ok != (err == nil) {
				t.Errorf("PeekAll(%s) = %+v (stored %v), Peek = %+v, %v", id, got, ok, p, err)
			}
		}
		if p := peeked["2025/out"]; p.Placeholder || p.State != release.StatusPublished {
			t.Errorf("PeekAll(2025/out) = %+v, want published, not a placeholder", p)
		}
		if p := peeked["2025/a"]; !p.Placeholder || p.Hash != "h1" {
			t.Errorf("PeekAll(2025/a) = %+v, want h1, a placeholder", p)
		}
	})
}
