package site

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io/fs"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/pressbot/pressbot/internal/htmlexec"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// parsePage parses an HTML page or fails the test.
func parsePage(t testing.TB, name string, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// walk calls fn on every node of the tree.
func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

// liveMarkup returns a description of the first piece of live script in
// the tree: a script-like element, an on* handler or a javascript: URL.
func liveMarkup(doc *html.Node) string {
	var found string
	walk(doc, func(n *html.Node) {
		if found != "" || n.Type != html.ElementNode {
			return
		}
		switch n.DataAtom {
		case atom.Script, atom.Iframe, atom.Object, atom.Embed, atom.Frame, atom.Base, atom.Form:
			found = "<" + n.Data + "> element"
			return
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			switch {
			case strings.HasPrefix(strings.ToLower(a.Key), "on"):
				found = "attribute " + a.Key + " on <" + n.Data + ">"
			case (a.Key == "href" || a.Key == "src" || a.Key == "action") &&
				(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || strings.HasPrefix(v, "vbscript:")):
				found = a.Key + "=" + a.Val + " on <" + n.Data + ">"
			}
		}
	})
	return found
}

// text returns the text content of the first element with the given atom.
func text(doc *html.Node, a atom.Atom) (string, bool) {
	var out *html.Node
	walk(doc, func(n *html.Node) {
		if out == nil && n.Type == html.ElementNode && n.DataAtom == a {
			out = n
		}
	})
	if out == nil {
		return "", false
	}
	var b strings.Builder
	walk(out, func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
	})
	return b.String(), true
}

// attr returns an attribute of n.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// elements returns every element with the given atom.
func elements(doc *html.Node, a atom.Atom) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == a {
			out = append(out, n)
		}
	})
	return out
}

// TestPagesHaveNoLiveHostileMarkup parses every page and checks that the
// hostile title, summary, location, tags and alt text come out as text.
func TestPagesHaveNoLiveHostileMarkup(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	pages := 0
	for name, b := range fs {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		doc := parsePage(t, name, b)
		if live := liveMarkup(doc); live != "" {
			t.Errorf("%s: live markup: %s", name, live)
		}
	}
	if pages < 20 {
		t.Fatalf("only %d pages", pages)
	}
	doc := parsePage(t, "hostile", fs["releases/2022/hostile/index.html"])
	if h1, _ := text(doc, atom.H1); h1 != hostileTitle {
		t.Errorf("h1 %q, want the title as text %q", h1, hostileTitle)
	}
	imgs := elements(doc, atom.Img)
	if len(imgs) != 1 {
		t.Fatalf("%d images", len(imgs))
	}
	if alt, _ := attr(imgs[0], "alt"); alt != hostileAlt {
		t.Errorf("alt %q, want %q", alt, hostileAlt)
	}
	page := string(fs["releases/2022/hostile/index.html"])
	for _, s := range []string{hostileLoc, hostileTag} {
		if !strings.Contains(page, html.EscapeString(s)) {
			t.Errorf("hostile %q not shown escaped", s)
		}
	}
	if list := string(fs["en/index.html"]); !strings.Contains(list, "Summary &lt;img src=x onerror=alert(1)&gt; end") {
		t.Error("hostile summary not shown escaped on the language index")
	}
}

// TestReleasePage checks the structure of a release page: language,
// viewport, landmarks, skip link, image alt, tags, hreflang alternates and
// feed discovery.
func TestReleasePage(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	doc := parsePage(t, "ru", fs["releases/2020/imts-success-ru/index.html"])
	htmlEl := elements(doc, atom.Html)[0]
	if l, _ := attr(htmlEl, "lang"); l != "ru" {
		t.Errorf("html lang %q", l)
	}
	var viewport, skip bool
	for _, m := range elements(doc, atom.Meta) {
		if n, _ := attr(m, "name"); n == "viewport" {
			viewport = true
		}
	}
	for _, a := range elements(doc, atom.A) {
		if h, _ := attr(a, "href"); h == "#main" {
			skip = true
		}
	}
	if !viewport || !skip {
		t.Errorf("viewport %v, skip link %v", viewport, skip)
	}
	for _, a := range []atom.Atom{atom.Header, atom.Nav, atom.Main, atom.Footer, atom.Article, atom.Time} {
		if len(elements(doc, a)) == 0 {
			t.Errorf("no <%s>", a)
		}
	}
	if m := elements(doc, atom.Main); len(m) != 1 || func() string { v, _ := attr(m[0], "id"); return v }() != "main" {
		t.Error("want one <main id=main>")
	}
	hreflang := map[string]string{}
	var feeds []string
	for _, l := range elements(doc, atom.Link) {
		rel, _ := attr(l, "rel")
		href, _ := attr(l, "href")
		if hl, ok := attr(l, "hreflang"); ok && rel == "alternate" {
			hreflang[hl] = href
		}
		if typ, ok := attr(l, "type"); ok && rel == "alternate" {
			feeds = append(feeds, typ+" "+href)
		}
	}
	wantAlt := map[string]string{
		"en": testBase + "/releases/2020/imts-success/",
		"ru": testBase + "/releases/2020/imts-success-ru/",
		"uz": testBase + "/releases/2020/imts-success-uz/",
		// The version in the menu's first language, for other readers.
		"x-default": testBase + "/releases/2020/imts-success/",
	}
	if !mapsEqual(hreflang, wantAlt) {
		t.Errorf("hreflang alternates %v, want %v", hreflang, wantAlt)
	}
	for _, f := range []string{"application/rss+xml " + testBase + "/feed.xml", "application/atom+xml " + testBase + "/ru/atom.xml", "application/feed+json " + testBase + "/ru/feed.json"} {
		if !slices.Contains(feeds, f) {
			t.Errorf("no feed discovery link %q in %q", f, feeds)
		}
	}
	page := string(fs["releases/2020/imts-success-ru/index.html"])
	for _, s := range []string{
		`<time datetime="2020-02-06T10:30:00&#43;05:00">6 февраля 2020 г.</time>`,
		`<a href="../../../releases/2020/imts-success/" hreflang="en" lang="en">IMTs&#39; Success`,
		`<a rel="tag" href="../../../tags/%D0%BD%D0%B0%D1%80%D0%BA%D0%BE%D1%82%D0%B8%D0%BA%D0%B8/">наркотики</a>`,
	} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %s", s)
		}
	}
	en := parsePage(t, "en", fs["releases/2020/imts-success/index.html"])
	img := elements(en, atom.Img)
	if len(img) != 1 {
		t.Fatalf("%d images on the English page", len(img))
	}
	if src, _ := attr(img[0], "src"); src != testBase+"/media/images/2020/imts.jpg" {
		t.Errorf("img src %q (no MediaDir: absolute URL)", src)
	}
}

