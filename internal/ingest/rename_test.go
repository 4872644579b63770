package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/content/watch"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// changes is an Offerer that also keeps the changes it was offered.
type changes struct {
	recorder
	got []store.Change
}

func (c *changes) Offer(ctx context.Context, rel release.Release, ch store.Change) error {
	c.got = append(c.got, ch)
	return c.recorder.Offer(ctx, rel, ch)
}

// newRenameStepper is a stepper over SQLite whose recorder keeps the
// changes.
func newRenameStepper(t *testing.T) (*stepper, *changes) {
	t.Helper()
	return newRenameStepperOn(t, store.DialectSQLite)
}

// newRenameStepperOn is newRenameStepper over a database of dialect.
func newRenameStepperOn(t *testing.T, dialect string) (*stepper, *changes) {
	t.Helper()
	c := &changes{}
	s := newStepperOn(t, dialect, Config{})
	s.in.offer = c
	s.rec = &c.recorder
	return s, c
}

// publishFor approves release id for telegram, due now, and records the
// post as sent.
func (s *stepper) publishFor(t *testing.T, id string) {
	t.Helper()
	rec, err := s.st.Get(s.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	posts := []release.Post{{Channel: "telegram", Kind: release.KindTelegram, Parts: []release.Part{{Format: "text", Text: rec.Title}}}}
	if _, err := s.st.Approve(s.ctx, store.ApproveRequest{ID: id, Hash: rec.Hash, Approver: store.Approver{Kind: "cli", ID: "test"}, Posts: posts}); err != nil {
		t.Fatal(err)
	}
	args := store.PublishArgs{Release: id, Channel: "telegram", Hash: rec.Hash, Gen: 1}
	if c, err := s.st.StartPublish(s.ctx, args); err != nil || c.Outcome != store.ClaimSend {
		t.Fatalf("claim %s: %+v %v", id, c, err)
	}
	rc := &release.Receipt{Channel: "telegram", RemoteIDs: []string{"7"}, URL: "https://t.me/c/7"}
	if _, err := s.st.FinishPublish(s.ctx, args, store.Result{Event: release.EventSucceed, Receipt: rc}); err != nil {
		t.Fatal(err)
	}
}

// move renames a file of the stepper's folder.
func (s *stepper) move(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(filepath.Join(s.dir, from), filepath.Join(s.dir, to)); err != nil {
		t.Fatal(err)
	}
}

// remove deletes a file of the stepper's folder.
func (s *stepper) remove(t *testing.T, name string) {
	t.Helper()
	if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
		t.Fatal(err)
	}
}

// wantRenamed checks that release from is now to, in state, with its
// published post, and that the officers were told.
func (s *stepper) wantRenamed(t *testing.T, from, to string, state release.Status) {
	t.Helper()
	if _, err := s.st.Get(s.ctx, from); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s is still stored (%v)", from, err)
	}
	got, err := s.st.Get(s.ctx, to)
	if err != nil {
		t.Fatalf("%s: %v", to, err)
	}
	if got.State != state {
		t.Errorf("%s is %s, want %s", to, got.State, state)
	}
	if state == release.StatusPublished && (len(got.Posts) != 1 || got.Posts[0].Receipt == nil) {
		t.Errorf("%s lost its posts: %+v", to, got.Posts)
	}
	if !slices.ContainsFunc(s.rec.alerts, func(a string) bool {
		return strings.Contains(a, "The file of release "+from+" was renamed to "+to+".md")
	}) {
		t.Errorf("alerts %q: want one about the rename", s.rec.alerts)
	}
	if !slices.Contains(s.rec.renames, from+"→"+to) {
		t.Errorf("the Offerer was told of renames %q, want %s→%s", s.rec.renames, from, to)
	}
}

// TestCopyTurnedRenameVoid checks that when a copy turns out to be a
// rename, the officers are told that the request to approve it is void
// once: by the Offerer when it says it did (the chat rewrites the copy's
// card), else by an alert.
func TestCopyTurnedRenameVoid(t *testing.T) {
	for _, void := range []bool{false, true} {
		s, _ := newRenameStepper(t)
		s.rec.void = void
		write(t, s.dir, "2026/a.md", strings.Replace(good, "%s", "A", 1))
		s.step(t, "first")
		s.publishFor(t, "2026/a")
		data, err := os.ReadFile(filepath.Join(s.dir, "2026/a.md"))
		if err != nil {
			t.Fatal(err)
		}
		write(t, s.dir, "2026/b.md", string(data))
		s.step(t, "copy")
		s.remove(t, "2026/a.md")
		s.step(t, "original gone")
		s.wantRenamed(t, "2026/a", "2026/b", release.StatusPublished)
		alerted := slices.ContainsFunc(s.rec.alerts, func(a string) bool {
			return strings.Contains(a, "The approval request shown for 2026/b is void")
		})
		if alerted == void {
			t.Errorf("Offerer rewrote the card: %v; alerts %q", void, s.rec.alerts)
		}
	}
}

