package ingest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pressbot/pressbot/internal/content"
	"github.com/pressbot/pressbot/internal/content/watch"
	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
)

// recorder is an Offerer that remembers what it was asked.
type recorder struct {
	offers   []string // "id:change"
	problems []string // paths
	alerts   []string
}

func (r *recorder) Offer(_ context.Context, rel release.Release, ch store.Change) error {
	r.offers = append(r.offers, rel.ID+":"+ch.Kind.String())
	return nil
}
func (r *recorder) ReportProblems(_ context.Context, path string, _ []string) {
	r.problems = append(r.problems, filepath.Base(path))
}
func (r *recorder) Alert(_ context.Context, text string) { r.alerts = append(r.alerts, text) }

const good = "---\ntitle: %s\ndate: 2026-11-20T10:00:00+05:00\nlang: en\n---\n\nBody of the release.\n"

func write(t *testing.T, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestApplySequence(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec := &recorder{}
	in := New(Config{Dir: dir, Options: content.Options{}, Store: st, Offer: rec, Commit: func() string { return "abc123" }})
	w := watch.New(dir, 0, nil)
	step := func(name string) int {
		t.Helper()
		ch, err := w.Scan()
		if err != nil {
			t.Fatal(err)
		}
		n, err := in.Apply(ctx, ch)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return n
	}

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
