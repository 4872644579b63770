package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/content/watch"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// recorder is an Offerer that remembers what it was asked.
type recorder struct {
	offers   []string // "id:change"
	problems []string // paths
	alerts   []string
	renames  []string // "from→to"
	void     bool     // what Renamed answers: it rewrote a copy's card
}

func (r *recorder) Offer(_ context.Context, rel release.Release, ch store.Change) error {
	r.offers = append(r.offers, rel.ID+":"+ch.Kind.String())
	return nil
}
func (r *recorder) ReportProblems(_ context.Context, path string, _ []string) {
	r.problems = append(r.problems, filepath.Base(path))
}
func (r *recorder) Alert(_ context.Context, text string) { r.alerts = append(r.alerts, text) }
func (r *recorder) Renamed(_ context.Context, from, to string, _ store.Change) bool {
	r.renames = append(r.renames, from+"→"+to)
	return r.void
}

const good = "---\ntitle: %s\ndate: 2026-11-20T10:00:00+05:00\nlang: en\n---\n\nBody of the release.\n"

func write(t testing.TB, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stepper is an Ingest over a watched folder and a new SQLite store.
type stepper struct {
	ctx context.Context
	dir string
	st  *store.Store
	rec *recorder
	in  *Ingest
	w   *watch.Watcher
}

// newStepper makes a stepper over SQLite; cfg gets its folder, store and
// recorder.
func newStepper(t *testing.T, cfg Config) *stepper {
	t.Helper()
	return newStepperOn(t, store.DialectSQLite, cfg)
}

// newStepperOn makes a stepper over a new database of dialect
// (storetest.Open: PostgreSQL is skipped without PRESSBOT_TEST_POSTGRES).
func newStepperOn(t *testing.T, dialect string, cfg Config) *stepper {
	t.Helper()
	s := &stepper{ctx: context.Background(), dir: t.TempDir(), rec: &recorder{}}
	st := storetest.Open(t, dialect)
	cfg.Dir, cfg.Store, cfg.Offer = s.dir, st, s.rec
	s.st, s.in, s.w = st, New(cfg), watch.New(s.dir, 0, nil)
	return s
}

// step scans the folder, applies what changed and returns how many
// releases were offered.
func (s *stepper) step(t *testing.T, name string) int {
	t.Helper()
	ch, err := s.w.Scan()
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.in.Apply(s.ctx, ch)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}

func TestApplySequence(t *testing.T) {
	s := newStepper(t, Config{Commit: func() string { return "abc123" }})
	ctx, dir, st, rec := s.ctx, s.dir, s.st, s.rec
	step := func(name string) int { t.Helper(); return s.step(t, name) }

	write(t, dir, "2026/a.md", strings.Replace(good, "%s", "A", 1))
	write(t, dir, "2026/bad.md", "---\ntitle: Bad\n---\n\nNo date.\n")
	write(t, dir, "2026/draft.md", strings.Replace(strings.Replace(good, "%s", "D", 1), "lang: en", "lang: en\ndraft: true", 1))
	if n := step("first"); n != 1 {
		t.Errorf("first scan offered %d, want 1 (a; bad invalid; draft never offered)", n)
	}
	if !slices.Equal(rec.offers, []string{"2026/a:new"}) || !slices.Equal(rec.problems, []string{"bad.md"}) {
		t.Fatalf("offers %v problems %v", rec.offers, rec.problems)
	}
	got, err := st.Get(ctx, "2026/a")
	if err != nil || got.Commit != "abc123" || got.State != release.StatusPendingApproval {
		t.Fatalf("stored a = %+v, %v", got, err)
	}

	write(t, dir, "2026/bad.md", "---\ntitle: Bad\n---\n\nNo date, touched.\n")
	step("bad touched")
	if len(rec.problems) != 1 {
		t.Errorf("the same problem was reported again: %v", rec.problems)
	}

	write(t, dir, "2026/a.md", strings.Replace(good, "%s", "A, corrected", 1))
	if n := step("edit"); n != 1 || rec.offers[1] != "2026/a:changed_before_approval" {
		t.Errorf("edit offered %d: %v", n, rec.offers)
	}

	if err := os.Remove(filepath.Join(dir, "2026/a.md")); err != nil {
		t.Fatal(err)
	}
	step("remove")
	got, _ = st.Get(ctx, "2026/a")
	if got.State != release.StatusWithdrawn || len(rec.alerts) != 1 {
		t.Errorf("after removal state %s alerts %v", got.State, rec.alerts)
	}

	// The file comes back unchanged (a revert, a branch switch): it is
	// offered for approval again, not left withdrawn.
	write(t, dir, "2026/a.md", strings.Replace(good, "%s", "A, corrected", 1))
	if n := step("restore"); n != 1 || rec.offers[len(rec.offers)-1] != "2026/a:changed_before_approval" {
		t.Errorf("restore offered %d: %v", n, rec.offers)
	}
	if got, _ = st.Get(ctx, "2026/a"); got.State != release.StatusPendingApproval {
		t.Errorf("after restoring the file: state %s, want pending_approval", got.State)
	}
}

func TestDuplicateTranslationKeyInBatch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec := &recorder{}
	in := New(Config{Dir: dir, Store: st, Offer: rec})
	tk := strings.Replace(good, "lang: en", "lang: en\ntranslation_key: k", 1)
	write(t, dir, "a.md", strings.Replace(tk, "%s", "A", 1))
	write(t, dir, "b.md", strings.Replace(tk, "%s", "B", 1))
	ch, _ := watch.New(dir, 0, nil).Scan()
	if _, err := in.Apply(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if len(rec.offers) != 1 || len(rec.problems) != 1 {
		t.Errorf("offers %v problems %v: want one offered and one duplicate reported", rec.offers, rec.problems)
	}
}

// TestDuplicateTranslationKeyLater checks that a file added later with the
// (translation_key, lang) of a release already recorded is refused and
// reported, not offered: published, it would be a second version of that
// release and take its place in the newsroom's language links.
func TestDuplicateTranslationKeyLater(t *testing.T) {
	s := newStepper(t, Config{})
	tk := strings.Replace(good, "lang: en", "lang: en\ntranslation_key: k", 1)
	write(t, s.dir, "2026/z-first.md", strings.Replace(tk, "%s", "First", 1))
	if n := s.step(t, "first"); n != 1 {
		t.Fatalf("first file offered %d, want 1", n)
	}
	write(t, s.dir, "2026/a-later.md", strings.Replace(tk, "%s", "Later", 1))
	if n := s.step(t, "later"); n != 0 {
		t.Errorf("the later file was offered: %v", s.rec.offers)
	}
	if !slices.Equal(s.rec.problems, []string{"a-later.md"}) {
		t.Errorf("problems reported for %v, want a-later.md", s.rec.problems)
	}
	if _, err := s.st.Get(s.ctx, "2026/a-later"); err == nil {
		t.Error("the later file was recorded")
	}
}

// TestPictureChanges checks that a picture replaced, removed or added under
// the name a release gives changes that release, and no other: approved,
// it is offered again, with a new hash, before the old picture's approval
// can publish the new one.
func TestPictureChanges(t *testing.T) {
	s := newStepper(t, Config{})
	s.in.opts.ImageDir = s.dir
	ctx, dir, st, rec := s.ctx, s.dir, s.st, s.rec
	step := func(name string) int { t.Helper(); return s.step(t, name) }
	withPicture := strings.Replace(good, "lang: en", "lang: en\nimage: ./images//p.jpg\nimage_alt: A picture", 1)
	write(t, dir, "2026/p.md", strings.Replace(withPicture, "%s", "P", 1))
	write(t, dir, "2026/q.md", strings.Replace(good, "%s", "Q", 1))
	write(t, dir, "images/p.jpg", "the approved picture")
	if n := step("first"); n != 2 {
		t.Fatalf("first scan offered %d, want 2", n)
	}
	approved, err := st.Get(ctx, "2026/p")
	if err != nil {
		t.Fatal(err)
	}
	posts := []release.Post{{Channel: "telegram", Kind: release.KindTelegram, Parts: []release.Part{{Format: "text", Text: "P"}}}}
	res, err := st.Approve(ctx, store.ApproveRequest{ID: "2026/p", Hash: approved.Hash, Approver: store.Approver{Kind: "cli", ID: "test"},
		Posts: posts, At: time.Now().Add(time.Hour)})
	if err != nil || !res.Scheduled {
		t.Fatalf("approve: %+v %v", res, err)
	}

	write(t, dir, "notes.txt", "a file no release names")
	if n := step("other file"); n != 0 {
		t.Errorf("a file no release names offered %d", n)
	}
	write(t, dir, "images/p.jpg", "another picture, same name")
	if n := step("picture replaced"); n != 1 || rec.offers[len(rec.offers)-1] != "2026/p:changed_after_approval" {
		t.Fatalf("picture replaced: offered %d, offers %v", n, rec.offers)
	}
	got, _ := st.Get(ctx, "2026/p")
	if got.Hash == approved.Hash || got.State != release.StatusPendingApproval {
		t.Errorf("after the picture changed: hash %s (approved %s), state %s", got.Hash, approved.Hash, got.State)
	}
	for _, p := range got.Posts {
		if p.State == release.StatusScheduled {
			t.Errorf("post on %s still scheduled with the old picture", p.Channel)
		}
	}
	if err := os.Remove(filepath.Join(dir, "images/p.jpg")); err != nil {
		t.Fatal(err)
	}
	if n := step("picture removed"); n != 1 || rec.offers[len(rec.offers)-1] != "2026/p:changed_before_approval" {
		t.Errorf("picture removed: offered %d, offers %v", n, rec.offers)
	}
	// A picture in the text counts the same.
	write(t, dir, "images/map.png", "the approved map")
	write(t, dir, "2026/q.md", strings.Replace(strings.Replace(good, "%s", "Q", 1), "Body of the release.", "Body of the release.\n\n![A map](images/map.png)", 1))
	if n := step("text shows a picture"); n != 1 {
		t.Fatalf("text shows a picture: offered %d", n)
	}
	q, _ := st.Get(ctx, "2026/q")
	write(t, dir, "images/map.png", "another map, same name")
	if n := step("text picture replaced"); n != 1 {
		t.Errorf("text picture replaced: offered %d, offers %v", n, rec.offers)
	}
	if got, _ := st.Get(ctx, "2026/q"); got.Hash == q.Hash {
		t.Error("the hash did not change with the text's picture")
	}
}

// approveFor approves release id for one telegram post an hour from now.
func (s *stepper) approveFor(t *testing.T, id string) {
	t.Helper()
	rec, err := s.st.Get(s.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	posts := []release.Post{{Channel: "telegram", Kind: release.KindTelegram, Parts: []release.Part{{Format: "text", Text: rec.Title}}}}
	res, err := s.st.Approve(s.ctx, store.ApproveRequest{ID: id, Hash: rec.Hash, Approver: store.Approver{Kind: "cli", ID: "test"},
		Posts: posts, At: time.Now().Add(time.Hour)})
	if err != nil || !res.Scheduled {
		t.Fatalf("approve %s: %+v %v", id, res, err)
	}
}

// TestInvalidEditHoldsApproved checks that an approved release whose file
// becomes invalid (or unreadable) does not go out in its approved version
// unseen: its scheduled posts are cancelled and the officers told.
func TestInvalidEditHoldsApproved(t *testing.T) {
	for name, breakIt := range map[string]func(t *testing.T, path string){
		"invalid": func(t *testing.T, path string) {
			write(t, filepath.Dir(path), filepath.Base(path), "---\ntitle: E, corrected\ndate: 2026-11-20\nlang: en_US\n---\n\nCorrected.\n")
		},
		"emptied": func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newStepper(t, Config{})
			write(t, s.dir, "2026/e.md", strings.Replace(good, "%s", "E", 1))
			write(t, s.dir, "2026/f.md", strings.Replace(good, "%s", "F", 1))
			s.step(t, "first")
			s.approveFor(t, "2026/e")
			s.approveFor(t, "2026/f")
			breakIt(t, filepath.Join(s.dir, "2026", "e.md"))
			s.step(t, "broken")
			for id, want := range map[string]release.Status{"2026/e": release.StatusPendingApproval, "2026/f": release.StatusScheduled} {
				got, err := s.st.Get(s.ctx, id)
				if err != nil || got.State != want {
					t.Errorf("%s: state %s (%v), want %s", id, got.State, err, want)
				}
			}
			if len(s.rec.alerts) == 0 || !strings.Contains(s.rec.alerts[len(s.rec.alerts)-1], "2026/e") {
				t.Errorf("alerts %q: want one about 2026/e", s.rec.alerts)
			}
			// Fixed back to the version approved before: offered again,
			// as its approval was cancelled.
			write(t, s.dir, "2026/e.md", strings.Replace(good, "%s", "E", 1))
			if n := s.step(t, "fixed"); n != 1 || s.rec.offers[len(s.rec.offers)-1] != "2026/e:changed_after_approval" {
				t.Errorf("fixed: offered %d, offers %v", n, s.rec.offers)
			}
		})
	}
}