// TestRenameIsNotANewRelease checks that a published release whose file
// is renamed moves to its new ID and is neither offered nor left behind,
// whether the watcher sees the new file in the same scan as the old one
// going, after it (old one gone first), or before it (new one first).
func TestRenameIsNotANewRelease(t *testing.T) {
	tk := strings.Replace(good, "lang: en", "lang: en\ntranslation_key: grant", 1)
	for _, tc := range []struct {
		name, body string
		steps      func(t *testing.T, s *stepper)
	}{
		{"same scan", good, func(t *testing.T, s *stepper) {
			s.move(t, "2026/a.md", "2026/b.md")
			s.step(t, "rename")
		}},
		{"old gone first", good, func(t *testing.T, s *stepper) {
			data, err := os.ReadFile(filepath.Join(s.dir, "2026/a.md"))
			if err != nil {
				t.Fatal(err)
			}
			s.remove(t, "2026/a.md")
			s.step(t, "old gone")
			write(t, s.dir, "2026/b.md", string(data))
			s.step(t, "new there")
		}},
		{"new first", good, func(t *testing.T, s *stepper) {
			data, err := os.ReadFile(filepath.Join(s.dir, "2026/a.md"))
			if err != nil {
				t.Fatal(err)
			}
			write(t, s.dir, "2026/b.md", string(data))
			s.step(t, "new there")
			s.remove(t, "2026/a.md")
			s.step(t, "old gone")
		}},
		{"translation_key, same scan", tk, func(t *testing.T, s *stepper) {
			s.move(t, "2026/a.md", "2026/b.md")
			s.step(t, "rename")
		}},
		{"translation_key, new first", tk, func(t *testing.T, s *stepper) {
			data, err := os.ReadFile(filepath.Join(s.dir, "2026/a.md"))
			if err != nil {
				t.Fatal(err)
			}
			write(t, s.dir, "2026/b.md", string(data))
			s.step(t, "new there") // refused: 2026/a holds the key
			s.remove(t, "2026/a.md")
			s.step(t, "old gone")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newRenameStepper(t)
			write(t, s.dir, "2026/a.md", strings.Replace(tc.body, "%s", "A", 1))
			s.step(t, "first")
			s.publishFor(t, "2026/a")
			offers := len(s.rec.offers)
			tc.steps(t, s)
			s.wantRenamed(t, "2026/a", "2026/b", release.StatusPublished)
			// An offer of the copy seen before the old file went is
			// allowed, if it warned; none after.
			for _, ch := range c.got[offers:] {
				if ch.Repeats != "2026/a" {
					t.Errorf("offered %+v without a warning that it repeats 2026/a", ch)
				}
			}
			if n := s.step(t, "rescan"); n != 0 {
				t.Errorf("a rescan offered %d", n)
			}
		})
	}
}

