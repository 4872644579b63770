package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/site"
	"github.com/pressbot/pressbot/internal/store"
	"github.com/pressbot/pressbot/internal/store/storetest"
)

// TestNewsroomKey checks that the key of a newsroom changes with what it
// shows (a release, its content, its publication time, its image's size)
// and only then.
func TestNewsroomKey(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "images", "van.jpg")
	if err := os.MkdirAll(filepath.Dir(img), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(img, []byte("jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	at := time.Date(2026, 5, 14, 9, 0, 0, 0, time.UTC)
	pubs := func(hash string, when time.Time) []store.PublishedStamp {
		return []store.PublishedStamp{
			{ID: "2026/a", Hash: hash, PublishedAt: when},
			{ID: "2026/b", Hash: "hb", PublishedAt: when},
		}
	}
	images := newsroomImages{}
	images.add(release.Release{ID: "2026/a", Hash: "ha", Image: "/images/van.jpg"})
	images.add(release.Release{ID: "2026/b", Hash: "hb"})
	base := newsroomKey(pubs("ha", at), images, nil, root)
	if newsroomKey(pubs("ha", at), images, nil, root) != base {
		t.Fatal("the same releases give another key")
	}
	changes := map[string][]store.PublishedStamp{
		"content":     pubs("ha2", at),
		"publication": pubs("ha", at.Add(time.Second)),
		"one less":    pubs("ha", at)[:1],
		"none":        nil,
	}
	if newsroomKey(pubs("ha", at), images, nil, nil) == base {
		t.Error("without the content folder the image's size is unknown, yet the key is the same")
	}
	if newsroomKey(pubs("ha", at), nil, nil, root) == base {
		t.Error("without the releases' images their sizes are unknown, yet the key is the same")
	}
	gone := []store.GoneRelease{{ID: "2025/old", Lang: "en"}}
	if newsroomKey(pubs("ha", at), images, gone, root) == base {
		t.Error("a release is gone, yet the key is the same")
	}
	if newsroomKey(pubs("ha", at), images, []store.GoneRelease{{ID: "2025/old", Lang: "ru"}}, root) == newsroomKey(pubs("ha", at), images, gone, root) {
		t.Error("a gone release's language changed, yet the key is the same")
	}
	if newsroomKey(pubs("ha", at), images, []store.GoneRelease{{ID: "2025/old", Lang: "en", Tags: []string{"water"}}}, root) == newsroomKey(pubs("ha", at), images, gone, root) {
		t.Error("a gone release's tags (whose pages the sitemap dates by its withdrawal) changed, yet the key is the same")
	}
	for name, p := range changes {
		if newsroomKey(p, images, nil, root) == base {
			t.Errorf("%s changed, the key did not", name)
		}
	}
	if err := os.WriteFile(img, []byte("a larger jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if newsroomKey(pubs("ha", at), images, nil, root) == base {
		t.Error("the image's size changed, the key did not")
	}
}

// TestLiveNewsroomFollowsTheStore runs serve's newsroom update over a real
// store: a published release gets its page, and once withdrawn its address
// answers 410 Gone, while an address that never had a page answers 404, as
// does the withdrawn one again once its post is deleted and the withdrawal
// taken back. The feed of the withdrawn release's language, which had no
// other, stays (empty) while the release is gone.
func TestLiveNewsroomFollowsTheStore(t *testing.T) {
	ctx := context.Background()
	base := "https://newsroom.example.org"
	s := &server{store: storetest.Open(t, store.DialectSQLite), contentDir: t.TempDir(), log: slog.New(slog.DiscardHandler)}
	var err error
	if s.webRender, err = render.New(render.Config{BaseURL: base, Channels: []render.Channel{}, Zone: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if s.site, err = site.New(site.Config{BaseURL: base, Title: "Test", Zone: time.UTC}); err != nil {
		t.Fatal(err)
	}
	rels := []release.Release{
		{ID: "2026/kept", Title: "Kept", Lang: "en", Hash: "h1", Date: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), Body: "Text."},
		{ID: "2026/withdrawn", Title: "Withdrawn", Lang: "ru", Hash: "h2", Date: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC), Body: "Text."},
	}
	storetest.SeedPublished(t, s.store, rels, "telegram")
	status := func(path string) int {
		t.Helper()
		rec := httptest.NewRecorder()
		s.site.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	steps := []struct {
		name   string
		change func() error
		want   map[string]int
	}{
		{"published", func() error { return nil }, map[string]int{
			"/releases/2026/kept/": 200, "/releases/2026/withdrawn/": 200, "/releases/2026/never/": 404, "/ru/feed.xml": 200}},
		{"withdrawn", func() error { return s.store.Withdraw(ctx, "2026/withdrawn", "test", "wrong figures") }, map[string]int{
			"/releases/2026/kept/": 200, "/releases/2026/withdrawn/": 410, "/releases/2026/never/": 404, "/ru/feed.xml": 200}},
		{"its post deleted, the withdrawal taken back: awaits approval again", func() error {
			if err := s.store.PostDeleted(ctx, "2026/withdrawn", "telegram", "test"); err != nil {
				return err
			}
			r := rels[1]
			r.Hash = "h3"
			_, err := s.store.UpsertRelease(ctx, r, "test")
			return err
		}, map[string]int{
			"/releases/2026/kept/": 200, "/releases/2026/withdrawn/": 404}},
	}
	for _, st := range steps {
		if err := st.change(); err != nil {
			t.Fatal(err)
		}
		if err := s.updateNewsroom(ctx); err != nil {
			t.Fatalf("%s: update: %v", st.name, err)
		}
		for path, want := range st.want {
			if got := status(path); got != want {
				t.Errorf("%s: GET %s = %d, want %d", st.name, path, got, want)
			}
		}
	}
}
