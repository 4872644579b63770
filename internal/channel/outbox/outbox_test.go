package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pressbot/pressbot/internal/release"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var when = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

func samplePost() release.Post {
	return release.Post{
		Release: "2020/imts-success",
		Hash:    "5286bea6acd367434d1c9c1d4bd8f5f2a6e0f1d7c1d0a9b8e7f6a5b4c3d2e1f0",
		Channel: "telegram",
		Kind:    release.KindTelegram,
		Parts: []release.Part{
			{Format: release.FormatHTML, Text: "<b>IMTS success</b>", Length: 12, Limit: 1024,
				Media: []release.Media{{URL: "https://news.example.org/media/2020/imts.jpg", Alt: "Delegates in Tashkent"}}},
			{Format: release.FormatHTML, Text: "Body &amp; more", Length: 13, Limit: 4096},
		},
	}
}

func newOutbox(t *testing.T, dir string) (*Channel, *bytes.Buffer) {
	t.Helper()
	logs := &bytes.Buffer{}
	c, err := New(Config{Name: "telegram", Kind: release.KindTelegram, Dir: dir,
		Logger: slog.New(slog.NewTextHandler(logs, nil)), Now: func() time.Time { return when }})
	if err != nil {
		t.Fatal(err)
	}
	return c, logs
}

func TestPublishWritesGoldenFile(t *testing.T) {
	dir := t.TempDir()
	c, logs := newOutbox(t, dir)
	r, err := c.Publish(context.Background(), samplePost())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "telegram", "2020__imts-success-5286bea6acd3.json")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "post.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("file differs from %s (run with -update):\n%s", golden, got)
	}
	if r.RemoteIDs[0] != filepath.Base(path) || r.Channel != "telegram" || !r.PublishedAt.Equal(when) ||
		!strings.HasPrefix(r.URL, "file:///") || !strings.HasSuffix(r.URL, "/telegram/2020__imts-success-5286bea6acd3.json") {
		t.Errorf("receipt = %+v", r)
	}
	for _, want := range []string{"dry run: outbox channel wrote post", "channel=telegram", "release=2020/imts-success", "file="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log %q lacks %q", logs, want)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "telegram"))
	if len(entries) != 1 {
		t.Errorf("outbox holds %d entries, want 1 (no temp files left)", len(entries))
	}
}

func TestPublishIsIdempotentPerHash(t *testing.T) {
	dir := t.TempDir()
	c, logs := newOutbox(t, dir)
	ctx := context.Background()
	first, err := c.Publish(ctx, samplePost())
	if err != nil {
		t.Fatal(err)
	}
	c.cfg.Now = func() time.Time { return when.Add(time.Hour) }
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			again, err := c.Publish(ctx, samplePost())
			if err != nil || again.URL != first.URL || !again.PublishedAt.Equal(first.PublishedAt) {
				t.Errorf("again = %+v, %v; want the first receipt %+v", again, err, first)
			}
		})
	}
	wg.Wait()
	if !strings.Contains(logs.String(), "already has post") {
		t.Errorf("no log of the repeat: %s", logs)
	}
	changed := samplePost()
	changed.Hash = "ffff" + changed.Hash[4:]
	if _, err := c.Publish(ctx, changed); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "telegram"))
	if len(entries) != 2 {
		t.Errorf("outbox holds %d files, want 2 (one per hash)", len(entries))
	}
}

func TestEditAndDelete(t *testing.T) {
	dir := t.TempDir()
	c, _ := newOutbox(t, dir)
	ctx := context.Background()
	r, err := c.Publish(ctx, samplePost())
	if err != nil {
		t.Fatal(err)
	}
	edited := samplePost()
	edited.Parts[1].Text = "Corrected body"
	c.cfg.Now = func() time.Time { return when.Add(time.Hour) }
	if err := c.Edit(ctx, r, edited); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "telegram", r.RemoteIDs[0])
	f, err := readFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Parts[1].Text != "Corrected body" || !f.PublishedAt.Equal(when) || !f.EditedAt.Equal(when.Add(time.Hour)) {
		t.Errorf("after edit: %+v", f)
	}
	if err := c.Delete(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "telegram", "deleted", r.RemoteIDs[0])); err != nil {
		t.Errorf("not moved to deleted/: %v", err)
	}
	if err := c.Delete(ctx, r); err != nil {
		t.Errorf("second delete: %v, want nil", err)
	}
	// Another outbox folder has no such post: not a success.
	otherDir := t.TempDir()
	other, _ := newOutbox(t, otherDir)
	if err := other.Delete(ctx, r); release.Classify(err) != release.ClassPermanent || !strings.Contains(err.Error(), "no post file") {
		t.Errorf("delete in another outbox: %v, want a permanent error", err)
	}
	if _, err := os.Stat(filepath.Join(otherDir, "telegram", "deleted")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the other outbox got a deleted/ folder: %v", err)
	}
	if err := c.Edit(ctx, r, edited); release.Classify(err) != release.ClassPermanent {
		t.Errorf("edit of a deleted post: %v, want permanent", err)
	}
}