// mapsEqual compares two string maps.
func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestEveryPageLinksFeeds checks that every page has feed discovery and a
// language.
func TestEveryPageLinksFeeds(t *testing.T) {
	for name, b := range files(t, testConfig(), fixture(t)) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		doc := parsePage(t, name, b)
		n := 0
		for _, l := range elements(doc, atom.Link) {
			if typ, _ := attr(l, "type"); strings.HasPrefix(typ, "application/") {
				n++
			}
		}
		if n < 3 {
			t.Errorf("%s: %d feed links", name, n)
		}
		if l, _ := attr(elements(doc, atom.Html)[0], "lang"); l == "" {
			t.Errorf("%s: no lang", name)
		}
	}
}

// TestPagination checks page counts and prev/next links.
func TestPagination(t *testing.T) {
	fs := files(t, testConfig(), fixture(t)) // 6 releases, 2 per page
	for _, p := range []string{"index.html", "page/2/index.html", "page/3/index.html", "en/index.html", "en/page/2/index.html", "ru/index.html", "uz/index.html", "tags/drugs/index.html", "tags/index.html"} {
		if _, ok := fs[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
	for _, p := range []string{"page/4/index.html", "ru/page/2/index.html", "page/1/index.html"} {
		if _, ok := fs[p]; ok {
			t.Errorf("unexpected %s", p)
		}
	}
	doc := parsePage(t, "page 2", fs["page/2/index.html"])
	rels := map[string]string{}
	for _, a := range elements(doc, atom.A) {
		if r, ok := attr(a, "rel"); ok {
			rels[r], _ = attr(a, "href")
		}
	}
	if rels["prev"] != "../../" || rels["next"] != "../../page/3/" {
		t.Errorf("pager links %v", rels)
	}
	if n := len(elements(doc, atom.Article)); n != 2 {
		t.Errorf("%d articles on page 2", n)
	}
	tagDoc := parsePage(t, "tag", fs["tags/drugs/index.html"])
	if n := len(elements(tagDoc, atom.Article)); n != 2 { // "Drugs" on the en and ru versions
		t.Errorf("tag page lists %d releases, want 2", n)
	}
}

// TestDeterministic renders the fixture twice, in different orders, and
// wants byte-identical files.
func TestDeterministic(t *testing.T) {
	es := fixture(t)
	a := files(t, testConfig(), es)
	r := rand.New(rand.NewPCG(1, 2))
	for range 3 {
		shuffled := slices.Clone(es)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		b := files(t, testConfig(), shuffled)
		if len(a) != len(b) {
			t.Fatalf("%d files, then %d", len(a), len(b))
		}
		for p := range a {
			if !bytes.Equal(a[p], b[p]) {
				t.Errorf("%s differs between builds", p)
			}
		}
	}
}

// TestGolden compares the fixture newsroom with testdata/golden; run
// `go test -run TestGolden -update` after an intended change.
func TestGolden(t *testing.T) {
	got := files(t, testConfig(), fixture(t))
	dir := filepath.Join("testdata", "golden")
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for p, b := range got {
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, full)
		p := filepath.ToSlash(rel)
		seen[p] = true
		want, err := os.ReadFile(full)
		if err != nil {
			return err
		}
		if g, ok := got[p]; !ok {
			t.Errorf("%s: in golden, not built", p)
		} else if !bytes.Equal(g, want) {
			t.Errorf("%s differs from golden (run with -update if intended)", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range got {
		if !seen[p] {
			t.Errorf("%s: built, not in golden (run with -update)", p)
		}
	}
}

// TestReleaseFragmentsPerRelease checks that fragments reused between
// release pages keep what differs: a tag's spelling on each release and
// each page's own path to the root.
func TestReleaseFragmentsPerRelease(t *testing.T) {
	es := fixture(t)[:1]
	es[0].Release.ID, es[0].Release.TranslationKey, es[0].Release.Tags = "2020/aral-upper", "", []string{"Aral Sea"}
	b := es[0]
	b.Release.ID, b.Release.Tags = "2020/aral-lower", []string{"aral sea"}
	c := es[0]
	c.Release.ID, c.Release.Tags = "2020/deeper/aral", []string{"Aral Sea"}
	fs := files(t, testConfig(), append(es, b, c))
	for p, want := range map[string]string{
		"releases/2020/aral-upper/index.html":  `<li><a rel="tag" href="../../../tags/aral-sea/">Aral Sea</a></li>`,
		"releases/2020/aral-lower/index.html":  `<li><a rel="tag" href="../../../tags/aral-sea/">aral sea</a></li>`,
		"releases/2020/deeper/aral/index.html": `<li><a rel="tag" href="../../../../tags/aral-sea/">Aral Sea</a></li>`,
	} {
		if !strings.Contains(string(fs[p]), want) {
			t.Errorf("%s: no %s", p, want)
		}
	}
}

// TestInterleaved checks that release pages are written taking turns
// between their parent folders, and that none is lost or repeated.
func TestInterleaved(t *testing.T) {
	var items []*item
	for _, p := range []string{"releases/2024/a/", "releases/2024/b/", "releases/2024/c/", "releases/2023/d/", "releases/2022/e/", "releases/2022/f/",
		"releases/g/", "releases/h/", "releases/2022/x/i/", "releases/2022/x/j/"} {
		items = append(items, &item{Path: p})
	}
	var got []string
	for _, it := range interleaved(items) {
		got = append(got, it.Path)
	}
	want := []string{"releases/2024/a/", "releases/2023/d/", "releases/2022/e/", "releases/g/", "releases/2022/x/i/",
		"releases/2024/b/", "releases/2022/f/", "releases/h/", "releases/2022/x/j/", "releases/2024/c/"}
	if !slices.Equal(got, want) {
		t.Errorf("interleaved = %v, want %v", got, want)
	}
}

// TestTemplatesCompiled checks that every page template and fragment runs
// compiled (htmlexec) after its first use, rather than falling back to
// html/template's reflective execution; TestGolden checks the output.
func TestTemplatesCompiled(t *testing.T) {
	s := newSite(t, testConfig())
	if _, err := s.Files(fixture(t)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		set  *htmlexec.Set
		name string
		data any
	}{
		{s.tmpl.list, "layout", &page{}}, {s.tmpl.release, "layout", &page{}}, {s.tmpl.tags, "layout", &page{}}, {s.tmpl.notFound, "layout", &page{}},
		{s.tmpl.list, "item", &item{}},
		{s.tmpl.list, "head-links", &page{}}, {s.tmpl.list, "site-header", &page{}}, {s.tmpl.list, "site-footer", &page{}},
		{s.tmpl.release, "alternate", link{}}, {s.tmpl.release, "translation", link{}}, {s.tmpl.release, "tag-link", tagLink{}},
	} {
		if !c.set.Compiled(c.name, c.data) {
			t.Errorf("%s with %T runs through html/template", c.name, c.data)
		}
	}
}

// metaTags returns a page's <meta property|name=… content=…> pairs; a
// property that repeats (article:tag) has its values joined by "|".
func metaTags(doc *html.Node) map[string]string {
	out := map[string]string{}
	for _, m := range elements(doc, atom.Meta) {
		key, ok := attr(m, "property")
		if !ok {
			key, _ = attr(m, "name")
		}
		c, _ := attr(m, "content")
		if old, ok := out[key]; ok {
			c = old + "|" + c
		}
		out[key] = c
	}
	return out
}

// TestSocialTags checks the Open Graph and X card tags that Facebook, X
// and Telegram read to preview a link: on release pages with a local, a
// remote and no picture, and on a list.
func TestSocialTags(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	office := testConfig().Title
	tests := []struct {
		page string
		want map[string]string
	}{
		{"releases/2020/imts-success/index.html", map[string]string{
			"og:site_name": office, "og:type": "article",
			"og:title":               "IMTs' Success Impacts the Security and Health of Local Communities",
			"og:url":                 testBase + "/releases/2020/imts-success/",
			"og:description":         "6 February 2020, Tashkent, Uzbekistan – Summary of IMTs' Success Impacts the Security and Health of Local Communities",
			"article:published_time": "2020-02-06T10:00:00+05:00",
			"article:modified_time":  "2020-02-07T09:00:00+05:00", // its posts were updated
			"article:tag":            "Drugs|Law enforcement",
			"og:image":               testBase + "/media/images/2020/imts.jpg",
			"og:image:alt":           "A forensic minivan handed over in Tashkent",
			"twitter:image:alt":      "A forensic minivan handed over in Tashkent",
			"twitter:card":           "summary_large_image",
		}},
		{"releases/2021/aral-sea-forum/index.html", map[string]string{
			"og:image": "https://cdn.example.net/aral.png", "og:image:alt": "The dried bed of the Aral Sea", "twitter:card": "summary_large_image",
			"article:modified_time": "", // never updated
		}},
		{"releases/2023/water-ru/index.html", map[string]string{
			"og:title": "Доступ к чистой воде", "og:image": "", "twitter:card": "summary", "article:tag": "климат",
		}},
		{"ru/index.html", map[string]string{
			"og:type": "website", "og:url": testBase + "/ru/", "og:image": "", "article:published_time": "", "twitter:card": "summary",
		}},
	}
	for _, tt := range tests {
		got := metaTags(parsePage(t, tt.page, fs[tt.page]))
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", tt.page, k, got[k], v)
			}
		}
		if canonical := elementsWithAttr(parsePage(t, tt.page, fs[tt.page]), atom.Link, "rel", "canonical"); len(canonical) != 1 || got["og:url"] != attrOf(canonical[0], "href") {
			t.Errorf("%s: og:url %q is not the canonical link", tt.page, got["og:url"])
		}
	}
}

// elementsWithAttr returns the elements with the given atom whose
// attribute key is val.
func elementsWithAttr(doc *html.Node, a atom.Atom, key, val string) []*html.Node {
	var out []*html.Node
	for _, n := range elements(doc, a) {
		if v, _ := attr(n, key); v == val {
			out = append(out, n)
		}
	}
	return out
}

// attrOf returns an attribute of n, "" when it has none.
func attrOf(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

// TestEscapedAddresses checks a release whose ID and picture name hold a
// space and Cyrillic letters: its page lies at the ID's own path, while
// every address to it, in pages, feeds and the sitemap, is escaped.
func TestEscapedAddresses(t *testing.T) {
	entries := fixture(t)
	e := &entries[0]
	e.Release.ID, e.Release.TranslationKey = "2020/пресс релиз 1", ""
	e.Release.Image, e.Release.ImageAlt = "images/my фото.jpg", "A photo"
	fs := files(t, testConfig(), entries)
	const url = testBase + "/releases/2020/%D0%BF%D1%80%D0%B5%D1%81%D1%81%20%D1%80%D0%B5%D0%BB%D0%B8%D0%B7%201/"
	const img = testBase + "/media/images/my%20%D1%84%D0%BE%D1%82%D0%BE.jpg"
	page, ok := fs["releases/2020/пресс релиз 1/index.html"]
	if !ok {
		t.Fatal("no page at the ID's own path")
	}
	doc := parsePage(t, "page", page)
	meta := metaTags(doc)
	if meta["og:url"] != url || attrOf(elementsWithAttr(doc, atom.Link, "rel", "canonical")[0], "href") != url || meta["og:image"] != img {
		t.Errorf("og:url %q, og:image %q, want %q and %q", meta["og:url"], meta["og:image"], url, img)
	}
	for _, name := range []string{"uz/feed.xml", "uz/atom.xml", "uz/feed.json"} {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(fs[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Items) != 1 {
			t.Fatalf("%s: %d items, want 1", name, len(f.Items))
		}
		if f.Items[0].Link != url {
			t.Errorf("%s: link %q, want %q", name, f.Items[0].Link, url)
		}
	}
	for _, s := range []string{"<loc>" + url + "</loc>", `<enclosure url="` + img + `"`} {
		if !bytes.Contains(fs["sitemap.xml"], []byte(s)) && !bytes.Contains(fs["uz/feed.xml"], []byte(s)) {
			t.Errorf("sitemap and feed lack %s", s)
		}
	}
}

// TestNoticePages checks the pages for addresses without a page, 404.html
// for unknown ones and 410.html for withdrawn releases: in the default
// language, then a line in each other language linking its latest
// releases, every link absolute (they are served at any address), kept out
// of search engines and of the sitemap.
func TestNoticePages(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	tests := []struct{ file, heading string }{
		{NotFoundPage, "Page not found"},
		{GonePage, "Release withdrawn"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc := parsePage(t, tt.file, fs[tt.file])
			if h, _ := text(doc, atom.H1); h != tt.heading {
				t.Errorf("heading %q, want %q", h, tt.heading)
			}
			if _, langs := langLines(doc); !slices.Equal(langs, []string{"en", "ru", "uz"}) {
				t.Errorf("lines in %q, want en, ru, uz", langs)
			}
			hrefs := links(doc)
			for _, h := range hrefs {
				if !strings.HasPrefix(h, testBase+"/") {
					t.Errorf("relative link %q: it would break at a deeper address", h)
				}
			}
			if !slices.Contains(hrefs, testBase+"/ru/") || len(elementsWithAttr(doc, atom.Meta, "name", "robots")) != 1 || len(elementsWithAttr(doc, atom.Link, "rel", "canonical")) != 0 {
				t.Errorf("want a link to /ru/, noindex and no canonical link; links %q", hrefs)
			}
			if bytes.Contains(fs["sitemap.xml"], []byte(tt.file)) {
				t.Errorf("the sitemap lists %s", tt.file)
			}
		})
	}
}

// TestNoticePagesOpenedFromDisk checks that with IndexLinks, a newsroom
// for this machine, 404.html and 410.html link the stylesheet and every
// page relatively from the root, as the home page does, while the feeds
// keep their absolute address; and that the home page still marks itself
// current in the menu.
func TestNoticePagesOpenedFromDisk(t *testing.T) {
	cfg := testConfig()
	cfg.IndexLinks = true
	fs := files(t, cfg, fixture(t))
	want := []string{"style.css", "index.html", "ru/index.html", "uz/index.html", "tags/index.html"}
	for _, file := range []string{NotFoundPage, GonePage} {
		t.Run(file, func(t *testing.T) {
			doc := parsePage(t, file, fs[file])
			for _, w := range want {
				if !slices.Contains(links(doc), w) {
					t.Errorf("no link to %s in %q", w, links(doc))
				}
			}
			for _, n := range append(elements(doc, atom.A), elements(doc, atom.Link)...) {
				href, _ := attr(n, "href")
				if typ, _ := attr(n, "type"); typ == "" && strings.Contains(href, "://") {
					t.Errorf("absolute link %q: it breaks opened from disk", href)
				}
			}
		})
	}
	home := parsePage(t, "index.html", fs["index.html"])
	if cur := elementsWithAttr(home, atom.A, "aria-current", "page"); len(cur) != 1 {
		t.Errorf("home page: %d links marked current, want 1", len(cur))
	}
}

// TestNoticePagesInEachLanguage builds a newsroom in each language of the
// interface strings and checks that its 404.html and 410.html speak it:
// the <html lang>, title, heading and line, with the link to its latest
// releases.
func TestNoticePagesInEachLanguage(t *testing.T) {
	for _, lang := range slices.Sorted(maps.Keys(ui)) {
		w := ui[lang]
		fs := files(t, Config{BaseURL: testBase, Title: "Office", Langs: []string{lang}}, nil)
		for _, tt := range []struct{ file, heading, line string }{
			{NotFoundPage, w.NotFound, w.NotFoundText},
			{GonePage, w.Withdrawn, w.WithdrawnText},
		} {
			t.Run(lang+"/"+tt.file, func(t *testing.T) {
				if tt.heading == "" || tt.line == "" {
					t.Fatal("no words for the page")
				}
				doc := parsePage(t, tt.file, fs[tt.file])
				htmlLang, _ := attr(elements(doc, atom.Html)[0], "lang")
				title, _ := text(doc, atom.Title)
				h, _ := text(doc, atom.H1)
				if htmlLang != lang || title != tt.heading+" — Office" || h != tt.heading {
					t.Errorf("lang %q, title %q, heading %q", htmlLang, title, h)
				}
				ps, langs := langLines(doc)
				if !slices.Equal(langs, []string{lang}) {
					t.Fatalf("lines in %q, want one in %s", langs, lang)
				}
				if line, _ := text(ps[0], atom.P); line != tt.line+" "+w.Latest {
					t.Errorf("line %q, want %q", line, tt.line+" "+w.Latest)
				}
			})
		}
	}
}

// langLines returns the paragraphs of a page that name their language,
// and those languages.
func langLines(doc *html.Node) (ps []*html.Node, langs []string) {
	for _, p := range elements(doc, atom.P) {
		if l, ok := attr(p, "lang"); ok {
			ps, langs = append(ps, p), append(langs, l)
		}
	}
	return ps, langs
}

// links returns the hrefs of a page's anchors and <link>s, but the skip
// link.
func links(doc *html.Node) []string {
	var hrefs []string
	for _, a := range append(elements(doc, atom.A), elements(doc, atom.Link)...) {
		if h, _ := attr(a, "href"); h != "#main" {
			hrefs = append(hrefs, h)
		}
	}
	return hrefs
}

// TestNoBrokenLinks follows every relative link of every page to a file
// the build wrote. With IndexLinks each must name the file itself, as a
// browser opening the pages from disk needs; without, a link to a folder
// stands for its index.html, as on a web server.
func TestNoBrokenLinks(t *testing.T) {
	for _, indexLinks := range []bool{false, true} {
		cfg := testConfig()
		cfg.IndexLinks = indexLinks
		fs := files(t, cfg, fixture(t))
		checked := 0
		for name, b := range fs {
			if !strings.HasSuffix(name, ".html") || !indexLinks && (name == NotFoundPage || name == GonePage) {
				continue
			}
			doc := parsePage(t, name, b)
			for _, n := range append(elements(doc, atom.A), elements(doc, atom.Link)...) {
				href, _ := attr(n, "href")
				if href == "" || strings.HasPrefix(href, "#") || strings.Contains(href, "://") {
					continue
				}
				raw, err := url.PathUnescape(href)
				if err != nil {
					t.Fatalf("%s: link %q: %v", name, href, err)
				}
				target := path.Join(path.Dir(name), raw)
				if strings.HasSuffix(href, "/") {
					if indexLinks {
						t.Errorf("IndexLinks: %s links the folder %s", name, href)
					}
					target += "/index.html"
				}
				if _, ok := fs[strings.TrimPrefix(target, "./")]; !ok {
					t.Errorf("IndexLinks %v: %s links %s: no file %s", indexLinks, name, href, target)
				}
				checked++
			}
		}
		if checked < 100 {
			t.Errorf("IndexLinks %v: only %d links followed", indexLinks, checked)
		}
	}
}

// TestSitemapListsWrittenPages checks that the sitemap lists the home page,
// every language index, the tag pages and every release page, each an
// address of a written page, and nothing else.
func TestSitemapListsWrittenPages(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	var doc struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(fs["sitemap.xml"], &doc); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, u := range doc.URLs {
		p, err := url.PathUnescape(strings.TrimPrefix(u.Loc, testBase+"/"))
		if err != nil || !strings.HasPrefix(u.Loc, testBase+"/") {
			t.Errorf("loc %q is not an address of the site", u.Loc)
			continue
		}
		if _, ok := fs[p+"index.html"]; !ok {
			t.Errorf("loc %q: no page %sindex.html was written", u.Loc, p)
		}
		if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
			t.Errorf("loc %q: lastmod %q: %v", u.Loc, u.LastMod, err)
		}
		listed[p] = true
	}
	for p := range fs {
		dir, ok := strings.CutSuffix(p, "index.html")
		if ok && !strings.Contains(dir, "page/") && !listed[dir] {
			t.Errorf("page %s is not in the sitemap", p)
		}
	}
}

// TestUzbekCyrillicPages checks that a release in Uzbek Cyrillic gets its
// page furniture in Cyrillic, and one in Uzbek Latin keeps the Latin.
func TestUzbekCyrillicPages(t *testing.T) {
	entries := fixture(t)
	for i := range entries {
		if entries[i].Release.ID == "2020/imts-success-uz" {
			entries[i].Release.Lang = "uz-Cyrl"
		}
	}
	page := string(files(t, testConfig(), entries)["releases/2020/imts-success-uz/index.html"])
	for _, want := range []string{`<html lang="uz-Cyrl"`, "Асосий мазмунга ўтиш", "Бошқа тилларда", "Обуна бўлиш"} {
		if !strings.Contains(page, want) {
			t.Errorf("the uz-Cyrl page lacks %q", want)
		}
	}
	if strings.Contains(page, "Boshqa tillarda") {
		t.Error("the uz-Cyrl page has Latin furniture")
	}
	latin := string(files(t, testConfig(), fixture(t))["releases/2020/imts-success-uz/index.html"])
	if !strings.Contains(latin, "Boshqa tillarda") {
		t.Error("the uz page lost its Latin furniture")
	}
}

// TestGoneLanguageKeepsFeeds checks that a language whose only release
// was withdrawn keeps its index and feeds, empty, and its line on the
// 410 page, when the configuration names no languages: a reader
// subscribed to /ru/feed.xml gets an empty feed, not 404.
func TestGoneLanguageKeepsFeeds(t *testing.T) {
	var en []Entry
	for _, e := range fixture(t) {
		if e.Release.Lang == "en" {
			en = append(en, e)
		}
	}
	cfg := Config{BaseURL: testBase, Title: "Office"}
	for _, gone := range []bool{false, true} {
		s := newSite(t, cfg)
		if gone {
			s.SetGone([]Gone{{ID: "2019/ru-withdrawn", Lang: "ru"}})
		}
		fs, err := s.Files(en)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"ru/index.html", "ru/feed.xml", "ru/atom.xml", "ru/feed.json"} {
			if _, ok := fs[f]; ok != gone {
				t.Errorf("gone %v: %s written %v", gone, f, ok)
			}
		}
		_, langs := langLines(parsePage(t, GonePage, fs[GonePage]))
		if slices.Contains(langs, "ru") != gone {
			t.Errorf("gone %v: 410 page lines in %q", gone, langs)
		}
		if gone && bytes.Contains(fs["ru/feed.xml"], []byte("<item>")) {
			t.Errorf("ru/feed.xml has items:\n%s", fs["ru/feed.xml"])
		}
		// An empty feed is dated by the newest change in the newsroom,
		// not 1970.
		for _, f := range []string{"ru/feed.xml", "ru/atom.xml"} {
			if gone && (bytes.Contains(fs[f], []byte("1970")) || !bytes.Contains(fs[f], []byte("2022"))) {
				t.Errorf("%s is not dated by the newest release (2022):\n%s", f, fs[f])
			}
		}
	}
}

// TestEmptyIndexesInSitemap checks that every language index the newsroom
// writes is in the sitemap, also one whose releases were all withdrawn
// (dated by the withdrawal when its time is known), and that an index
// without releases says whether there are none yet or none now.
func TestEmptyIndexesInSitemap(t *testing.T) {
	later := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var en []Entry
	for _, e := range fixture(t) {
		if e.Release.Lang == "en" {
			en = append(en, e)
		}
	}
	tests := []struct {
		name    string
		langs   []string
		entries []Entry
		gone    []Gone
		dir     string // the index checked, under the base URL
		lastmod string // its lastmod in the sitemap ("": none)
		says    string
	}{
		{"ru withdrawn", nil, en, []Gone{{ID: "2019/ru", Lang: "ru", At: later}}, "ru/", later.In(tashkent(t)).Format(time.RFC3339), "Сейчас опубликованных пресс-релизов нет."},
		{"ru withdrawn, time unknown", nil, en, []Gone{{ID: "2019/ru", Lang: "ru"}}, "ru/", "", "Сейчас опубликованных пресс-релизов нет."},
		{"uz configured, none yet", []string{"en", "uz"}, en, nil, "uz/", "", "Hozircha press-relizlar yoʻq."},
		{"uz configured, ru withdrawn", []string{"en", "uz"}, en, []Gone{{ID: "2019/ru", Lang: "ru", At: later}}, "uz/", "", "Hozircha press-relizlar yoʻq."},
		{"everything withdrawn: home", nil, nil, []Gone{{ID: "2019/en", Lang: "en", At: later}}, "", later.In(tashkent(t)).Format(time.RFC3339), "No releases are published at the moment."},
		{"everything withdrawn: en", nil, nil, []Gone{{ID: "2019/en", Lang: "en", At: later}}, "en/", later.In(tashkent(t)).Format(time.RFC3339), "No releases are published at the moment."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, Config{BaseURL: testBase, Title: "Office", Langs: tt.langs})
			s.SetGone(tt.gone)
			fs, err := s.Files(tt.entries)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(fs[tt.dir+"index.html"], []byte("<p>"+tt.says+"</p>")) {
				t.Errorf("%sindex.html does not say %q:\n%s", tt.dir, tt.says, fs[tt.dir+"index.html"])
			}
			lastmod, listed := sitemapLastmods(t, fs["sitemap.xml"])[testBase+"/"+tt.dir]
			if !listed || lastmod != tt.lastmod {
				t.Errorf("sitemap lists %s/%s: %v, lastmod %q; want listed, lastmod %q", testBase, tt.dir, listed, lastmod, tt.lastmod)
			}
		})
	}
}

