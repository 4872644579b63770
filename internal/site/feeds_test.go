package site

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/pressbot/pressbot/internal/release"
)

// wantItem is what a feed must say about one release.
type wantItem struct {
	title, link, lang, published string
}

// TestFeedsReadBack parses every feed with gofeed and checks titles, links,
// dates with the office offset, languages and entry counts.
func TestFeedsReadBack(t *testing.T) {
	cfg := testConfig()
	fs := files(t, cfg, fixture(t))
	newest := []wantItem{ // all languages, newest first, FeedItems = 3
		{"Доступ к чистой воде", testBase + "/releases/2023/water-ru/", "ru", "2023-03-02T09:15:00+05:00"},
		{hostileTitle, testBase + "/releases/2022/hostile/", "en", "2022-11-05T16:45:00+05:00"},
		{"Regional forum discusses the Aral Sea", testBase + "/releases/2021/aral-sea-forum/", "en", "2021-06-21T09:30:00+05:00"},
	}
	byLang := map[string][]wantItem{
		"":   newest,
		"en": {newest[1], newest[2], {"IMTs' Success Impacts the Security and Health of Local Communities", testBase + "/releases/2020/imts-success/", "en", "2020-02-06T10:00:00+05:00"}},
		"ru": {newest[0], {"Успех МВМГ влияет на безопасность и здоровье местных сообществ", testBase + "/releases/2020/imts-success-ru/", "ru", "2020-02-06T10:30:00+05:00"}},
		"uz": {{"MIMGlar muvaffaqiyati mahalliy jamoalar xavfsizligiga ta’sir qiladi", testBase + "/releases/2020/imts-success-uz/", "uz", "2020-02-06T11:00:00+05:00"}},
	}
	for lang, want := range byLang {
		dir := ""
		if lang != "" {
			dir = lang + "/"
		}
		for _, name := range []string{"feed.xml", "atom.xml", "feed.json"} {
			t.Run(dir+name, func(t *testing.T) {
				b, ok := fs[dir+name]
				if !ok {
					t.Fatalf("no %s%s", dir, name)
				}
				p := gofeed.NewParser()
				p.KeepOriginalFeed = true
				f, err := p.Parse(bytes.NewReader(b))
				if err != nil {
					t.Fatalf("gofeed: %v\n%s", err, b)
				}
				checkFeed(t, f, name, lang, want)
			})
		}
	}
}

// checkFeed compares one parsed feed with the expected items.
func checkFeed(t *testing.T, f *gofeed.Feed, name, lang string, want []wantItem) {
	t.Helper()
	kind := map[string]string{"feed.xml": "rss", "atom.xml": "atom", "feed.json": "json"}[name]
	if f.FeedType != kind {
		t.Errorf("type %q, want %q", f.FeedType, kind)
	}
	if !strings.HasPrefix(f.Title, "UNODC Regional Office for Central Asia") {
		t.Errorf("feed title %q", f.Title)
	}
	if f.Language != lang {
		t.Errorf("feed language %q, want %q", f.Language, lang)
	}
	home := testBase + "/"
	if lang != "" {
		home += lang + "/"
	}
	if f.Link != home {
		t.Errorf("feed link %q, want %q", f.Link, home)
	}
	if name != "atom.xml" && f.FeedLink != home+name && !slices.Contains(f.Links, home+name) {
		t.Errorf("feed self link missing: FeedLink %q Links %q", f.FeedLink, f.Links)
	}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(f.Items), len(want))
	}
	for i, w := range want {
		it := f.Items[i]
		if it.Title != w.title || it.Link != w.link {
			t.Errorf("item %d: %q %q, want %q %q", i, it.Title, it.Link, w.title, w.link)
		}
		checkDate(t, f.FeedType, it.Published, w.published)
		if it.PublishedParsed == nil || !it.PublishedParsed.Equal(mustRFC3339(t, w.published)) {
			t.Errorf("item %d parsed date %v", i, it.PublishedParsed)
		}
		if got := itemLang(f, i, it); got != w.lang && f.FeedType != "atom" {
			t.Errorf("item %d language %q, want %q", i, got, w.lang)
		}
		if !strings.Contains(it.Content, "<strong>") {
			t.Errorf("item %d: content is not the body HTML: %q", i, it.Content)
		}
	}
	if name == "feed.xml" || name == "feed.json" {
		checkEnclosures(t, f)
	}
}