func TestBadInput(t *testing.T) {
	c, _ := newOutbox(t, t.TempDir())
	ctx := context.Background()
	for _, p := range []release.Post{
		{Release: "../escape", Hash: "abc"},
		{Release: "2020/ok", Hash: ""},
		{Release: "", Hash: "abc"},
		{Release: "2020/.hidden", Hash: "abc"},
	} {
		if _, err := c.Publish(ctx, p); release.Classify(err) != release.ClassPermanent {
			t.Errorf("Publish(%q, %q) = %v, want permanent", p.Release, p.Hash, err)
		}
	}
	if err := c.Edit(ctx, release.Receipt{RemoteIDs: []string{"../../etc/passwd"}}, samplePost()); release.Classify(err) != release.ClassPermanent {
		t.Errorf("edit outside the outbox: %v", err)
	}
	for _, name := range []string{"", "..", "a/b"} {
		if _, err := New(Config{Name: name}); err == nil {
			t.Errorf("New(name %q) = nil error", name)
		}
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	c, _ := newOutbox(t, dir)
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "telegram")); len(entries) != 0 {
		t.Errorf("Check left %d files", len(entries))
	}
	// A regular file where the directory should be: not writable, even
	// for root.
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad, _ := newOutbox(t, blocker)
	err := bad.Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot create") {
		t.Errorf("Check on a file = %v", err)
	}
}

func TestFileIsRenderJSONShape(t *testing.T) {
	dir := t.TempDir()
	c, _ := newOutbox(t, dir)
	r, err := c.Publish(context.Background(), samplePost())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "telegram", r.RemoteIDs[0]))
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"release", "hash", "published_at", "channel", "kind", "parts"} {
		if _, ok := m[k]; !ok {
			t.Errorf("file lacks %q", k)
		}
	}
	part := m["parts"].([]any)[0].(map[string]any)
	for _, k := range []string{"format", "text", "length", "limit", "media"} {
		if _, ok := part[k]; !ok {
			t.Errorf("part lacks %q", k)
		}
	}
}

func TestPublishKeepsCollidingIDsApart(t *testing.T) {
	for _, tc := range []struct {
		name string
		ids  []string // published in this order, each twice
		want []string // the file of each
	}{
		{"slash first", []string{"a/b", "a__b"}, []string{"a__b-5286bea6acd3.json", "a__b-5286bea6acd3.2.json"}},
		{"underscores first", []string{"a__b", "a/b"}, []string{"a__b-5286bea6acd3.json", "a__b-5286bea6acd3.2.json"}},
		{"three", []string{"x/y/z", "x__y/z", "x/y__z"}, []string{"x__y__z-5286bea6acd3.json", "x__y__z-5286bea6acd3.2.json", "x__y__z-5286bea6acd3.3.json"}},
		{"no collision", []string{"a/b", "a/c"}, []string{"a__b-5286bea6acd3.json", "a__c-5286bea6acd3.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c, _ := newOutbox(t, dir)
			for round := range 2 {
				for i, id := range tc.ids {
					post := samplePost()
					post.Release, post.Parts[0].Text = id, "<b>"+id+"</b>"
					r, err := c.Publish(context.Background(), post)
					if err != nil {
						t.Fatal(err)
					}
					if r.RemoteIDs[0] != tc.want[i] {
						t.Errorf("round %d: %s went to %s, want %s", round, id, r.RemoteIDs[0], tc.want[i])
					}
					f, err := readFile(filepath.Join(dir, "telegram", r.RemoteIDs[0]))
					if err != nil {
						t.Fatal(err)
					}
					if f.Release != id || f.Parts[0].Text != post.Parts[0].Text {
						t.Errorf("round %d: %s's receipt names a file of %q saying %q", round, id, f.Release, f.Parts[0].Text)
					}
				}
			}
			entries, _ := os.ReadDir(filepath.Join(dir, "telegram"))
			if len(entries) != len(tc.ids) {
				t.Errorf("outbox holds %d files, want %d", len(entries), len(tc.ids))
			}
		})
	}
}