// tashkent returns the default office zone.
func tashkent(t *testing.T) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(DefaultZone)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// TestLanguageWithoutWords checks that a language the interface has no
// words for (kk) gets pages whose <html lang> is the language of their
// headings (English), not kk, and that no line of the 404 page claims kk
// for English text.
func TestLanguageWithoutWords(t *testing.T) {
	fs := files(t, Config{BaseURL: testBase, Title: "Office", Langs: []string{"kk", "ru"}}, fixture(t))
	for file, want := range map[string]string{"kk/index.html": "en", "index.html": "en", "tags/index.html": "en", NotFoundPage: "en", "ru/index.html": "ru"} {
		doc := parsePage(t, file, fs[file])
		if got, _ := attr(elements(doc, atom.Html)[0], "lang"); got != want {
			t.Errorf("%s: <html lang=%q>, want %q", file, got, want)
		}
	}
	if _, langs := langLines(parsePage(t, NotFoundPage, fs[NotFoundPage])); slices.Contains(langs, "kk") {
		t.Errorf("404 lines in %q: English text marked kk", langs)
	}
}

// TestNoticeLinesOnce checks that 404.html and 410.html say each line
// once: a language without words of its own (kk) would repeat the
// English line, and one whose words differ from the default language's
// although its primary subtag is the same (uz next to uz-Cyrl) still
// gets its own.
func TestNoticeLinesOnce(t *testing.T) {
	tests := []struct {
		langs []string
		want  []string // the languages of the lines, in order
	}{
		{[]string{"kk"}, []string{"en"}},
		{[]string{"kk", "ru"}, []string{"en", "ru"}},
		{[]string{"en", "kk", "ru"}, []string{"en", "ru"}},
		{[]string{"ru", "kk", "en"}, []string{"ru", "en"}},
		{[]string{"uz-Cyrl", "uz"}, []string{"uz-Cyrl", "uz"}},
		{[]string{"uz", "uz-Latn", "ru"}, []string{"uz", "ru"}},
	}
	for _, tt := range tests {
		fs := files(t, Config{BaseURL: testBase, Title: "Office", Langs: tt.langs}, nil)
		for _, file := range []string{NotFoundPage, GonePage} {
			t.Run(strings.Join(tt.langs, ",")+"/"+file, func(t *testing.T) {
				ps, langs := langLines(parsePage(t, file, fs[file]))
				if !slices.Equal(langs, tt.want) {
					t.Errorf("lines in %q, want %q", langs, tt.want)
				}
				seen := map[string]bool{}
				for _, p := range ps {
					line, _ := text(p, atom.P)
					if seen[line] {
						t.Errorf("line %q twice", line)
					}
					seen[line] = true
				}
			})
		}
	}
}

