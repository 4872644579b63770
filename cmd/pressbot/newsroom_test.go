package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/store"
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
	base := newsroomKey(pubs("ha", at), images, root)
	if newsroomKey(pubs("ha", at), images, root) != base {
		t.Fatal("the same releases give another key")
	}
	changes := map[string][]store.PublishedStamp{
		"content":     pubs("ha2", at),
		"publication": pubs("ha", at.Add(time.Second)),
		"one less":    pubs("ha", at)[:1],
		"none":        nil,
	}
	if newsroomKey(pubs("ha", at), images, nil) == base {
		t.Error("without the content folder the image's size is unknown, yet the key is the same")
	}
	if newsroomKey(pubs("ha", at), nil, root) == base {
		t.Error("without the releases' images their sizes are unknown, yet the key is the same")
	}
	for name, p := range changes {
		if newsroomKey(p, images, root) == base {
			t.Errorf("%s changed, the key did not", name)
		}
	}
	if err := os.WriteFile(img, []byte("a larger jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if newsroomKey(pubs("ha", at), images, root) == base {
		t.Error("the image's size changed, the key did not")
	}
}