// TestReconcile checks that a release whose file was removed while serve
// was stopped is withdrawn at the next start, and no other.
func TestReconcile(t *testing.T) {
	s := newStepper(t, Config{})
	for _, id := range []string{"a", "b", "c"} {
		write(t, s.dir, "2026/"+id+".md", strings.Replace(good, "%s", strings.ToUpper(id), 1))
	}
	s.step(t, "first")
	s.approveFor(t, "2026/b")
	for _, id := range []string{"a", "b"} {
		if err := os.Remove(filepath.Join(s.dir, "2026", id+".md")); err != nil {
			t.Fatal(err)
		}
	}
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
	for id, want := range map[string]release.Status{"2026/a": release.StatusWithdrawn, "2026/b": release.StatusWithdrawn, "2026/c": release.StatusPendingApproval} {
		if got, _ := s.st.Get(s.ctx, id); got.State != want {
			t.Errorf("%s: state %s, want %s", id, got.State, want)
		}
	}
}

// failingStore fails to record the releases named in fail.
type failingStore struct {
	*store.Store
	fail map[string]bool
}

func (f failingStore) UpsertRelease(ctx context.Context, rel release.Release, actor string) (store.Change, error) {
	if f.fail[rel.ID] {
		return store.Change{}, errors.New("database or disk is full")
	}
	return f.Store.UpsertRelease(ctx, rel, actor)
}