// langOf returns the language of n: the lang of n or of its nearest
// ancestor that has one.
func langOf(n *html.Node) string {
	for ; n != nil; n = n.Parent {
		if l, ok := attr(n, "lang"); ok {
			return l
		}
	}
	return ""
}

// ownText returns the text directly in n, trimmed.
func ownText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

// elementOpening returns the first element whose own text starts with
// prefix, or nil.
func elementOpening(doc *html.Node, prefix string) *html.Node {
	var out *html.Node
	walk(doc, func(n *html.Node) {
		if out == nil && n.Type == html.ElementNode && prefix != "" && strings.HasPrefix(ownText(n), prefix) {
			out = n
		}
	})
	return out
}

// TestElementLanguages checks the language of each part of a release
// page: the release's own text (title, date line, body, tags) is in the
// release's language, and the page furniture in the language of its
// words. A release in Kazakh, which has no interface words, is a kk page
// with English headings, menus and footer, each marked lang="en"; a
// Russian release's furniture is Russian and needs no mark. The names of
// the other language versions are in their own languages.
func TestElementLanguages(t *testing.T) {
	entries := fixture(t)
	kk := entries[3] // the English release, translated into Kazakh
	kk.Release.ID, kk.Release.Lang, kk.Release.Title = "2020/imts-success-kk", "kk", "Мобильді зертханалардың табысы"
	kk.Release.Location, kk.Release.Tags = "Ташкент, Өзбекстан", []string{"есірткі"}
	kk.BodyHTML, kk.Summary = "<p>Мобильді зертханалар жергілікті қауымдастықтардың қауіпсіздігіне әсер етеді.</p>", "Қысқаша"
	entries = append(entries, kk)
	fs := files(t, testConfig(), entries)
	en, ru := ui["en"], ui["ru"]
	byText := func(s string) func(*html.Node) *html.Node {
		return func(doc *html.Node) *html.Node { return elementOpening(doc, s) }
	}
	byAttr := func(a atom.Atom, key, val string) func(*html.Node) *html.Node {
		return func(doc *html.Node) *html.Node {
			if ns := elementsWithAttr(doc, a, key, val); len(ns) > 0 {
				return ns[0]
			}
			return nil
		}
	}
	tests := []struct {
		page, what string
		find       func(*html.Node) *html.Node
		want       string
	}{
		{"kk", "page", byAttr(atom.Html, "lang", "kk"), "kk"},
		{"kk", "title", byText(kk.Release.Title), "kk"},
		{"kk", "date line", byText(", " + kk.Release.Location), "kk"},
		{"kk", "body", byText("Мобильді зертханалар жергілікті"), "kk"},
		{"kk", "tag", byAttr(atom.A, "rel", "tag"), "kk"},
		{"kk", "skip link", byText(en.Skip), "en"},
		{"kk", "language menu", byAttr(atom.Nav, "aria-label", en.LangNav), "en"},
		{"kk", "menu's all languages", byText(en.AllLangs), "en"},
		{"kk", "tags heading", byText(en.Tags), "en"},
		{"kk", "other versions heading", byText(en.AlsoIn), "en"},
		{"kk", "feeds line", byText(en.Feeds + ":"), "en"},
		{"kk", "all tags link", byText(en.TagsTitle), "en"},
		{"kk", "Russian version's name", byText("(Русский)"), "ru"},
		{"ru", "page", byAttr(atom.Html, "lang", "ru"), "ru"},
		{"ru", "tags heading", byText(ru.Tags), "ru"},
		{"ru", "other versions heading", byText(ru.AlsoIn), "ru"},
		{"ru", "skip link", byText(ru.Skip), "ru"},
		{"ru", "feeds line", byText(ru.Feeds + ":"), "ru"},
		{"ru", "Kazakh version's name", byText("(Қазақша)"), "kk"},
		{"ru", "English version's name", byText("(English)"), "en"},
	}
	docs := map[string]*html.Node{
		"kk": parsePage(t, "kk", fs["releases/2020/imts-success-kk/index.html"]),
		"ru": parsePage(t, "ru", fs["releases/2020/imts-success-ru/index.html"]),
	}
	for _, tt := range tests {
		n := tt.find(docs[tt.page])
		if n == nil {
			t.Errorf("%s page: no %s", tt.page, tt.what)
			continue
		}
		if got := langOf(n); got != tt.want {
			t.Errorf("%s page: %s in %q, want %q", tt.page, tt.what, got, tt.want)
		}
	}
}

