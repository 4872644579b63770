package site

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/pressbot/pressbot/internal/release"
)

// TestPrivateTags checks that a private tag (an approval rule's) is on no
// release page, has no tag page, and is in no feed, tag index or sitemap,
// while the release's other tags stay; without PrivateTags it is shown.
func TestPrivateTags(t *testing.T) {
	entries := fixture(t)
	for i := range entries {
		switch entries[i].Release.ID {
		case "2021/aral-sea-forum":
			entries[i].Release.Tags = append(entries[i].Release.Tags, "Sensitive")
		case "2022/hostile":
			entries[i].Release.Tags = append(entries[i].Release.Tags, "#sensitive")
		}
	}
	cfg := testConfig()
	if shown := files(t, cfg, entries); shown["tags/sensitive/index.html"] == nil {
		t.Fatal("without PrivateTags, no page tags/sensitive/: the test shows nothing")
	}
	cfg.PrivateTags = release.PrivateTags{"sensitive"}
	fs := files(t, cfg, entries)
	for name, b := range fs {
		if strings.Contains(strings.ToLower(name), "sensitive") || bytes.Contains(bytes.ToLower(b), []byte("sensitive")) {
			t.Errorf("%s names the private tag", name)
		}
	}
	for _, name := range []string{"tags/climate/index.html", "tags/index.html", "sitemap.xml", "releases/2021/aral-sea-forum/index.html"} {
		if !bytes.Contains(fs[name], []byte("tags/climate/")) {
			t.Errorf("%s does not link the public tag climate", name)
		}
	}
	for _, name := range []string{"feed.xml", "atom.xml", "feed.json", "en/feed.xml", "en/atom.xml", "en/feed.json"} {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(fs[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		i := slices.IndexFunc(f.Items, func(it *gofeed.Item) bool { return strings.HasPrefix(it.Title, "Regional forum") })
		if i < 0 {
			t.Fatalf("%s: no Aral Sea item", name)
		}
		if got := f.Items[i].Categories; !slices.Equal(got, []string{"Aral Sea", "climate"}) {
			t.Errorf("%s: the Aral Sea item's categories are %q, want [Aral Sea climate]", name, got)
		}
	}
}