// TestEditDoesWhatThePlatformDoes checks that a dry-run edit changes the
// file as the live channel of its kind would change the post: Telegram
// and Facebook edit the text and keep the photo, and refuse a post of
// another shape; X cannot edit at all.
func TestEditDoesWhatThePlatformDoes(t *testing.T) {
	photo := []release.Media{{URL: "https://news.example.org/media/a.jpg", Alt: "a"}}
	part := func(text string, media []release.Media) release.Part {
		return release.Part{Format: release.FormatText, Text: text, Media: media}
	}
	tests := []struct {
		name      string
		kind      string
		published []release.Part
		edited    []release.Part
		want      []release.Part // nil: the edit fails
		notSupp   bool           // the failure wraps release.ErrNotSupported
	}{
		{"telegram text", release.KindTelegram,
			[]release.Part{part("Old", photo), part("Body", nil)},
			[]release.Part{part("New", nil), part("Body 2", nil)},
			[]release.Part{part("New", photo), part("Body 2", nil)}, false},
		{"telegram another shape", release.KindTelegram,
			[]release.Part{part("Old", nil)},
			[]release.Part{part("New", nil), part("More", nil)}, nil, false},
		{"facebook text", release.KindFacebook,
			[]release.Part{part("Old", photo)},
			[]release.Part{part("New", nil)},
			[]release.Part{part("New", photo)}, false},
		{"facebook two parts", release.KindFacebook,
			[]release.Part{part("Old", nil)},
			[]release.Part{part("New", nil), part("More", nil)}, nil, false},
		{"x cannot edit", release.KindX,
			[]release.Part{part("Old", nil)},
			[]release.Part{part("New", nil)}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c, err := New(Config{Name: tt.kind, Kind: tt.kind, Dir: dir, Now: func() time.Time { return when }})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			post := release.Post{Release: "2025/a", Hash: "aaaaaaaaaaaaaaaa", Channel: tt.kind, Kind: tt.kind, Parts: tt.published}
			r, err := c.Publish(ctx, post)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(filepath.Join(dir, tt.kind, r.RemoteIDs[0]))
			post.Hash, post.Parts = "bbbbbbbbbbbbbbbb", tt.edited
			err = c.Edit(ctx, r, post)
			after, _ := os.ReadFile(filepath.Join(dir, tt.kind, r.RemoteIDs[0]))
			if tt.want == nil {
				if err == nil || release.Classify(err) != release.ClassPermanent || errors.Is(err, release.ErrNotSupported) != tt.notSupp {
					t.Fatalf("Edit = %v, want a permanent error (not supported: %v)", err, tt.notSupp)
				}
				if !bytes.Equal(before, after) {
					t.Errorf("a refused edit changed the file:\n%s", after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := readFile(filepath.Join(dir, tt.kind, r.RemoteIDs[0]))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(f.Parts)
			want, _ := json.Marshal(tt.want)
			if !bytes.Equal(got, want) {
				t.Errorf("parts after edit:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestCorrectWritesReplyFile checks that an X outbox writes the correction
// reply as a new file shaped like the others and marked as a reply to the
// original, which stays as it was, and does so once per version.
func TestCorrectWritesReplyFile(t *testing.T) {
	dir := t.TempDir()
	c, err := New(Config{Name: "x", Kind: release.KindX, Dir: dir, Now: func() time.Time { return when }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	post := release.Post{Release: "2025/a", Hash: "aaaaaaaaaaaaaaaa", Channel: "x", Kind: release.KindX,
		Parts: []release.Part{{Format: release.FormatText, Text: "Old headline https://news.example.org/a"}}}
	r, err := c.Publish(ctx, post)
	if err != nil {
		t.Fatal(err)
	}
	orig := filepath.Join(dir, "x", r.RemoteIDs[0])
	before, _ := os.ReadFile(orig)
	post.Hash = "bbbbbbbbbbbbbbbb"
	post.Parts = []release.Part{{Format: release.FormatText, Text: "New headline https://news.example.org/a"}}
	c.cfg.Now = func() time.Time { return when.Add(time.Hour) }
	cr, err := c.Correct(ctx, r, post)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(orig); !bytes.Equal(before, after) {
		t.Errorf("the original changed:\n%s", after)
	}
	if cr.RemoteIDs[0] != "2025__a-bbbbbbbbbbbb.correction.json" {
		t.Errorf("correction file %v", cr.RemoteIDs)
	}
	f, err := readFile(filepath.Join(dir, "x", cr.RemoteIDs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Correction || f.InReplyTo != r.RemoteIDs[0] || f.Release != "2025/a" || f.Hash != post.Hash || f.Kind != release.KindX ||
		len(f.Parts) != 1 || f.Parts[0].Text != "Correction: New headline https://news.example.org/a" || !f.PublishedAt.Equal(when.Add(time.Hour)) {
		t.Errorf("correction file: %+v", f)
	}
	again, err := c.Correct(ctx, r, post)
	if err != nil || again.URL != cr.URL || !again.PublishedAt.Equal(cr.PublishedAt) {
		t.Errorf("second Correct = %+v, %v; want the first receipt", again, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "x")); len(entries) != 2 {
		t.Errorf("outbox holds %d files, want the post and its correction", len(entries))
	}
}