// TestCopyIsNotARename checks that a copy of a published release, its
// file still there, is offered as a release of its own with a warning
// that it repeats the published one, which keeps its ID.
func TestCopyIsNotARename(t *testing.T) {
	s, c := newRenameStepper(t)
	write(t, s.dir, "2026/a.md", strings.Replace(good, "%s", "A", 1))
	s.step(t, "first")
	s.publishFor(t, "2026/a")
	data, err := os.ReadFile(filepath.Join(s.dir, "2026/a.md"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, s.dir, "2026/copy.md", string(data))
	if n := s.step(t, "copy"); n != 1 {
		t.Fatalf("copy offered %d, want 1", n)
	}
	last := c.got[len(c.got)-1]
	if last.Kind != store.ChangeNew || last.Repeats != "2026/a" || last.RepeatsState != release.StatusPublished || last.RenamedFrom != "" {
		t.Errorf("copy offered as %+v, want new, repeating 2026/a (published)", last)
	}
	if got, err := s.st.Get(s.ctx, "2026/a"); err != nil || got.State != release.StatusPublished {
		t.Errorf("2026/a after the copy: %s, %v", got.State, err)
	}
	if to, _ := s.st.RenamedTo(s.ctx, "2026/a"); to != "" {
		t.Errorf("2026/a renamed to %s", to)
	}
}

// TestRenameWithEdit checks that a release renamed and edited at once
// (recognised by its translation_key) moves and then follows the change
// flow: published, it asks to update its posts.
func TestRenameWithEdit(t *testing.T) {
	s, c := newRenameStepper(t)
	tk := strings.Replace(good, "lang: en", "lang: en\ntranslation_key: grant", 1)
	write(t, s.dir, "2026/a.md", strings.Replace(tk, "%s", "A", 1))
	s.step(t, "first")
	s.publishFor(t, "2026/a")
	s.remove(t, "2026/a.md")
	write(t, s.dir, "2026/b.md", strings.Replace(tk, "%s", "A, corrected", 1))
	if n := s.step(t, "rename and edit"); n != 1 {
		t.Fatalf("offered %d, want 1 (update the published posts?)", n)
	}
	last := c.got[len(c.got)-1]
	if last.Kind != store.ChangeAfterPublishing || last.RenamedFrom != "2026/a" {
		t.Errorf("offered %+v, want changed_after_publishing renamed from 2026/a", last)
	}
	s.wantRenamed(t, "2026/a", "2026/b", release.StatusPublished)
	if len(s.rec.problems) != 0 {
		t.Errorf("the renamed file was refused: %v", s.rec.problems)
	}
}

// TestRenameWhileStopped checks that a scheduled release whose file was
// renamed while serve was stopped is moved by the first scan, with its
// schedule, and not withdrawn by Reconcile nor offered again.
func TestRenameWhileStopped(t *testing.T) {
	s := newStepper(t, Config{})
	write(t, s.dir, "2026/a.md", strings.Replace(good, "%s", "A", 1))
	s.step(t, "first")
	s.approveFor(t, "2026/a")
	s.move(t, "2026/a.md", "2026/b.md")
	offers := len(s.rec.offers)
	// A new start: a new watcher and ingest over the same folder and store.
	s.in, s.w = New(Config{Dir: s.dir, Store: s.st, Offer: s.rec}), watch.New(s.dir, 0, nil)
	ch, err := s.w.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.in.Apply(s.ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := s.in.Reconcile(s.ctx, ch.Added); err != nil {
		t.Fatal(err)
	}
	s.wantRenamed(t, "2026/a", "2026/b", release.StatusScheduled)
	if len(s.rec.offers) != offers {
		t.Errorf("offered again: %v", s.rec.offers[offers:])
	}
}

// TestTranslationKeyTakenOverIsRefused checks that a release that went
// further than awaiting approval cannot take the translation_key of a
// release whose file is gone: it is not that release renamed, and two
// published releases would claim one language version.
func TestTranslationKeyTakenOverIsRefused(t *testing.T) {
	s, _ := newRenameStepper(t)
	tk := strings.Replace(good, "lang: en", "lang: en\ntranslation_key: grant", 1)
	write(t, s.dir, "2026/a.md", strings.Replace(tk, "%s", "A", 1))
	write(t, s.dir, "2026/c.md", strings.Replace(good, "%s", "C", 1))
	s.step(t, "first")
	s.publishFor(t, "2026/a")
	s.publishFor(t, "2026/c")
	s.remove(t, "2026/a.md")
	s.step(t, "a gone")
	write(t, s.dir, "2026/c.md", strings.Replace(tk, "%s", "C", 1))
	if n := s.step(t, "c takes the key"); n != 0 {
		t.Errorf("offered %d", n)
	}
	if !slices.Equal(s.rec.problems, []string{"c.md"}) {
		t.Errorf("problems reported for %v, want c.md", s.rec.problems)
	}
	if got, err := s.st.Get(s.ctx, "2026/a"); err != nil || got.State != release.StatusPublished {
		t.Errorf("2026/a: %s, %v; want it kept, published", got.State, err)
	}
}

// TestCopyThenStoppedThenOriginalRemoved checks the rename the watcher
// saw only in part before serve stopped: the new file recorded as a copy
// of a published release, whose file was then removed while serve was
// stopped. The start takes the copy as the release renamed.
func TestCopyThenStoppedThenOriginalRemoved(t *testing.T) {
	s := newStepper(t, Config{})
	write(t, s.dir, "2026/a.md", strings.Replace(good, "%s", "A", 1))
	s.step(t, "first")
	s.publishFor(t, "2026/a")
	data, err := os.ReadFile(filepath.Join(s.dir, "2026/a.md"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, s.dir, "2026/b.md", string(data))
	s.step(t, "copy seen")
	s.remove(t, "2026/a.md")
	// A new start: a new watcher and ingest over the same folder and store.
	s.in, s.w = New(Config{Dir: s.dir, Store: s.st, Offer: s.rec}), watch.New(s.dir, 0, nil)
	ch, err := s.w.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.in.Apply(s.ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := s.in.Reconcile(s.ctx, ch.Added); err != nil {
		t.Fatal(err)
	}
	s.wantRenamed(t, "2026/a", "2026/b", release.StatusPublished)
}