// TestFailedFilesAreRetried checks that a release the store could not
// record is named in the *Failed error, so that the watcher hands it over
// again, and is recorded once the store works.
func TestFailedFilesAreRetried(t *testing.T) {
	s := newStepper(t, Config{})
	fs := failingStore{Store: s.st, fail: map[string]bool{"2026/b": true}}
	s.in = New(Config{Dir: s.dir, Store: fs, Offer: s.rec})
	write(t, s.dir, "2026/a.md", strings.Replace(good, "%s", "A", 1))
	write(t, s.dir, "2026/b.md", strings.Replace(good, "%s", "B", 1))
	ch, _ := s.w.Scan()
	_, err := s.in.Apply(s.ctx, ch)
	var failed *Failed
	if !errors.As(err, &failed) || !slices.Equal(failed.Paths, []string{"2026/b.md"}) {
		t.Fatalf("Apply: %v; want *Failed naming 2026/b.md", err)
	}
	s.w.Forget(failed.Paths...)
	delete(fs.fail, "2026/b")
	if n := s.step(t, "retry"); n != 1 {
		t.Errorf("retry offered %d, want 1", n)
	}
	if got, err := s.st.Get(s.ctx, "2026/b"); err != nil || got.State != release.StatusPendingApproval {
		t.Errorf("2026/b after the retry: %s, %v", got.State, err)
	}
}

