package ingest

import (
	"context"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// countingStore counts the store's per-file Peek and Kin queries.
type countingStore struct {
	*store.Store
	peeks, kins int
}

func (c *countingStore) Peek(ctx context.Context, id string) (store.Peeked, error) {
	c.peeks++
	return c.Store.Peek(ctx, id)
}

func (c *countingStore) Kin(ctx context.Context, id string, rel release.Release) ([]store.Record, error) {
	c.kins++
	return c.Store.Kin(ctx, id, rel)
}

// TestBatchAsksKinOnlyOfKin checks that a batch of release files asks
// the store file by file (Peek, Kin) only about those that may be a
// rename or a copy, and that these are still found: a copy of a file of
// the same batch, the renamed file of a stored release (by content or by
// translation_key).
func TestBatchAsksKinOnlyOfKin(t *testing.T) {
	tk := strings.Replace(good, "lang: en", "lang: en\ntranslation_key: grant", 1)
	body := func(title string) string { return strings.Replace(good, "%s", title, 1) }
	// gone records 2026/old with text, publishes it and removes its file.
	gone := func(text string) func(t *testing.T, s *stepper) {
		return func(t *testing.T, s *stepper) {
			write(t, s.dir, "2026/old.md", text)
			s.step(t, "old")
			s.publishFor(t, "2026/old")
			s.remove(t, "2026/old.md")
			s.step(t, "old gone")
		}
	}
	for _, tc := range []struct {
		name        string
		before      func(t *testing.T, s *stepper)
		files       map[string]string
		peeks, kins int
		check       func(t *testing.T, s *stepper, c *changes)
	}{
		{name: "new files only",
			files: map[string]string{"2026/a.md": body("A"), "2026/b.md": body("B"), "2026/c.md": body("C")}},
		{name: "known files, one edited while pending",
			before: func(t *testing.T, s *stepper) {
				write(t, s.dir, "2026/a.md", body("A"))
				write(t, s.dir, "2026/b.md", body("B"))
				s.step(t, "before")
			},
			files: map[string]string{"2026/a.md": body("A"), "2026/b.md": body("B, corrected")}},
		{name: "copy in the same batch",
			files: map[string]string{"2026/a.md": body("A"), "2026/b.md": body("B"), "2026/c.md": body("A")},
			kins:  1,
			check: func(t *testing.T, s *stepper, c *changes) {
				if len(c.got) != 3 || c.got[2].Repeats != "2026/a" {
					t.Errorf("offered %+v; want 2026/c marked as repeating 2026/a", c.got)
				}
			}},
		{name: "renamed file of a stored release",
			before: gone(body("Old")),
			files:  map[string]string{"2026/a.md": body("A"), "2026/new.md": body("Old")},
			kins:   1,
			check: func(t *testing.T, s *stepper, _ *changes) {
				s.wantRenamed(t, "2026/old", "2026/new", release.StatusPublished)
			}},
		{name: "renamed and edited, same translation_key",
			before: gone(strings.Replace(tk, "%s", "Old", 1)),
			files:  map[string]string{"2026/a.md": body("A"), "2026/new.md": strings.Replace(tk, "%s", "Old, corrected", 1)},
			peeks:  1, // content asks whether 2026/new may take the key of 2026/old (RenameTarget)
			kins:   1,
			check: func(t *testing.T, s *stepper, _ *changes) {
				s.wantRenamed(t, "2026/old", "2026/new", release.StatusPublished)
			}},
	} {
		for _, d := range storetest.Dialects {
			t.Run(tc.name+"/"+d, func(t *testing.T) {
				s, c := newRenameStepperOn(t, d)
				if tc.before != nil {
					tc.before(t, s)
				}
				cs := &countingStore{Store: s.st}
				s.in.store = cs
				for name, text := range tc.files {
					write(t, s.dir, name, text)
				}
				s.step(t, "batch")
				if cs.peeks != tc.peeks || cs.kins != tc.kins {
					t.Errorf("the batch asked Peek %d and Kin %d times, want %d and %d", cs.peeks, cs.kins, tc.peeks, tc.kins)
				}
				if tc.check != nil {
					tc.check(t, s, c)
				}
				for name := range tc.files {
					if _, err := s.st.Get(s.ctx, strings.TrimSuffix(name, ".md")); err != nil {
						t.Errorf("%s not recorded: %v", name, err)
					}
				}
			})
		}
	}
}

// TestSieve checks what a sieve read ahead against what was recorded
// since: a release recorded later in the batch with a file's hash, or
// its translation_key in its language, may be its kin; a release a
// rename moved is asked of the store again.
func TestSieve(t *testing.T) {
	s := newStepper(t, Config{})
	write(t, s.dir, "2026/old.md", strings.Replace(good, "%s", "Old", 1))
	s.step(t, "old")
	r := func(id, hash, key, lang string) release.Release {
		return release.Release{ID: id, Hash: hash, TranslationKey: key, Lang: lang}
	}
	a, b := r("2026/a", "ha", "grant", "en"), r("2026/b", "hb", "", "en")
	for _, tc := range []struct {
		name     string
		recorded []release.Release
		rel      release.Release
		want     bool
	}{
		{"nothing recorded since", nil, a, false},
		{"not read ahead", nil, r("2026/c", "hc", "", "en"), true},
		{"its hash recorded since", []release.Release{r("2026/x", "ha", "", "en")}, a, true},
		{"its translation_key recorded since", []release.Release{r("2026/x", "hx", "grant", "en")}, a, true},
		{"its translation_key in another language", []release.Release{r("2026/x", "hx", "grant", "ru")}, a, false},
		{"no translation_key is none", []release.Release{r("2026/x", "hx", "", "en")}, b, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sv := newSieve()
			if err := sv.load(s.ctx, s.st, []release.Release{a, b}); err != nil {
				t.Fatal(err)
			}
			for _, rec := range tc.recorded {
				sv.recorded(rec, store.Change{})
			}
			if got := sv.mayHaveKin(tc.rel); got != tc.want {
				t.Errorf("mayHaveKin(%s) = %v, want %v", tc.rel.ID, got, tc.want)
			}
		})
	}
	if !(*sieve)(nil).mayHaveKin(a) {
		t.Error("a nil sieve says a release has no kin")
	}

	cs := &countingStore{Store: s.st}
	sv := newSieve()
	if err := sv.load(s.ctx, cs, []release.Release{a, r("2026/old", "hold", "", "en")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sv.peek(s.ctx, cs, "2026/old"); err != nil || cs.peeks != 0 {
		t.Fatalf("peek of a release read ahead: %v, %d queries", err, cs.peeks)
	}
	sv.recorded(a, store.Change{RenamedFrom: "2026/old"})
	if _, err := sv.peek(s.ctx, cs, "2026/old"); err != nil || cs.peeks != 1 {
		t.Errorf("peek of a release a rename moved: %v, %d queries; want the store asked", err, cs.peeks)
	}
	if sv.known[a.ID] || !sv.mayHaveKin(r(a.ID, "hy", "", "en")) {
		t.Errorf("what was read of %s, recorded since, is still used", a.ID)
	}
}