// checkDate checks that a feed's raw date string is the wanted instant
// written in the office zone (+05:00), in the format of the feed type.
func checkDate(t *testing.T, feedType, raw, want string) {
	t.Helper()
	layout := time.RFC3339
	if feedType == "rss" {
		layout = time.RFC1123Z
	}
	got, err := time.Parse(layout, raw)
	if err != nil {
		t.Errorf("date %q is not %s: %v", raw, layout, err)
		return
	}
	if _, off := got.Zone(); off != 5*3600 || !got.Equal(mustRFC3339(t, want)) {
		t.Errorf("date %q, want %s written with the office offset +05:00", raw, want)
	}
}

// mustRFC3339 parses s.
func mustRFC3339(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// itemLang returns the language an RSS or JSON feed declares for item i
// (gofeed drops Atom's entry xml:lang: TestAtomEntryLang checks it).
func itemLang(f *gofeed.Feed, i int, it *gofeed.Item) string {
	switch f.FeedType {
	case "rss":
		if it.DublinCoreExt != nil && len(it.DublinCoreExt.Language) > 0 {
			return it.DublinCoreExt.Language[0]
		}
	case "json":
		if jf, ok := f.OriginalFeed().(*jsonfeed.Feed); ok {
			return jf.Items[i].Language
		}
	}
	return ""
}

// checkEnclosures checks the image enclosure of the known releases.
func checkEnclosures(t *testing.T, f *gofeed.Feed) {
	t.Helper()
	for _, it := range f.Items {
		switch it.Link {
		case testBase + "/releases/2020/imts-success/":
			if f.FeedType == "rss" {
				want := gofeed.Enclosure{URL: testBase + "/media/images/2020/imts.jpg", Length: "34567", Type: "image/jpeg"}
				if len(it.Enclosures) != 1 || *it.Enclosures[0] != want {
					t.Errorf("enclosure %+v, want %+v", it.Enclosures, want)
				}
			}
		case testBase + "/releases/2021/aral-sea-forum/":
			if len(it.Enclosures) != 1 || it.Enclosures[0].Type != "image/png" || it.Enclosures[0].URL != "https://cdn.example.net/aral.png" {
				t.Errorf("remote image enclosure %+v", it.Enclosures)
			}
		case testBase + "/releases/2023/water-ru/":
			if len(it.Enclosures) != 0 {
				t.Errorf("release without image has enclosures %+v", it.Enclosures)
			}
		}
	}
}

// TestAtomEntryLang checks what gofeed does not expose: each Atom entry's
// xml:lang, its stable tag: id, rel="self" and the feed's updated.
func TestAtomEntryLang(t *testing.T) {
	fs := files(t, testConfig(), fixture(t))
	var f struct {
		Updated string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
			ID    string `xml:"id"`
			Links []struct {
				Rel      string `xml:"rel,attr"`
				HrefLang string `xml:"hreflang,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(fs["en/atom.xml"], &f); err != nil {
		t.Fatal(err)
	}
	if f.Updated != "2022-11-05T16:45:00+05:00" {
		t.Errorf("updated %q: want the newest change in the feed", f.Updated)
	}
	if !slices.ContainsFunc(f.Links, func(l struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}) bool {
		return l.Rel == "self" && l.Href == testBase+"/en/atom.xml"
	}) {
		t.Errorf("no rel=self link to the feed: %+v", f.Links)
	}
	want := []string{
		"tag:newsroom.example.org,2022-11-05:/releases/2022/hostile/",
		"tag:newsroom.example.org,2021-06-21:/releases/2021/aral-sea-forum/",
		"tag:newsroom.example.org,2020-02-06:/releases/2020/imts-success/",
	}
	if len(f.Entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(f.Entries), len(want))
	}
	related := 0
	for i, e := range f.Entries {
		if e.Lang != "en" || e.ID != want[i] {
			t.Errorf("entry %d: lang %q id %q, want en %q", i, e.Lang, e.ID, want[i])
		}
		// One alternate, the entry's own page: readers such as feedparser
		// take the last alternate as the entry's link. Its translations
		// are "related", with their hreflang.
		alternates := 0
		for _, l := range e.Links {
			switch l.Rel {
			case "alternate":
				alternates++
			case "related":
				related++
				if l.HrefLang == "" {
					t.Errorf("entry %d: related link without hreflang", i)
				}
			}
		}
		if alternates != 1 {
			t.Errorf("entry %d: %d rel=alternate links, want 1", i, alternates)
		}
	}
	if related == 0 {
		t.Error("no entry links a translation: the fixture has some")
	}
}

// TestEntryIDsCarryBasePath checks each feed's entry ids for newsrooms
// at several base URLs: Atom's tag: URI carries the base URL's path, so
// that newsrooms on one host under different paths give different ids,
// and is what it always was for a base URL without a path (subscribers
// would otherwise see every entry again); RSS guid and JSON Feed id are
// the page's URL.
func TestEntryIDsCarryBasePath(t *testing.T) {
	const page = "/releases/2020/imts-success/"
	tests := []struct{ base, atom, url string }{
		{"https://newsroom.example.org", "tag:newsroom.example.org,2020-02-06:" + page, "https://newsroom.example.org" + page},
		{"https://newsroom.example.org/", "tag:newsroom.example.org,2020-02-06:" + page, "https://newsroom.example.org" + page},
		{"http://127.0.0.1:8080", "tag:127.0.0.1,2020-02-06:" + page, "http://127.0.0.1:8080" + page},
		{"https://example.org/a", "tag:example.org,2020-02-06:/a" + page, "https://example.org/a" + page},
		{"https://example.org/b/", "tag:example.org,2020-02-06:/b" + page, "https://example.org/b" + page},
		{"https://example.org/press/news", "tag:example.org,2020-02-06:/press/news" + page, "https://example.org/press/news" + page},
		{"https://example.org/press%20room", "tag:example.org,2020-02-06:/press%20room" + page, "https://example.org/press%20room" + page},
	}
	owner := map[string]string{} // id → the base URL whose feeds gave it
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			cfg := testConfig()
			cfg.BaseURL = tt.base
			fs := files(t, cfg, fixture(t))
			want := map[string]string{"en/atom.xml": tt.atom, "en/feed.xml": tt.url, "en/feed.json": tt.url}
			for name, id := range want {
				f, err := gofeed.NewParser().Parse(bytes.NewReader(fs[name]))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got := f.Items[len(f.Items)-1].GUID; got != id {
					t.Errorf("%s: id %q, want %q", name, got, id)
				}
				for _, it := range f.Items {
					if o, ok := owner[it.GUID]; ok && o != strings.TrimRight(tt.base, "/") {
						t.Errorf("%s: id %q, given by the newsroom at %s too", name, it.GUID, o)
					}
					owner[it.GUID] = strings.TrimRight(tt.base, "/")
				}
			}
		})
	}
}

// TestRobots checks robots.txt: the sitemap's address, and for a
// newsroom under a path, which crawlers never ask for its robots.txt, a
// comment that its Sitemap line belongs in the host's own file.
func TestRobots(t *testing.T) {
	const rules = "User-agent: *\nAllow: /\nSitemap: "
	tests := []struct{ base, want string }{
		{"https://newsroom.example.org", rules + "https://newsroom.example.org/sitemap.xml\n"},
		{"https://newsroom.example.org/", rules + "https://newsroom.example.org/sitemap.xml\n"},
		{"http://127.0.0.1:8080", rules + "http://127.0.0.1:8080/sitemap.xml\n"},
		{"https://example.org/news", "# Crawlers read robots.txt only at the root of the host, https://example.org/robots.txt,\n" +
			"# not here: add the Sitemap line below to that file.\n" + rules + "https://example.org/news/sitemap.xml\n"},
		{"https://example.org:8443/press%20room/", "# Crawlers read robots.txt only at the root of the host, https://example.org:8443/robots.txt,\n" +
			"# not here: add the Sitemap line below to that file.\n" + rules + "https://example.org:8443/press%20room/sitemap.xml\n"},
	}
	for _, tt := range tests {
		cfg := testConfig()
		cfg.BaseURL = tt.base
		if got := string(files(t, cfg, nil)["robots.txt"]); got != tt.want {
			t.Errorf("%s: robots.txt\n%s\nwant\n%s", tt.base, got, tt.want)
		}
	}
}

// TestSitemapLastmodWithdrawal checks that a withdrawal dates, in the
// sitemap, the pages that listed or linked the release: the home page, its
// language's index, the tags index, the pages of its public tags and
// those of its translations, so that crawlers fetch them again; and only
// those.
func TestSitemapLastmodWithdrawal(t *testing.T) {
	later := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		gone  []Gone
		later []string // pages (folders under the base URL) dated by the withdrawal
	}{
		{"none", nil, nil},
		{"time unknown", []Gone{{ID: "2019/gone", Lang: "en", Tags: []string{"Drugs"}}}, nil},
		{"en with a tag", []Gone{{ID: "2019/gone", Lang: "en", At: later, Tags: []string{"Drugs"}}}, []string{"", "en/", "tags/", "tags/drugs/", "releases/"}},
		{"ru with tags", []Gone{{ID: "2019/gone", Lang: "ru", At: later, Tags: []string{"Климат", "Aral Sea"}}},
			[]string{"", "ru/", "tags/", "tags/%D0%BA%D0%BB%D0%B8%D0%BC%D0%B0%D1%82/", "tags/aral-sea/", "releases/"}},
		{"uz without tags", []Gone{{ID: "2019/gone", Lang: "uz", At: later}}, []string{"", "uz/", "releases/"}},
		{"a tag no release has now", []Gone{{ID: "2019/gone", Lang: "en", At: later, Tags: []string{"Gone topic"}}}, []string{"", "en/", "tags/", "releases/"}},
		{"a private tag only", []Gone{{ID: "2019/gone", Lang: "en", At: later, Tags: []string{"urgent"}}}, []string{"", "en/", "releases/"}},
		{"a translation", []Gone{{ID: "2020/imts-success-kk", Lang: "en", At: later, Key: "imts-2020"}},
			[]string{"", "en/", "releases/2020/imts-success/", "releases/2020/imts-success-ru/", "releases/2020/imts-success-uz/", "releases/", "releases/2020/"}},
		{"another key", []Gone{{ID: "2019/gone", Lang: "en", At: later, Key: "forum-2019"}}, []string{"", "en/", "releases/"}},
		{"the later of two", []Gone{
			{ID: "2019/gone", Lang: "en", At: later, Tags: []string{"climate"}},
			{ID: "2019/older", Lang: "en", At: later.Add(-time.Hour), Tags: []string{"Drugs"}},
		}, []string{"", "en/", "tags/", "tags/climate/", "releases/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.PrivateTags = release.PrivateTags{"urgent"}
			s := newSite(t, cfg)
			s.SetGone(tt.gone)
			fs, err := s.Files(fixture(t))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				URLs []struct {
					Loc     string `xml:"loc"`
					LastMod string `xml:"lastmod"`
				} `xml:"url"`
			}
			if err := xml.Unmarshal(fs["sitemap.xml"], &doc); err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, u := range doc.URLs {
				dir, ok := strings.CutPrefix(u.Loc, testBase+"/")
				if !ok {
					t.Fatalf("sitemap loc %q not under %s", u.Loc, testBase)
				}
				got, err := time.Parse(time.RFC3339, u.LastMod)
				if err != nil {
					t.Fatalf("%s: lastmod %q: %v", u.Loc, u.LastMod, err)
				}
				want := slices.Contains(tt.later, dir)
				if want {
					seen++
				}
				if got.Equal(later) != want {
					t.Errorf("%s lastmod %s; dated by the withdrawal (%s): %v, want %v", u.Loc, got, later, got.Equal(later), want)
				}
			}
			if seen != len(tt.later) {
				t.Errorf("sitemap lists %d of the pages %q", seen, tt.later)
			}
		})
	}
}

// TestFeedUpdatedUsesEntryUpdated checks that an edit moves Atom updated
// and JSON date_modified but not the publication date.
func TestFeedUpdatedUsesEntryUpdated(t *testing.T) {
	es := fixture(t)
	fs := files(t, testConfig(), es)
	f, err := gofeed.NewParser().Parse(bytes.NewReader(fs["en/feed.json"]))
	if err != nil {
		t.Fatal(err)
	}
	last := f.Items[2]
	if last.Updated != "2020-02-07T09:00:00+05:00" || last.Published != "2020-02-06T10:00:00+05:00" {
		t.Errorf("published %q updated %q", last.Published, last.Updated)
	}
}

// TestEmptyFeedsAreValid checks that a newsroom without releases still
// writes parseable feeds for every configured language.
func TestEmptyFeedsAreValid(t *testing.T) {
	fs := files(t, testConfig(), nil)
	for _, p := range []string{"feed.xml", "atom.xml", "feed.json", "uz/feed.xml", "uz/atom.xml", "uz/feed.json"} {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(fs[p]))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if len(f.Items) != 0 {
			t.Errorf("%s: %d items", p, len(f.Items))
		}
	}
	if _, ok := fs["index.html"]; !ok {
		t.Error("no home page for an empty newsroom")
	}
}

// TestSitemapLastmodTranslations checks that a release page's lastmod is
// the latest change among the release and the translations its page
// links: an edit of one language version dates every page of the group
// (their alternate links and "also in" titles show it), and no other.
func TestSitemapLastmodTranslations(t *testing.T) {
	const (
		enUpd  = "2020-02-07T09:00:00+05:00" // the fixture's edit of the English version
		later  = "2030-01-02T08:04:05+05:00"
		aralAt = "2021-06-21T09:30:00+05:00"
	)
	group := []string{"2020/imts-success", "2020/imts-success-ru", "2020/imts-success-uz"}
	tests := []struct {
		name    string
		updated map[string]string // release ID → Entry.Updated
		want    map[string]string // release ID → lastmod of its page
	}{
		{"the fixture: the English edit dates the group", nil, map[string]string{
			group[0]: enUpd, group[1]: enUpd, group[2]: enUpd, "2021/aral-sea-forum": aralAt,
		}},
		{"a later Russian edit", map[string]string{group[1]: later}, map[string]string{
			group[0]: later, group[1]: later, group[2]: later, "2021/aral-sea-forum": aralAt,
		}},
		{"a later Uzbek edit", map[string]string{group[2]: later}, map[string]string{
			group[0]: later, group[1]: later, group[2]: later,
		}},
		{"an untranslated release", map[string]string{"2021/aral-sea-forum": later}, map[string]string{
			group[0]: enUpd, group[1]: enUpd, group[2]: enUpd, "2021/aral-sea-forum": later,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := fixture(t)
			for i := range es {
				if u, ok := tt.updated[es[i].Release.ID]; ok {
					es[i].Updated = at(t, u)
				}
			}
			got := sitemapLastmods(t, files(t, testConfig(), es)["sitemap.xml"])
			for id, want := range tt.want {
				loc := release.Release{ID: id}.PageURL(testBase)
				if !at(t, got[loc]).Equal(at(t, want)) {
					t.Errorf("%s lastmod %q, want %s", loc, got[loc], want)
				}
			}
		})
	}
}

// sitemapLastmods returns the lastmod of each URL of a sitemap by loc.
func sitemapLastmods(t *testing.T, b []byte) map[string]string {
	t.Helper()
	var doc struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(doc.URLs))
	for _, u := range doc.URLs {
		out[u.Loc] = u.LastMod
	}
	return out
}

// TestSitemapWriter checks that the sitemap's own XML writer gives what
// encoding/xml gives for the same elements, escapes included.
func TestSitemapWriter(t *testing.T) {
	type u struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	for _, tc := range []struct{ name, loc, lastMod string }{
		{"plain", "https://example.org/releases/2024/a/", "2024-01-02T03:04:05+05:00"},
		{"no lastmod", "https://example.org/", ""},
		{"quote", "https://example.org/o'neil/", "x"},
		{"double quote", `https://example.org/"q"/`, "x"},
		{"amp", "https://example.org/a&b/", "x"},
		{"angles", "https://example.org/<b>/", "x"},
		{"tab", "https://example.org/a\tb/", "x"},
		{"newline", "https://example.org/a\nb/", "x"},
		{"carriage return", "https://example.org/a\rb/", "x"},
		{"control", "https://example.org/a\x01b/", "x"},
		{"delete", "https://example.org/a\x7fb/", "x"},
		{"non-ASCII", "https://example.org/пресса/", "x"},
		{"invalid UTF-8", "https://example.org/\x80/", "x"},
	} {
		doc := struct {
			XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
			URLs    []u      `xml:"url"`
		}{URLs: []u{{Loc: tc.loc, LastMod: tc.lastMod}, {Loc: "https://example.org/z/", LastMod: "y"}}}
		var want, got bytes.Buffer
		if err := marshalXML(&want, doc); err != nil {
			t.Fatal(err)
		}
		w := sitemapWriter{buf: &got}
		w.open()
		w.url(tc.loc, tc.lastMod)
		w.url("https://example.org/z/", "y")
		w.close()
		if got.String() != want.String() {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got.String(), want.String())
		}
	}
}