// TestCurrent checks what approval is told about a release's file: current
// while it gives the recorded hash; changed, invalid or gone otherwise.
func TestCurrent(t *testing.T) {
	s := newStepper(t, Config{})
	write(t, s.dir, "2026/c.md", strings.Replace(good, "%s", "C", 1))
	s.step(t, "first")
	rec, err := s.st.Get(s.ctx, "2026/c")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.in.Current("2026/c", rec.Hash); err != nil {
		t.Errorf("unchanged file: %v", err)
	}
	for _, tt := range []struct{ name, body, want string }{
		{"edited", strings.Replace(good, "%s", "C, corrected", 1), "changed since"},
		{"invalid", "---\ntitle: C\n---\n\nNo date.\n", "invalid now"},
		{"gone", "", "is gone"},
	} {
		if tt.body == "" {
			os.Remove(filepath.Join(s.dir, "2026", "c.md"))
		} else {
			write(t, s.dir, "2026/c.md", tt.body)
		}
		if err := s.in.Current("2026/c", rec.Hash); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// failingWithdraw fails to withdraw the releases named in fail.
type failingWithdraw struct {
	*store.Store
	fail map[string]bool
}

func (f failingWithdraw) Withdraw(ctx context.Context, id, actor, reason string) error {
	if f.fail[id] {
		return errors.New("database or disk is full")
	}
	return f.Store.Withdraw(ctx, id, actor, reason)
}

// TestFailedRemovalIsRetried checks that a removal the store could not
// record is named in *Failed, and recorded at the next scan once the
// watcher remembers it.
func TestFailedRemovalIsRetried(t *testing.T) {
	s := newStepper(t, Config{})
	write(t, s.dir, "2026/a.md", strings.Replace(good, "%s", "A", 1))
	write(t, s.dir, "2026/b.md", strings.Replace(good, "%s", "B", 1))
	s.step(t, "first")
	fw := failingWithdraw{Store: s.st, fail: map[string]bool{"2026/b": true}}
	s.in = New(Config{Dir: s.dir, Store: fw, Offer: s.rec})
	os.Remove(filepath.Join(s.dir, "2026", "b.md"))
	ch, _ := s.w.Scan()
	_, err := s.in.Apply(s.ctx, ch)
	var failed *Failed
	if !errors.As(err, &failed) || !slices.Equal(failed.Removed, []string{"2026/b.md"}) {
		t.Fatalf("Apply: %v; want *Failed naming the removal of 2026/b.md", err)
	}
	s.w.Remember(failed.Removed...)
	delete(fw.fail, "2026/b")
	s.step(t, "retry")
	if got, _ := s.st.Get(s.ctx, "2026/b"); got.State != release.StatusWithdrawn {
		t.Errorf("2026/b after the retry: %s, want withdrawn", got.State)
	}
}

// holderCounter counts the store's per-file translation_key questions,
// and can fail the read-ahead of them all.
type holderCounter struct {
	*store.Store
	asked    atomic.Int32
	noAhead  bool
	readsAll atomic.Int32
}

func (c *holderCounter) TranslationHolder(ctx context.Context, id, key, lang string) (string, error) {
	c.asked.Add(1)
	return c.Store.TranslationHolder(ctx, id, key, lang)
}

func (c *holderCounter) Translations(ctx context.Context) (*store.Translations, error) {
	c.readsAll.Add(1)
	if c.noAhead {
		return nil, errors.New("store: translations: database is locked")
	}
	return c.Store.Translations(ctx)
}

// TestTranslationKeyReadAhead checks that a large batch (a first scan of
// an archive) reads every release's translation_key in one query instead
// of asking about each file, refusing the same duplicate as a small batch
// does, and that it asks file by file when that query fails.
func TestTranslationKeyReadAhead(t *testing.T) {
	tests := []struct {
		name      string
		noAhead   bool
		n         int
		wantAsked func(int32) bool
		wantReads int32
	}{
		{name: "small batch asks per file", n: 3, wantAsked: func(a int32) bool { return a == 3 }},
		{name: "large batch reads ahead", n: holdersAhead + 8, wantAsked: func(a int32) bool { return a == 0 }, wantReads: 1},
		{name: "read-ahead fails", n: holdersAhead + 8, noAhead: true, wantAsked: func(a int32) bool { return a == holdersAhead+8 }, wantReads: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStepper(t, Config{})
			cs := &holderCounter{Store: s.st, noAhead: tt.noAhead}
			s.in.store = cs
			tk := strings.Replace(good, "lang: en", "lang: en\ntranslation_key: %s", 1)
			file := func(title, key string) string {
				return strings.Replace(strings.Replace(tk, "%s", title, 1), "%s", key, 1)
			}
			write(t, s.dir, "2026/z-first.md", file("First", "k"))
			s.step(t, "first")
			cs.asked.Store(0)
			write(t, s.dir, "2026/a-later.md", file("Later", "k"))
			for i := range tt.n - 1 {
				write(t, s.dir, fmt.Sprintf("2026/other-%02d.md", i), file(fmt.Sprintf("Other %d", i), fmt.Sprintf("k%d", i)))
			}
			if got := s.step(t, "batch"); got != tt.n-1 {
				t.Errorf("offered %d, want %d (all but the duplicate)", got, tt.n-1)
			}
			if !slices.Equal(s.rec.problems, []string{"a-later.md"}) {
				t.Errorf("problems reported for %v, want a-later.md", s.rec.problems)
			}
			if a := cs.asked.Load(); !tt.wantAsked(a) {
				t.Errorf("asked the store about %d files", a)
			}
			if r := cs.readsAll.Load(); r != tt.wantReads {
				t.Errorf("read all translation keys %d times, want %d", r, tt.wantReads)
			}
		})
	}
}
