package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pressbot/pressbot/internal/release"
	"github.com/pressbot/pressbot/internal/render"
	"github.com/pressbot/pressbot/internal/site"
	"github.com/pressbot/pressbot/templates"
)

const testBase = "https://news.example.org"

// testReleases are two releases of one translation group, one with a
// local image that is missing.
func testReleases() []release.Release {
	d := time.Date(2020, 2, 6, 10, 0, 0, 0, time.FixedZone("", 5*3600))
	return []release.Release{
		{ID: "2020/minivan", Path: "content/2020/minivan.md", Title: "IMTs' Success", Date: d, Lang: "en", TranslationKey: "imts",
			Tags: []string{"drugs"}, Image: "images/missing.jpg", ImageAlt: "A minivan",
			Body: "**6 February 2020, Tashkent** – UNODC handed over a [minivan](https://www.unodc.org).\n\nSecond paragraph.\n"},
		{ID: "2020/minivan-ru", Path: "content/2020/minivan-ru.md", Title: "Успех", Date: d.Add(time.Hour), Lang: "ru", TranslationKey: "imts",
			Summary: "Кратко.", Body: "УНП ООН передало минивэн.\n"},
	}
}

// TestLazyEntriesMatchEager checks that entries rendered while the site is
// written give the same files as entries rendered before.
func TestLazyEntriesMatchEager(t *testing.T) {
	for _, posts := range []bool{false, true} {
		f := buildFlags{baseURL: testBase, posts: posts}
		rdr, err := f.newsroomRenderer(true)
		if err != nil {
			t.Fatal(err)
		}
		s, err := site.New(site.Config{BaseURL: testBase, Title: "Test"})
		if err != nil {
			t.Fatal(err)
		}
		root, err := os.OpenRoot(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()
		var eager []site.Entry
		for _, r := range testReleases() {
			e, err := entry(rdr, r, root)
			if err != nil {
				t.Fatal(err)
			}
			eager = append(eager, e)
		}
		lazy, log := lazyEntries(rdr, testReleases(), root)
		want, err := s.Files(eager)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Files(lazy)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("posts=%v: %d files, want %d", posts, len(got), len(want))
		}
		for p, b := range want {
			if !bytes.Equal(got[p], b) {
				t.Errorf("posts=%v: %s differs:\n%s\nwant:\n%s", posts, p, got[p], b)
			}
		}
		if _, ok := got["releases/2020/minivan/posts.json"]; ok != posts {
			t.Errorf("posts=%v: posts.json written: %v", posts, ok)
		}
		var diag bytes.Buffer
		if n := log.print(&diag, lazy); n != 0 {
			t.Errorf("posts=%v: %d failed, want 0", posts, n)
		}
		if diag.Len() != 0 {
			t.Errorf("posts=%v: diagnostics %q, want none (content.Load reports a missing image)", posts, diag.String())
		}
	}
}

// TestLazyEntriesAllocs checks that lazyEntriesKnown allocates the
// entries and one render function per release, and no copy of each
// release besides: a build of 10,000 releases made 3.5 MB of them.
func TestLazyEntriesAllocs(t *testing.T) {
	rels := slices.Repeat(testReleases(), 50)
	missing := func(r *release.Release) bool { return r.Image != "" }
	allocs := testing.AllocsPerRun(5, func() {
		lazyEntriesKnown(nil, rels, nil, missing)
	})
	if limit := float64(len(rels) + 4); allocs > limit {
		t.Errorf("lazyEntriesKnown made %.0f allocations for %d releases, want at most %.0f", allocs, len(rels), limit)
	}
}

// TestLazyEntriesPostsFail checks that a release whose posts cannot be
// rendered still gets its page, with its body, and no posts.json, and
// that the problem is reported on the release's file.
func TestLazyEntriesPostsFail(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, k := range []string{"telegram", "facebook"} {
		b, err := fs.ReadFile(templates.FS, "channel/"+k+".tmpl")
		if err != nil {
			t.Fatal(err)
		}
		fsys["channel/"+k+".tmpl"] = &fstest.MapFile{Data: b}
	}
	// An X post that can never fit: the fixed text alone is over 280.
	fsys["channel/x.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "post"}}{{.Title}} ` + strings.Repeat("x ", 150) + `{{end}}{{define "reply"}}{{.Text}}{{end}}`)}
	rdr, err := render.New(render.Config{BaseURL: testBase, Templates: fsys})
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(site.Config{BaseURL: testBase, Title: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	rels := testReleases()
	entries, log := lazyEntries(rdr, rels, nil)
	out := t.TempDir()
	if err := s.Write(out, entries); err != nil {
		t.Fatal(err)
	}
	var diag bytes.Buffer
	if n := log.print(&diag, entries); n != 2 {
		t.Errorf("%d releases failed, want 2:\n%s", n, diag.String())
	}
	for _, line := range []string{
		"content/2020/minivan.md: render: 2020/minivan: channel x: template post: the post weighs",
		"content/2020/minivan-ru.md: render: 2020/minivan-ru: channel x:",
		": the page has no posts.json\n",
	} {
		if !strings.Contains(diag.String(), line) {
			t.Errorf("diagnostics lack %q:\n%s", line, diag.String())
		}
	}
	page, err := os.ReadFile(filepath.Join(out, "releases/2020/minivan/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`<a href="https://www.unodc.org">minivan</a>`)) {
		t.Errorf("page lacks its body:\n%s", page)
	}
	if _, err := os.Stat(filepath.Join(out, "releases/2020/minivan/posts.json")); !os.IsNotExist(err) {
		t.Errorf("posts.json: err %v, want none written", err)
	}
}

// entry renders one release into a new entry at once, as fill does: the
// eager rendering that lazyEntries must match.
func entry(rdr *render.Renderer, r release.Release, content *os.Root) (site.Entry, error) {
	e := site.Entry{Release: r, Published: r.Date, Updated: r.Date}
	err := fill(rdr, &e, content, nil)
	return e, err
}

// TestMissingAtLoad checks which releases' images build -all does not
// look up again: only local ones the loader neither found nor refused.
func TestMissingAtLoad(t *testing.T) {
	said := map[string]bool{"images/link.jpg": true}
	missing := missingAtLoad(said)
	for _, tc := range []struct {
		name string
		r    release.Release
		want bool
	}{
		{"no image", release.Release{}, false},
		{"remote", release.Release{Image: "https://cdn.example.org/a.jpg"}, false},
		{"found", release.Release{Image: "images/a.jpg", ImageDigest: "ab12"}, false},
		{"refused", release.Release{Image: "/images/link.jpg"}, false},
		{"missing", release.Release{Image: "images/gone.jpg"}, true},
		{"missing rooted", release.Release{Image: "/images/gone.jpg"}, true},
	} {
		if got := missing(&tc.r); got != tc.want {
			t.Errorf("%s: missing = %v, want %v", tc.name, got, tc.want)
		}
	}
}