// TestEmptyNewsroomDates checks that a newsroom without releases (every
// fresh install) dates nothing 1970 but Atom's required updated.
func TestEmptyNewsroomDates(t *testing.T) {
	fs := files(t, Config{BaseURL: testBase, Title: "Office", Langs: []string{"en"}}, nil)
	for _, f := range []string{"feed.xml", "en/feed.xml", "sitemap.xml", "feed.json"} {
		if bytes.Contains(fs[f], []byte("1970")) {
			t.Errorf("%s dates something 1970:\n%s", f, fs[f])
		}
	}
	if !bytes.Contains(fs["atom.xml"], []byte("<updated>1970-01-01T")) {
		t.Errorf("atom.xml has no updated, which Atom requires:\n%s", fs["atom.xml"])
	}
}

// TestFeedUpdatedNeverGoesBack checks that a feed's updated time takes the
// withdrawals of its scope into account: withdrawing the newest release
// changes the feed, so its time must not go back to the one before.
func TestFeedUpdatedNeverGoesBack(t *testing.T) {
	var en []Entry
	for _, e := range fixture(t) {
		if e.Release.Lang == "en" {
			en = append(en, e)
		}
	}
	later := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		gone  []Gone
		later []string // feeds dated by the withdrawal; the others by their releases
	}{
		{"none", nil, nil},
		{"time unknown", []Gone{{ID: "2019/gone", Lang: "en"}}, nil},
		// ru has no release: its empty feed takes the newsroom's newest change.
		{"en withdrawn", []Gone{{ID: "2019/gone", Lang: "en", At: later}}, []string{"atom.xml", "en/atom.xml", "ru/atom.xml"}},
		{"ru withdrawn", []Gone{{ID: "2019/gone", Lang: "ru", At: later}}, []string{"atom.xml", "ru/atom.xml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t, Config{BaseURL: testBase, Title: "Office", Langs: []string{"en", "ru"}})
			s.SetGone(tt.gone)
			fs, err := s.Files(en)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"atom.xml", "en/atom.xml", "ru/atom.xml"} {
				var feed struct {
					Updated string `xml:"updated"`
				}
				if err := xml.Unmarshal(fs[f], &feed); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				got, err := time.Parse(time.RFC3339, feed.Updated)
				if err != nil {
					t.Fatalf("%s: updated %q: %v", f, feed.Updated, err)
				}
				if want := slices.Contains(tt.later, f); got.Equal(later) != want {
					t.Errorf("%s updated %s; dated by the withdrawal (%s): %v, want %v", f, got, later, got.Equal(later), want)
				}
			}
		})
	}
}

// TestWriteRooted checks that a list item's fragment, split once, gets the
// root in front of every href value.
func TestWriteRooted(t *testing.T) {
	for _, tc := range []struct{ h, root, want string }{
		{"", "../", "\n"},
		{"<li>no link</li>", "../", "\n<li>no link</li>"},
		{`<li><a href="releases/a/">A</a></li>`, "../../", "\n" + `<li><a href="../../releases/a/">A</a></li>`},
		{`<a href="x/">x</a> <a href="tags/y/">y</a>`, "./", "\n" + `<a href="./x/">x</a> <a href="./tags/y/">y</a>`},
		{`<a href="`, "../", "\n" + `<a href="../`},
	} {
		var b bytes.Buffer
		writeRooted(&b, splitHrefs(tc.h), tc.root)
		if got := b.String(); got != tc.want {
			t.Errorf("writeRooted(%q, %q) = %q, want %q", tc.h, tc.root, got, tc.want)
		}
	}
}
